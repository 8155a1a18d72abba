/** @file More unary kernels: sin, cos, log1p, expm1 and a softplus that never overflows. */

import { alloc, NDArray } from './ndarray.js';

/** log(1 + eˣ) without overflow or cancellation: max(x, 0) + log1p(e^−|x|). */
export function softplusOf(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function map(x: NDArray, name: 'sin' | 'cos' | 'log1p' | 'expm1' | 'softplus'): NDArray {
  const src = x.data;
  const n = src.length;
  const out = alloc(x.dtype, n);
  switch (name) {
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(src[i]!);
      break;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(src[i]!);
      break;
    case 'log1p':
      for (let i = 0; i < n; i++) out[i] = Math.log1p(src[i]!);
      break;
    case 'expm1':
      for (let i = 0; i < n; i++) out[i] = Math.expm1(src[i]!);
      break;
    case 'softplus':
      for (let i = 0; i < n; i++) {
        const v = src[i]!;
        out[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      }
      break;
  }
  return new NDArray(out, x.shape);
}

/** sin x elementwise. @example sin(x) */
export function sin(x: NDArray): NDArray {
  return map(x, 'sin');
}

/** cos x elementwise. @example cos(x) */
export function cos(x: NDArray): NDArray {
  return map(x, 'cos');
}

/** log(1 + x) elementwise, exact for tiny x. @example log1p(x) */
export function log1p(x: NDArray): NDArray {
  return map(x, 'log1p');
}

/** eˣ − 1 elementwise, exact for tiny x. @example expm1(x) */
export function expm1(x: NDArray): NDArray {
  return map(x, 'expm1');
}

/** log(1 + eˣ) elementwise, without overflow for large x. @example softplus(x) */
export function softplus(x: NDArray): NDArray {
  return map(x, 'softplus');
}
