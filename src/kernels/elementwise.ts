/** @file Unary elementwise kernels: one tight loop per function, each a function of its own (see `LOOPS`). */

import { expOf, logOf } from './fast-math.js';
import { alloc, type Data, NDArray } from './ndarray.js';

/** The names of the unary kernels. */
export type UnaryName =
  | 'exp'
  | 'log'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'abs'
  | 'sqrt'
  | 'neg'
  | 'sign'
  | 'sin'
  | 'cos'
  | 'log1p'
  | 'expm1'
  | 'softplus';

/** A loop applying one function to every element of `src`, into `out` (of the same length). */
type Loop = (src: Data, out: Data) => void;

/**
 * One loop per function, each its own function literal, so that each call site inside sees one
 * function and V8 inlines it (in one function switching over fourteen loops it did not: sigmoid ran
 * 2.5–3× slower, a call per element).
 */
const LOOPS: Record<UnaryName, Loop> = {
  exp: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = expOf(src[i]!);
  },
  log: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = logOf(src[i]!);
  },
  tanh: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.tanh(src[i]!);
  },
  sigmoid: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = sigmoidOf(src[i]!);
  },
  // NOTE: Math.max keeps NaN as NaN (as PyTorch does) and turns -0 into 0.
  relu: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.max(src[i]!, 0);
  },
  abs: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.abs(src[i]!);
  },
  sqrt: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.sqrt(src[i]!);
  },
  neg: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = -src[i]!;
  },
  // NOTE: sign(±0) = 0 (never -0) and sign(NaN) = NaN.
  sign: (src, out) => {
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      out[i] = v > 0 ? 1 : v < 0 ? -1 : Number.isNaN(v) ? Number.NaN : 0;
    }
  },
  sin: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.sin(src[i]!);
  },
  cos: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.cos(src[i]!);
  },
  log1p: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.log1p(src[i]!);
  },
  expm1: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.expm1(src[i]!);
  },
  softplus: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = softplusOf(src[i]!);
  },
};

/** Applies `name` to every element of `x` into a new array of x's dtype and shape. */
export function unary(x: NDArray, name: UnaryName): NDArray {
  const out = alloc(x.dtype, x.data.length);
  LOOPS[name](x.data, out);
  return new NDArray(out, x.shape);
}

/** e^x elementwise. @example exp(x) */
export function exp(x: NDArray): NDArray {
  return unary(x, 'exp');
}

/** Natural logarithm elementwise (log 0 = -Infinity, log of a negative = NaN). @example log(x) */
export function log(x: NDArray): NDArray {
  return unary(x, 'log');
}

/** Hyperbolic tangent elementwise. @example tanh(x) */
export function tanh(x: NDArray): NDArray {
  return unary(x, 'tanh');
}

/** 1 / (1 + e^-x) elementwise, computed without overflow for large |x|. @example sigmoid(x) */
export function sigmoid(x: NDArray): NDArray {
  return unary(x, 'sigmoid');
}

/** max(x, 0) elementwise; NaN stays NaN. @example relu(x) */
export function relu(x: NDArray): NDArray {
  return unary(x, 'relu');
}

/** |x| elementwise. @example abs(x) */
export function abs(x: NDArray): NDArray {
  return unary(x, 'abs');
}

/** √x elementwise (NaN for negative x). @example sqrt(x) */
export function sqrt(x: NDArray): NDArray {
  return unary(x, 'sqrt');
}

/** -x elementwise. @example neg(x) */
export function neg(x: NDArray): NDArray {
  return unary(x, 'neg');
}

/** -1, 0 or 1 by the sign of each element; sign(0) = 0, sign(NaN) = NaN. @example sign(x) */
export function sign(x: NDArray): NDArray {
  return unary(x, 'sign');
}

/**
 * 1 / (1 + e⁻ˣ) for one number, in two forms so that exp never overflows: 1 / (1 + e⁻ˣ) for x ≥ 0,
 * eˣ / (1 + eˣ) otherwise (one call to exp, so that it inlines into a loop).
 */
export function sigmoidOf(x: number): number {
  const e = expOf(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** log(1 + eˣ) for one number, without overflow or cancellation: max(x, 0) + log1p(e^−|x|). */
export function softplusOf(x: number): number {
  return Math.max(x, 0) + Math.log1p(expOf(-Math.abs(x)));
}

/** sin x elementwise. @example sin(x) */
export function sin(x: NDArray): NDArray {
  return unary(x, 'sin');
}

/** cos x elementwise. @example cos(x) */
export function cos(x: NDArray): NDArray {
  return unary(x, 'cos');
}

/** log(1 + x) elementwise, exact for tiny x. @example log1p(x) */
export function log1p(x: NDArray): NDArray {
  return unary(x, 'log1p');
}

/** eˣ − 1 elementwise, exact for tiny x. @example expm1(x) */
export function expm1(x: NDArray): NDArray {
  return unary(x, 'expm1');
}

/**
 * Per-element functions too large for V8 to inline two of into one loop (exp's and log's table
 * lookups and polynomials): a compiled step's fused loop calls one of them at most (compile/fuse.ts);
 * a loop with sigmoid and two logs ran 50 ns an element, split in three 36.
 */
export const LARGE_SCALARS: ReadonlySet<(...xs: number[]) => number> = new Set([
  expOf,
  logOf,
  sigmoidOf,
  softplusOf,
]);

/** log(1 + eˣ) elementwise, without overflow for large x. @example softplus(x) */
export function softplus(x: NDArray): NDArray {
  return unary(x, 'softplus');
}
