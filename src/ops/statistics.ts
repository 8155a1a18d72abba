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

/**
 * √var, as torch.std. NOTE: where the variance is 0 the gradient is 0, as torch's (√′(0) = ∞ times
 * var′ = 0 gave NaN; see `zeroAtZero`).
 */
export function std<T>(B: Backend<T>, x: T, axis: Axis, correction: number, keepdim: boolean): T {
  return zeroAtZero(B, variance(B, x, axis, correction, keepdim), (v) => B.sqrt(v));
}

/**
 * f(x) where x ≠ 0, and 0 where x = 0 with f taken of 1 there, so that neither the value nor any
 * derivative sees f at 0 (√ or a power below 1, whose ∞ derivative times the mask's 0 would be NaN):
 * the gradient there is 0, torch's subgradient.
 */
function zeroAtZero<T>(B: Backend<T>, x: T, f: (x: T) => T): T {
  const zero = B.eq(x, 0);
  return B.where(zero, 0, f(B.where(zero, 1, x)));
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
  if (p === Number.POSITIVE_INFINITY) return extreme(B, B.abs(x), axis, keepdim, 'max', true);
  if (p === Number.NEGATIVE_INFINITY) return extreme(B, B.abs(x), axis, keepdim, 'min', true);
  if (p === 0) return sum(B, B.sub(1, B.eq(x, 0)), axis, keepdim, 'norm'); // piecewise constant: no gradient
  if (p === 1) return sum(B, B.abs(x), axis, keepdim, 'norm');
  const s =
    p === 2 ? sum(B, B.mul(x, x), axis, keepdim, 'norm') : sum(B, absPow(B, x, p), axis, keepdim, 'norm');
  // NOTE: the gradient at a zero vector is 0, as PyTorch's (a subgradient), not 0^(1/p − 1)
  return zeroAtZero(B, s, (v) => (p === 2 ? B.sqrt(v) : B.pow(v, 1 / p)));
}

/**
 * |x|^p elementwise. NOTE: for p < 1 its derivative p·|x|^(p−1)·sign x is ∞·0 = NaN at x = 0, where
 * torch's norm gradient is 0 (see `zeroAtZero`).
 */
function absPow<T>(B: Backend<T>, x: T, p: number): T {
  const a = B.abs(x);
  return p >= 1 ? B.pow(a, p) : zeroAtZero(B, a, (v) => B.pow(v, p));
}
