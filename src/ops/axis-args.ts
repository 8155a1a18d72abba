/** @file Axis arguments as the composites take them: a 0-d tensor accepts 0 and -1, as PyTorch. */

import { normalizeAxes } from '../kernels/axes.js';

export type Axis = number | readonly number[] | undefined;

/** True for axis 0 or -1 (or a list of them) given to a 0-d tensor, which PyTorch reads as "no axis to reduce". */
export function scalarAxis(axis: Axis, ndim: number): boolean {
  if (ndim !== 0 || axis === undefined) return false;
  return (typeof axis === 'number' ? [axis] : axis).every((a) => a === 0 || a === -1);
}

/** The axes `axis` names, normalized; a 0-d tensor takes 0 and -1 as PyTorch does (nothing to reduce). */
export function axesOf(axis: Axis, ndim: number, op: string): number[] {
  return scalarAxis(axis, ndim) ? [] : normalizeAxes(axis, ndim, op);
}
