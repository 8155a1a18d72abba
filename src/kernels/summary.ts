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
 * One pass over `a`, sums taken about the first finite element (the shifted-data algorithm), so that
 * large offsets do not cancel and the loop does no division: it costs about two elementwise passes.
 *
 * @example
 * summarize(K.full([2, 2], 3, 'float64')).norm;   // 6
 */
export function summarize(a: NDArray): TensorSummary {
  const d = a.data;
  const n = d.length;
  let first = 0;
  while (first < n && d[first]! - d[first]! !== 0) first++; // v − v is NaN for NaN and ±∞ only
  const shift = first < n ? d[first]! : 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let s1 = 0;
  let s2 = 0;
  let sq = 0;
  let nanCount = 0;
  let notFinite = 0;
  for (let i = first; i < n; i++) {
    const v = d[i]!;
    if (v - v !== 0) {
      notFinite++;
      if (Number.isNaN(v)) nanCount++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    const e = v - shift;
    s1 += e;
    s2 += e * e;
    sq += v * v;
  }
  for (let i = 0; i < first; i++) if (Number.isNaN(d[i])) nanCount++;
  notFinite += first;
  const count = n - notFinite;
  const none = count === 0;
  return {
    shape: a.shape,
    dtype: a.dtype,
    size: n,
    min: none ? Number.NaN : min,
    max: none ? Number.NaN : max,
    mean: none ? Number.NaN : shift + s1 / count,
    std: none ? Number.NaN : Math.sqrt(Math.max(0, (s2 - (s1 * s1) / count) / count)),
    norm: none && n > 0 ? Number.NaN : Math.sqrt(sq),
    nanCount,
    infCount: notFinite - nanCount,
  };
}
