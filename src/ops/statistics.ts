/** @file Reductions built from primitives: logsumexp, var and std with a correction, vector norms. */

import { squeezeAxes } from '../kernels/axes.js';
import { type Axis, axesOf } from './axis-args.js';
import { extreme, mean, sum } from './composites.js';
import type { Backend } from './op.js';

/** log Σ exp(x) over `axis`, shifted by the (detached) max so that ±1000 neither overflows nor vanishes. */
export function logsumexp<T>(B: Backend<T>, x: T, axis: Axis, keepdim: boolean): T {
  const shape = B.shape(x);
  const axes = axesOf(axis, shape.length, 'logsumexp');
  if (axes.some((a) => shape[a] === 0)) return B.log(sum(B, B.exp(x), axes, keepdim, 'logsumexp')); // −∞, as torch
  const m = B.detach(B.maxTo(x, { axes, evenTies: false }));
  // NOTE: a slice of all −∞ (or +∞) has max ±∞; shifting by it would give ∞ − ∞, so it is shifted by 0.
  const shift = B.where(B.eq(B.abs(m), Number.POSITIVE_INFINITY), 0, m);
  const kept = B.add(B.log(sum(B, B.exp(B.sub(x, shift)), axes, true, 'logsumexp')), shift);
  return keepdim ? kept : B.reshape(kept, squeezeAxes(shape, axes));
}

/**
 * Σ(x − mean)² / (N − correction) over `axis`, as torch.var: `correction` 1 (the default) is Bessel's
 * unbiased estimate, 0 the population variance. N ≤ correction divides by 0 (NaN or ∞), as in torch.
 */
export function variance<T>(B: Backend<T>, x: T, axis: Axis, correction: number, keepdim: boolean): T {
  const shape = B.shape(x);
  const axes = axesOf(axis, shape.length, 'var');
  const count = axes.reduce((n, a) => n * shape[a]!, 1);
  const centered = B.sub(x, mean(B, x, axes, true));
  return B.div(sum(B, B.mul(centered, centered), axes, keepdim, 'var'), Math.max(0, count - correction));
}

/** √var, as torch.std. */
export function std<T>(B: Backend<T>, x: T, axis: Axis, correction: number, keepdim: boolean): T {
  return B.sqrt(variance(B, x, axis, correction, keepdim));
}

/**
 * The vector p-norm over `axis` (all elements when undefined), as torch.linalg.vector_norm:
 * p = 2 (default), 1, ∞ (max |x|), −∞ (min |x|), 0 (count of nonzeros) or any p > 0.
 */
export function norm<T>(B: Backend<T>, x: T, p: number, axis: Axis, keepdim: boolean): T {
  if (typeof p !== 'number' || Number.isNaN(p) || (p < 0 && p !== Number.NEGATIVE_INFINITY)) {
    throw new RangeError(
      `norm: p must be a number ≥ 0, Infinity or -Infinity (got ${String(p)}); use 2 for the Euclidean norm`,
    );
  }
  if (p === Number.POSITIVE_INFINITY) return extreme(B, B.abs(x), axis, keepdim, 'max');
  if (p === Number.NEGATIVE_INFINITY) return extreme(B, B.abs(x), axis, keepdim, 'min');
  if (p === 0) return sum(B, B.sub(1, B.eq(x, 0)), axis, keepdim, 'norm'); // piecewise constant: no gradient
  if (p === 1) return sum(B, B.abs(x), axis, keepdim, 'norm');
  const s = sum(B, p === 2 ? B.mul(x, x) : absPow(B, x, p), axis, keepdim, 'norm');
  // NOTE: the gradient at a zero vector is 0, as PyTorch's (a subgradient): the root is taken of 1 where
  // s = 0 and the result masked, so neither the value nor any derivative sees 0^(1/p − 1).
  const zero = B.eq(s, 0);
  const root = p === 2 ? B.sqrt(B.where(zero, 1, s)) : B.pow(B.where(zero, 1, s), 1 / p);
  return B.where(zero, 0, root);
}

/**
 * |x|ᵖ. For p < 1 its derivative at x = 0 is ∞, and PyTorch's subgradient there is 0: the power is
 * taken of 1 where x = 0 and the result masked, as in `norm`'s root (0·∞ would make the gradient NaN).
 */
function absPow<T>(B: Backend<T>, x: T, p: number): T {
  const a = B.abs(x);
  if (p >= 1) return B.pow(a, p);
  const zero = B.eq(a, 0);
  return B.where(zero, 0, B.pow(B.where(zero, 1, a), p));
}
