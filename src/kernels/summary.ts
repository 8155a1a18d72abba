/** @file Summary statistics of an array: what drawings, tooltips and traces show of a tensor. */

import type { Shape } from '../errors.js';
import type { DType, NDArray } from './ndarray.js';

/**
 * What a picture shows of a tensor instead of its elements. `min`, `max`, `mean`, `std` and `norm`
 * are over the finite elements only (NaN when there are none; the norm of an empty array is 0); `nanCount`/`infCount` count the rest.
 */
export interface TensorSummary {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation (divides by the count, as a picture wants, not n − 1). */
  readonly std: number;
  /** Euclidean norm √Σx². */
  readonly norm: number;
  readonly nanCount: number;
  readonly infCount: number;
}

/**
 * One pass over `a` (Welford's update for the mean and variance, so large offsets do not cancel).
 *
 * @example
 * summarize(K.full([2, 2], 3, 'float64')).norm;   // 6
 */
export function summarize(a: NDArray): TensorSummary {
  const d = a.data;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let mean = 0;
  let m2 = 0;
  let sq = 0;
  let count = 0;
  let nanCount = 0;
  let infCount = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (Number.isNaN(v)) {
      nanCount++;
      continue;
    }
    if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
      infCount++;
      continue;
    }
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
    const delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
    sq += v * v;
  }
  const none = count === 0;
  return {
    shape: a.shape,
    dtype: a.dtype,
    size: d.length,
    min: none ? Number.NaN : min,
    max: none ? Number.NaN : max,
    mean: none ? Number.NaN : mean,
    std: none ? Number.NaN : Math.sqrt(m2 / count),
    norm: none && d.length > 0 ? Number.NaN : Math.sqrt(sq),
    nanCount,
    infCount,
  };
}
