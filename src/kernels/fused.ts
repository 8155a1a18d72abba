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
  const r = Math.fround;
  switch (name) {
    case 'sigmoidBackward':
      // dy · (y · (1 − y))
      if (f32) for (let i = 0; i < n; i++) out[i] = d[i]! * r(v[i]! * r(1 - v[i]!));
      else for (let i = 0; i < n; i++) out[i] = d[i]! * (v[i]! * (1 - v[i]!));
      break;
    case 'tanhBackward':
      // dy · (1 − y²)
      if (f32) for (let i = 0; i < n; i++) out[i] = d[i]! * r(1 - r(v[i]! * v[i]!));
      else for (let i = 0; i < n; i++) out[i] = d[i]! * (1 - v[i]! * v[i]!);
      break;
    case 'reluBackward':
      // dy · [x > 0]: a product, not a select, so that ∞·0 is NaN and −1·0 is −0 as in the composition
      for (let i = 0; i < n; i++) out[i] = d[i]! * +(v[i]! > 0);
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
