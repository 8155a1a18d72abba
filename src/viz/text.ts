/** @file How drawings and the viewer write a value or gradient: a number, or a tensor's shape and statistics. */

import type { Node, Raw } from '../engine/node.js';
import { fmt, formatNumber } from '../errors.js';
import { NDArray } from '../kernels/ndarray.js';
import { summarize, type TensorSummary } from '../kernels/summary.js';

/** Three significant digits: enough to compare, short enough for a record. */
export function short(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** `[128, 784] ‖·‖ 16.3 ∈ [−0.0357, 0.0357]`, plus NaN/Inf counts when there are any. */
export function summaryText(s: TensorSummary): string {
  const bad = [s.nanCount > 0 ? `${s.nanCount} NaN` : '', s.infCount > 0 ? `${s.infCount} Inf` : '']
    .filter(Boolean)
    .join(', ');
  const range = s.size === 0 ? 'empty' : `‖·‖ ${short(s.norm)} ∈ [${short(s.min)}, ${short(s.max)}]`;
  return `${fmt(s.shape)} ${range}${bad ? ` (${bad})` : ''}`;
}

/** A number, an array, or an array's summary (what a trace keeps of a tensor gradient). */
export type Shown = Raw | TensorSummary;

/** The summary of an array (a summary stays as it is). */
export function summaryOf(x: NDArray | TensorSummary): TensorSummary {
  return x instanceof NDArray ? summarize(x) : x;
}

/** One record field: `data 2.0000`, or for a tensor its shape, norm and range. */
export function rawText(what: string, raw: Shown): string {
  if (typeof raw === 'number') return `${what} ${formatNumber(raw)}`;
  const s = summaryOf(raw);
  if (s.size === 1)
    return `${what} ${formatNumber(raw instanceof NDArray ? raw.data[0]! : s.nanCount > 0 ? Number.NaN : s.min)}`;
  return `${what} ${summaryText(s)}`;
}

/**
 * What a backward pass that released a graph keeps of a tensor node: summaries of its data and
 * gradient (absent, or null, while the node still holds its arrays).
 */
type Kept = { readonly data: TensorSummary; readonly grad: TensorSummary | null } | null | undefined;

function kept(n: Node): Kept {
  return (n as { readonly releasedSummary?: Kept }).releasedSummary;
}

/** A node's data as drawings show it: its number or array, or the summary a released node keeps. */
export function dataOf(n: Node): Shown {
  return kept(n)?.data ?? n.raw;
}

/** A node's gradient as drawings show it (null before any pass): raw, or a released node's summary. */
export function gradOf(n: Node): Shown | null {
  const k = kept(n);
  return k ? k.grad : n.gradRaw;
}

/** Longest name a drawing writes in full: past it one record would span the picture. */
const LABEL_MAX = 60;

/**
 * A name as a drawing writes it: in full up to LABEL_MAX characters, else its start and end around
 * "…", so a long parameter path keeps its `.weight` (the viewer's tooltip and panels, and `explain`,
 * keep the full name).
 */
export function shortLabel(text: string): string {
  const chars = Array.from(text); // NOTE: by code point, so a surrogate pair is never cut in two
  if (chars.length <= LABEL_MAX) return text;
  const head = Math.floor((LABEL_MAX - 1) / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (LABEL_MAX - 1 - head)).join('')}`;
}

/** The record fields of a value: its name (if any, shortened), its data, its gradient or "no gradient yet". */
export function fields(n: Node, title: string, grad: Shown | null): string[] {
  const g = n.requiresGrad
    ? grad === null
      ? 'no gradient yet'
      : rawText('grad', grad)
    : 'no gradient (constant)';
  const out = [rawText('data', dataOf(n)), g];
  return title ? [shortLabel(title), ...out] : out;
}

/**
 * Statistics of many values at once (a group of a summarised drawing), over all their elements, as
 * `summarize` gives them for one array: `size` elements in `count` values.
 */
export interface GroupStats extends Omit<TensorSummary, 'shape' | 'dtype'> {
  readonly count: number;
}

/**
 * The statistics of numbers, arrays and arrays' summaries taken together: the numbers are summarised
 * as one array, and summaries combine through their sums (count·mean) and sums of squares.
 */
export function groupStats(xs: readonly Shown[]): GroupStats {
  const numbers = new Float64Array(xs.length);
  let k = 0;
  const parts: TensorSummary[] = [];
  for (const x of xs) {
    if (typeof x === 'number') numbers[k++] = x;
    else parts.push(summaryOf(x));
  }
  if (k > 0) {
    const s = summarize(new NDArray(numbers.subarray(0, k), [k]));
    parts.push(s.norm === 0 && (s.min !== 0 || s.max !== 0) ? { ...s, norm: scaledNorm(numbers, k) } : s);
  }
  let [size, finite, sum, squares, nanCount, infCount] = [0, 0, 0, 0, 0, 0];
  const norms = new Float64Array(parts.length);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [j, s] of parts.entries()) {
    size += s.size;
    nanCount += s.nanCount;
    infCount += s.infCount;
    const n = s.size - s.nanCount - s.infCount;
    if (n === 0) continue;
    finite += n;
    sum += n * s.mean;
    squares += n * (s.std * s.std + s.mean * s.mean);
    norms[j] = s.norm;
    min = Math.min(min, s.min);
    max = Math.max(max, s.max);
  }
  const none = finite === 0;
  const mean = none ? Number.NaN : sum / finite;
  return {
    count: xs.length,
    size,
    min: none ? Number.NaN : min,
    max: none ? Number.NaN : max,
    mean,
    std: none ? Number.NaN : Math.sqrt(Math.max(0, squares / finite - mean * mean)),
    norm: none && size > 0 ? Number.NaN : scaledNorm(norms, norms.length),
    nanCount,
    infCount,
  };
}

/** √Σx² of the first `k` numbers, scaled by the largest so that tiny (subnormal) numbers do not underflow to 0. */
function scaledNorm(xs: Float64Array, k: number): number {
  let big = 0;
  for (let i = 0; i < k; i++) if (Number.isFinite(xs[i]!)) big = Math.max(big, Math.abs(xs[i]!));
  if (big === 0) return 0;
  let sq = 0;
  for (let i = 0; i < k; i++) if (Number.isFinite(xs[i]!)) sq += (xs[i]! / big) ** 2;
  return big * Math.sqrt(sq);
}

/** Many values as one record field: `grad ‖·‖ 3.2 ∈ [-0.1, 0.4]`, and their NaN/Inf counts if any. */
export function groupText(what: string, xs: readonly Shown[]): string {
  const s = groupStats(xs);
  const bad = [s.nanCount > 0 ? `${s.nanCount} NaN` : '', s.infCount > 0 ? `${s.infCount} Inf` : '']
    .filter(Boolean)
    .join(', ');
  const range = s.size === 0 ? 'empty' : `‖·‖ ${short(s.norm)} ∈ [${short(s.min)}, ${short(s.max)}]`;
  return `${what} ${range}${bad ? ` (${bad})` : ''}`;
}

/** True when a backward pass released this node's arrays: rules can no longer run on it. */
export function isReleased(n: Node): boolean {
  return (n as { readonly isReleased?: boolean }).isReleased === true;
}
