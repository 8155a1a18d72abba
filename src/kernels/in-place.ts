/** @file Kernels that write into an array they are given: the parameter updates of an optimizer step. */

import { AutogradError } from '../errors.js';
import type { NDArray } from './ndarray.js';

/**
 * p ← p − g·lr in place, rounded as `sub(p, mul(g, lr))` rounds: the product is stored in g's dtype
 * (Math.fround for float32) before the subtraction, whose result is stored in p's. p and g must have
 * one dtype and one size.
 *
 * @example subScaledInPlace(w, grad, 0.1);   // w.data is now w − 0.1·grad
 */
export function subScaledInPlace(p: NDArray, g: NDArray, lr: number): void {
  if (p.dtype !== g.dtype || p.size !== g.size) {
    throw new AutogradError(
      'subScaledInPlace',
      `a ${g.dtype} gradient of ${g.size} elements for a ${p.dtype} parameter of ${p.size}`,
    );
  }
  const pd = p.data;
  const gd = g.data;
  if (pd instanceof Float32Array) {
    for (let i = 0; i < pd.length; i++) pd[i] = pd[i]! - Math.fround(gd[i]! * lr);
  } else {
    for (let i = 0; i < pd.length; i++) pd[i] = pd[i]! - gd[i]! * lr;
  }
}
