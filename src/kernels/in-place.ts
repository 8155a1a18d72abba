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
  // NOTE: four elements a turn, read before any is written: V8 runs the loop's bookkeeping once for
  // four (an SGD step over W5's 784 × 128 W0: 168–183 → 134–137 µs in float32, 159–172 → 105–133 µs
  // in float64 here). The numbers of each element are the same; arrays sharing a buffer take the
  // plain loop, so that a write is seen by every later read as in it.
  const n = pd.length;
  let i = 0;
  const shared = pd.buffer === gd.buffer;
  if (pd instanceof Float32Array) {
    for (; !shared && i + 3 < n; i += 4) {
      const a = pd[i]! - Math.fround(gd[i]! * lr);
      const b = pd[i + 1]! - Math.fround(gd[i + 1]! * lr);
      const c = pd[i + 2]! - Math.fround(gd[i + 2]! * lr);
      const d = pd[i + 3]! - Math.fround(gd[i + 3]! * lr);
      pd[i] = a;
      pd[i + 1] = b;
      pd[i + 2] = c;
      pd[i + 3] = d;
    }
    for (; i < n; i++) pd[i] = pd[i]! - Math.fround(gd[i]! * lr);
  } else {
    for (; !shared && i + 3 < n; i += 4) {
      const a = pd[i]! - gd[i]! * lr;
      const b = pd[i + 1]! - gd[i + 1]! * lr;
      const c = pd[i + 2]! - gd[i + 2]! * lr;
      const d = pd[i + 3]! - gd[i + 3]! * lr;
      pd[i] = a;
      pd[i + 1] = b;
      pd[i + 2] = c;
      pd[i + 3] = d;
    }
    for (; i < n; i++) pd[i] = pd[i]! - gd[i]! * lr;
  }
}
