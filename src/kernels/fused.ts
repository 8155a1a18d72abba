/** @file Fused backward kernels: a derivative rule's chain of elementwise steps as one loop, rounded as the steps would be. */

import { type ArrayOrNumber, add, gt, mul } from './binary.js';
import { neg } from './elementwise.js';
import { alloc, NDArray, resultDType, sameShape } from './ndarray.js';

/** The names of the fused backward kernels: `<op>Backward(dy, y)` is dy times the op's derivative. */
export type FusedName = 'sigmoidBackward' | 'tanhBackward' | 'reluBackward';

/** A number operand as the 0-d float64 array the unfused kernels would make of it. */
function asArray(v: ArrayOrNumber): NDArray {
  return typeof v === 'number' ? new NDArray(Float64Array.of(v), []) : v;
}

/** The unfused steps, for operands the loop does not take (numbers, broadcasting): the same kernels a rule called. */
function composed(dy: ArrayOrNumber, v: ArrayOrNumber, name: FusedName): NDArray {
  const y = asArray(v);
  switch (name) {
    case 'sigmoidBackward':
      return mul(dy, mul(y, add(1, neg(y))), name);
    case 'tanhBackward':
      return mul(dy, add(1, neg(mul(y, y))), name);
    case 'reluBackward':
      return mul(dy, gt(y, 0), name);
  }
}

const r = Math.fround;

/** dy · (y · (1 − y)) for one element. */
export const sigmoidBackwardOf = (dy: number, y: number): number => dy * (y * (1 - y));
/** dy · (y · (1 − y)) for one element of a float32 y, each step rounded to float32 as a kernel stores it. */
export const sigmoidBackwardOf32 = (dy: number, y: number): number => dy * r(y * r(1 - y));
/** dy · (1 − y²) for one element. */
export const tanhBackwardOf = (dy: number, y: number): number => dy * (1 - y * y);
/** dy · (1 − y²) for one element of a float32 y, each step rounded to float32 as a kernel stores it. */
export const tanhBackwardOf32 = (dy: number, y: number): number => dy * r(1 - r(y * y));
/** dy · [x > 0] for one element: a product, not a select, so that ∞·0 is NaN and −1·0 is −0 as in the composition. */
export const reluBackwardOf = (dy: number, x: number): number => dy * +(x > 0);

/**
 * `name` on two arrays of one shape, in one loop. The factor that depends on `y` alone is rounded to
 * y's dtype after each step (Math.fround for float32), as the separate kernels store it, so the result
 * is the unfused composition's bit for bit; the last product is rounded to the result's dtype on store.
 */
export function fusedBackward(dy: ArrayOrNumber, y: ArrayOrNumber, name: FusedName): NDArray {
  if (typeof dy === 'number' || typeof y === 'number' || !sameShape(dy.shape, y.shape)) {
    return composed(dy, y, name);
  }
  const d = dy.data;
  const v = y.data;
  const n = v.length;
  const out = alloc(resultDType(dy, y), n);
  const f32 = y.dtype === 'float32';
  switch (name) {
    case 'sigmoidBackward':
      if (f32) for (let i = 0; i < n; i++) out[i] = sigmoidBackwardOf32(d[i]!, v[i]!);
      else for (let i = 0; i < n; i++) out[i] = sigmoidBackwardOf(d[i]!, v[i]!);
      break;
    case 'tanhBackward':
      if (f32) for (let i = 0; i < n; i++) out[i] = tanhBackwardOf32(d[i]!, v[i]!);
      else for (let i = 0; i < n; i++) out[i] = tanhBackwardOf(d[i]!, v[i]!);
      break;
    case 'reluBackward':
      for (let i = 0; i < n; i++) out[i] = reluBackwardOf(d[i]!, v[i]!);
      break;
  }
  return new NDArray(out, y.shape);
}

/** dy · σ(x)(1 − σ(x)) from the sigmoid's output y = σ(x), in one loop. @example sigmoidBackward(g, out) */
export function sigmoidBackward(dy: ArrayOrNumber, y: ArrayOrNumber): NDArray {
  return fusedBackward(dy, y, 'sigmoidBackward');
}

/** dy · (1 − tanh²x) from the tanh's output y = tanh x, in one loop. @example tanhBackward(g, out) */
export function tanhBackward(dy: ArrayOrNumber, y: ArrayOrNumber): NDArray {
  return fusedBackward(dy, y, 'tanhBackward');
}

/** dy · [x > 0], relu's derivative applied to dy, in one loop. @example reluBackward(g, x) */
export function reluBackward(dy: ArrayOrNumber, x: ArrayOrNumber): NDArray {
  return fusedBackward(dy, x, 'reluBackward');
}
