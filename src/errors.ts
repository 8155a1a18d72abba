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

/** Throws a TypeError naming `op` unless `v` is a finite number. */
export function checkFinite(op: string, v: unknown, what = 'operand'): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    const shown = typeof v === 'number' ? String(v) : `${typeof v} ${JSON.stringify(v) ?? String(v)}`;
    throw new TypeError(`${op}: ${what} must be a finite number (got ${shown}); pass a finite number`);
  }
  return v;
}
