/** @file Axis arguments: negative axes counted from the end, checked against the rank, and the shapes they make. */

import { fmt, type Shape, show } from '../errors.js';

/**
 * An axis in `0..ndim-1`; a negative axis counts from the end, as in PyTorch.
 * Throws a RangeError naming the axis, the rank and the valid range.
 *
 * @example normalizeAxis(-1, 3, 'sum'); // 2
 */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis)) {
    const shown =
      typeof axis === 'number' ? String(axis) : `${show(axis)} (a ${axis === null ? 'null' : typeof axis})`;
    throw new TypeError(`${op}: axis ${shown} is not an integer; pass a whole number`);
  }
  if (axis < -ndim || axis >= ndim) {
    const valid = ndim === 0 ? 'a 0-d tensor has no axes' : `valid: ${-ndim}..${ndim - 1}`;
    throw new RangeError(
      `${op}: axis ${axis} is out of range for a tensor of rank ${ndim} (${valid}); pass an axis in that range`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Axes to reduce over: `undefined` means all of them; a list is normalized and sorted.
 * Naming an axis twice (even as `1` and `-1`) is a RangeError.
 *
 * @example normalizeAxes([-1, 0], 3, 'sum'); // [0, 2]
 */
export function normalizeAxes(
  axis: number | readonly number[] | undefined,
  ndim: number,
  op: string,
): number[] {
  if (axis === undefined) return allAxes(ndim);
  if (typeof axis === 'number') return [normalizeAxis(axis, ndim, op)];
  if (!Array.isArray(axis)) {
    throw new TypeError(
      `${op}: axis must be a number, an array of numbers, or left out for all axes (got ${axis === null ? 'null' : `a ${typeof axis} ${show(axis)}`}); pass e.g. ${op}(0)`,
    );
  }
  const out = axis.map((a) => normalizeAxis(a, ndim, op)).sort((p, q) => p - q);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1]) {
      throw new RangeError(
        `${op}: axis ${out[i]} appears more than once in ${fmt(axis)} (rank ${ndim}); name each axis once`,
      );
    }
  }
  return out;
}

/**
 * `[0, 1, …, ndim − 1]`. A plain loop: `Array.from({ length })` takes V8's generic path, about a
 * microsecond, once per full reduction (`mean()`, `sum()`).
 *
 * @example allAxes(3); // [0, 1, 2]
 */
export function allAxes(ndim: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) out.push(i);
  return out;
}

/**
 * The shape of a reduction that keeps its dims: each reduced axis becomes 1.
 *
 * @example keepdimShape([2, 3, 4], [1]); // [2, 1, 4]
 */
export function keepdimShape(shape: Shape, axes: readonly number[]): number[] {
  const out = shape.slice();
  for (const a of axes) out[a] = 1;
  return out;
}

/**
 * `shape` without the given axes, as a reduction without keepdim leaves it.
 *
 * @example squeezeAxes([2, 1, 4], [1]); // [2, 4]
 */
export function squeezeAxes(shape: Shape, axes: readonly number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}
