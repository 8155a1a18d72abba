/**
 * @file Anomaly detection (PyTorch's `detect_anomaly`): while on, each recorded node remembers where it
 * was made, and the first NaN or Inf a derivative rule produces raises an error naming the op, the
 * node, that place, and the statistics of what went into the rule. Off, nothing is recorded.
 */

import { AutogradError, checkOptions, formatNumber, type OptionNames } from '../errors.js';
import type { NDArray } from '../kernels/ndarray.js';
import { summarize } from '../kernels/summary.js';
import type { Grad, RuleObserver, RuleStep } from './backward.js';
import { type Node, rawOf } from './node.js';

/** What anomaly detection takes besides on/off. @example detectAnomaly(fn, { checkForward: true }) */
export interface AnomalyOptions {
  /**
   * Also check each recorded op's forward result (default false, as PyTorch: `log(0) = -Infinity`
   * may be meant, as in a mask). The backward check is always on.
   */
  readonly checkForward?: boolean;
}

const ANOMALY_OPTIONS: OptionNames<AnomalyOptions> = { checkForward: true };

/** The switch, read once per backward pass and once per recorded node: never per element when off. */
export let anomalyMode = false;
let checkForward = false;

/** Where each node recorded while the mode was on was made; no field on the node (it must stay small). */
const sites = new WeakMap<Node, string>();

/**
 * Turns anomaly detection on or off for everything that follows (PyTorch's `set_detect_anomaly`).
 *
 * @example
 * setDetectAnomaly(true);    // every node records its creation site; backward checks each rule
 */
export function setDetectAnomaly(on: boolean, options: AnomalyOptions = {}): void {
  if (typeof on !== 'boolean') throw new TypeError('setDetectAnomaly: pass true or false');
  checkOptions('setDetectAnomaly', options, ANOMALY_OPTIONS);
  anomalyMode = on;
  checkForward = on && (options.checkForward ?? false);
}

/** True while anomaly detection is on. @example isAnomalyEnabled();   // false, unless inside detectAnomaly */
export function isAnomalyEnabled(): boolean {
  return anomalyMode;
}

/**
 * Runs `fn` with anomaly detection on (PyTorch's `with detect_anomaly():`), restoring the previous
 * setting afterwards, even if `fn` throws. `fn` runs synchronously: for work spread over `await`s, use
 * `setDetectAnomaly(true)` and turn it off when done.
 *
 * @example
 * detectAnomaly(() => x.log().sum().backward());   // x = 0 → AutogradError naming log and where it was made
 */
export function detectAnomaly<R>(fn: () => R, options: AnomalyOptions = {}): R {
  checkOptions('detectAnomaly', options, ANOMALY_OPTIONS);
  const before = [anomalyMode, checkForward] as const;
  setDetectAnomaly(true, options);
  try {
    return fn();
  } finally {
    [anomalyMode, checkForward] = before;
  }
}

/** The file of a stack frame line (`at f (file:///a/b.ts:1:2)` → `file:///a/b.ts`). */
function frameFile(line: string): string | null {
  const m = /\(?((?:file:\/\/)?[^()\s]+?):\d+:\d+\)?\s*$/.exec(line);
  return m ? m[1]! : null;
}

/**
 * What counts as the library in a stack trace: the source folder when run from `src/` (this file is
 * `src/engine/anomaly.ts`), or the bundle file itself when run from `dist/`.
 */
const libraryRoot: string | null = (() => {
  const here = frameFile(new Error().stack?.split('\n')[1] ?? '');
  if (here === null) return null;
  const m = /^(.*[\\/])engine[\\/]anomaly\.[cm]?[jt]s$/.exec(here);
  return m ? m[1]! : here;
})();

const FRAMES = 4;

/** The caller's frames outside the library and outside Node's internals, a few of them. */
function creationStack(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  const outside = lines.filter((line) => {
    const file = frameFile(line);
    if (file === null || file.startsWith('node:')) return false;
    return libraryRoot === null || !file.startsWith(libraryRoot);
  });
  return outside
    .slice(0, FRAMES)
    .map((l) => l.trim())
    .join('\n    ');
}

/** Called by the engine for each recorded node while the mode is on. */
export function noteCreation(node: Node): void {
  sites.set(node, creationStack());
  if (checkForward && !allFinite(node.raw)) {
    const ins = node.parents.map((p, i) => `  input ${i}: ${describe(p.raw)}`);
    throw new AutogradError(
      node.op!.name,
      `forward produced ${badKind(node.raw)} (${nodeName(node)})${siteText(node)}\n${ins.join('\n')}`,
    );
  }
}

/**
 * Where `node` was made (the first frames of your code), when it was recorded with anomaly detection
 * on; null otherwise.
 *
 * @example
 * setDetectAnomaly(true);
 * creationSite(x.log());   // 'at model (file:///…/train.ts:12:5)…'
 */
export function creationSite(node: Node): string | null {
  return sites.get(node) ?? null;
}

function allFinite(g: Grad): boolean {
  const raw = rawOf(g);
  if (typeof raw === 'number') return Number.isFinite(raw);
  const d = raw.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return false;
  return true;
}

function badKind(g: Grad): string {
  const raw = rawOf(g);
  const values = typeof raw === 'number' ? [raw] : raw.data;
  for (const v of values) if (Number.isNaN(v)) return 'NaN';
  return 'Infinity';
}

/** A number as itself; an array as its statistics (from `summarize`). */
function describe(g: Grad): string {
  const raw = rawOf(g);
  if (typeof raw === 'number') return formatNumber(raw);
  const s = summarize(raw as NDArray);
  const f = formatNumber;
  return (
    `shape [${s.shape.join(', ')}], min ${f(s.min)}, max ${f(s.max)}, mean ${f(s.mean)}, ` +
    `std ${f(s.std)}, ${s.nanCount} NaN, ${s.infCount} Inf`
  );
}

function nodeName(node: Node): string {
  return node.label === '' ? `node #${node.id}, unlabelled` : `node "${node.label}"`;
}

function siteText(node: Node): string {
  const site = sites.get(node);
  return site
    ? `, created at\n    ${site}`
    : ', made before anomaly detection was on, so its creation site is unknown';
}

/**
 * The observer a backward pass runs while the mode is on: checks each rule step, then hands it to
 * `next` (a trace), if any.
 */
export function checkingAnomalies(next: RuleObserver | null): RuleObserver {
  return (step) => {
    checkStep(step);
    next?.(step);
  };
}

/**
 * Throws on the first gradient a rule sent with a NaN or an Inf, naming the op, the node, its
 * creation site, and what the rule was given.
 */
function checkStep({ node, contributions: grads, upstream }: RuleStep): void {
  const bad = grads.findIndex((g, i) => g != null && node.parent(i).requiresGrad && !allFinite(g));
  if (bad < 0) return;
  const ins = node.parents.map((p, i) => `  input ${i}${p.label ? ` "${p.label}"` : ''}: ${describe(p.raw)}`);
  throw new AutogradError(
    node.op!.name,
    `the derivative rule produced ${badKind(grads[bad]!)} in the gradient for input ${bad} ` +
      `(${nodeName(node)})${siteText(node)}\n` +
      `${ins.join('\n')}\n  output: ${describe(node.raw)}\n  upstream gradient: ${describe(upstream)}\n` +
      'look for the input value that makes this derivative undefined (log of 0, sqrt of a negative, 0/0, an overflowing exp)',
  );
}
