/** @file The library's error types and the one way shapes and values are written into messages. */

/** A shape, as every op sees it: sizes of the axes, outermost first. `[]` is a scalar. */
export type Shape = readonly number[];

/** `[3, 4]`, the way every message in the library writes a shape. */
export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** A number as drawings and `toString` show it: 4 decimals, an exponent when far from 1. */
export function formatNumber(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && Number.isFinite(a) && (a >= 1e6 || a < 1e-4) ? v.toExponential(4) : v.toFixed(4);
}

/**
 * Shapes that do not fit, caught at the op that received them.
 * The message reads `<op>: <what went wrong>; <how to fix it>`.
 *
 * @example
 * try { tensor([1, 2]).add(tensor([1, 2, 3])); } catch (e) { e instanceof ShapeError; e.op === 'add'; }
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    readonly op: string,
    what: string,
    fix: string,
  ) {
    super(`${op}: ${what}; ${fix}`);
  }
}

/**
 * A broken engine invariant: a derivative rule returned the wrong number or shape of gradients.
 * Seeing one means a bug in an op definition, never in the user's model.
 *
 * @example
 * try { loss.backward(); } catch (e) { if (e instanceof AutogradError) reportBug(e.message); }
 */
export class AutogradError extends Error {
  override readonly name = 'AutogradError';
  constructor(
    readonly op: string,
    what: string,
  ) {
    super(`${op}: ${what}`);
  }
}

/**
 * `v` as JSON when it can be (a string quoted, an array listed), else `String(v)`; never throws
 * (a BigInt or a cycle cannot break an error message), and at most 60 characters.
 */
export function show(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    try {
      text = String(v);
    } catch {
      text = `a ${typeof v}`;
    }
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Throws a TypeError naming `op` unless `v` is a finite number. */
export function checkFinite(op: string, v: unknown, what = 'operand'): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    const shown = typeof v === 'number' ? String(v) : `${typeof v} ${show(v)}`;
    throw new TypeError(`${op}: ${what} must be a finite number (got ${shown}); pass a finite number`);
  }
  return v;
}

/** The type an option must have: a `typeof` name, or a check returning an error text (null when fine). */
export type OptionSpec = 'boolean' | 'string' | 'number' | ((v: unknown) => string | null);

/** The spec of an option `readOptions` lets through for the caller to check itself. */
export const ANY_OPTION: OptionSpec = () => null;

/** How a value is written in a message: its type, and the value when short. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array (${show(v)})`;
  if (typeof v === 'string') return `a string (${show(v)})`;
  if (typeof v === 'symbol' || typeof v === 'bigint') return `a ${typeof v}`;
  if (typeof v === 'object') return `an object`;
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}

/**
 * Every option of the options type `T`, by name. An object literal of this type lists each key of `T`
 * once and no other (the compiler checks both), so a function's known keys cannot drift from its type.
 *
 * @example const SGD_OPTIONS: OptionNames<SGDOptions> = { lr: true, momentum: true, … };
 */
export type OptionNames<T> = { readonly [K in keyof T]-?: true };

/** Every option of `T` with the type `readOptions` checks it against: names and types in one table. */
export type OptionSpecs<T> = { readonly [K in keyof T]-?: OptionSpec };

/**
 * Refuses an options object that is neither undefined nor an object, or that has an own enumerable
 * key `op` does not take, whatever its value: a TypeError naming `op`, the key, the known key it was
 * probably meant to be, and every known key (PyTorch's "got an unexpected keyword argument"). Every
 * public function that takes options calls it at entry. `renamed` maps PyTorch's names that differ
 * from chainrule's by more than spelling to chainrule's (`{ unbiased: 'correction' }`).
 *
 * @example
 * checkOptions('SGD', { lr: 0.1, momentun: 0.9 }, SGD_OPTIONS);
 * // TypeError: SGD: unknown option 'momentun'; did you mean 'momentum'? (SGD takes lr, momentum, …)
 */
export function checkOptions(
  op: string,
  options: unknown,
  known: Readonly<Record<string, unknown>>,
  renamed: Readonly<Record<string, string>> = {},
): void {
  if (options === undefined) return;
  const names = Object.keys(known);
  if (typeof options !== 'object' || options === null || !isPlainObject(options)) {
    throw new TypeError(
      `${op}: options must be a plain object (got ${describeValue(options)}); pass e.g. { ${names[0] ?? ''}: … }`,
    );
  }
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key)) continue;
    const near = Object.hasOwn(renamed, key) ? renamed[key]! : nearestName(key, names);
    const hint = near === null ? '' : `; did you mean '${near}'?`;
    throw new TypeError(`${op}: unknown option '${key}'${hint} (${op} takes ${names.join(', ')})`);
  }
}

/**
 * An object literal or `Object.create(null)`, from any realm: its prototype is null or a root
 * prototype. A Map, an array or a class instance is not: their options would be read inconsistently
 * (a Map's entries are no keys at all; a getter on a class's prototype is no own key).
 */
function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * The known name `key` was probably meant to be: the one it equals once underscores and case are
 * dropped (`retain_graph`, `T_max`), else the nearest within two edits (`momentun`, `color`), else null.
 */
function nearestName(key: string, names: readonly string[]): string | null {
  const squash = (s: string) => s.replaceAll('_', '').toLowerCase();
  const same = names.find((n) => squash(n) === squash(key));
  if (same !== undefined) return same;
  let nearest: string | null = null;
  let distance = 3;
  for (const n of names) {
    const d = editDistance(key.toLowerCase(), n.toLowerCase());
    // NOTE: no more than half the longer name either, so that 'ab' is not taken for 'lr'
    if (d < distance && d <= Math.max(key.length, n.length) / 2) [nearest, distance] = [n, d];
  }
  return nearest;
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions turning `a` into `b`. */
function editDistance(a: string, b: string): number {
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = above[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(above[j]! + 1, row[j - 1]! + 1, substitute));
    }
    above = row;
  }
  return above[b.length]!;
}

/**
 * The options object of `op`, checked: undefined or a plain object whose keys are all in `spec` (see
 * `checkOptions`); only own properties are read (an inherited `requiresGrad` from a polluted
 * `Object.prototype` is ignored), and each present one must have its type, else a TypeError naming
 * `op`, the key and the value. A key read elsewhere (a dtype, a module) takes the spec `ANY_OPTION`.
 *
 * @example readOptions('tensor', { requiresGrad: true }, { requiresGrad: 'boolean' }).requiresGrad; // true
 */
export function readOptions(
  op: string,
  options: unknown,
  spec: Readonly<Record<string, OptionSpec>>,
  renamed: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  checkOptions(op, options, spec, renamed);
  const out: Record<string, unknown> = Object.create(null);
  if (options === undefined) return out;
  for (const key of Object.keys(spec)) {
    if (!Object.hasOwn(options as object, key)) continue;
    const v = (options as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const want = spec[key]!;
    const problem = typeof want === 'function' ? want(v) : typeof v === want ? null : `must be a ${want}`;
    if (problem !== null) {
      throw new TypeError(`${op}: option ${key} ${problem} (got ${describeValue(v)})`);
    }
    out[key] = v;
  }
  return out;
}
