/** @file Summary statistics of an array: what drawings, tooltips and traces show of a tensor. */

import type { Shape } from '../errors.js';
import type { Data, DType, NDArray } from './ndarray.js';

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
  let nanCount = 0;
  for (let i = 0; i < first; i++) if (Number.isNaN(d[i])) nanCount++;
  if (first === n) {
    // No finite element: no statistics (and the norm of an empty array is 0).
    return {
      shape: a.shape,
      dtype: a.dtype,
      size: n,
      min: Number.NaN,
      max: Number.NaN,
      mean: Number.NaN,
      std: Number.NaN,
      norm: n > 0 ? Number.NaN : 0,
      nanCount,
      infCount: n - nanCount,
    };
  }
  const s = sums(d, first);
  const count = s.count;
  nanCount += s.nanCount;
  return {
    shape: a.shape,
    dtype: a.dtype,
    size: n,
    min: s.min,
    max: s.max,
    mean: d[first]! + s.s1 / count,
    std: Math.sqrt(Math.max(0, (s.s2 - (s.s1 * s.s1) / count) / count)),
    norm: Math.sqrt(s.sq),
    nanCount,
    infCount: n - count - nanCount,
  };
}

/** What `sums` adds up over the finite elements from the first finite one on. */
interface Sums {
  min: number;
  max: number;
  /** Σ(v − shift), Σ(v − shift)², Σv², in element order. */
  s1: number;
  s2: number;
  sq: number;
  count: number;
  nanCount: number;
}

/** Reused by `sums`: a summary reads it before the next call. */
const SUMS: Sums = { min: 0, max: 0, s1: 0, s2: 0, sq: 0, count: 0, nanCount: 0 };

/**
 * The statistics of `d` from `first` (a finite element, the shift) on, over its finite elements,
 * each sum taken in element order. Most arrays hold only finite numbers, so the first loop does
 * not test each element: a NaN or ±∞ anywhere makes Σv² +∞ or NaN, and so does a finite sum that
 * overflows; then the second loop, which skips the non-finite elements, runs instead. Both give
 * the same numbers, bit for bit, on an array of finite elements whose Σv² stays finite.
 */
function sums(d: Data, first: number): Sums {
  const n = d.length;
  const shift = d[first]!;
  // NOTE: min and max start at the first element, so an element below min cannot be above max:
  // `else if` saves a compare per element, and keeps which of −0 and +0 comes first.
  let min = shift;
  let max = shift;
  let s1 = 0;
  let s2 = 0;
  let sq = 0;
  for (let i = first; i < n; i++) {
    const v = d[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
    const e = v - shift;
    s1 += e;
    s2 += e * e;
    sq += v * v;
  }
  let count = n - first;
  let nanCount = 0;
  if (sq - sq !== 0) {
    min = max = shift;
    s1 = s2 = sq = 0;
    count = 0;
    for (let i = first; i < n; i++) {
      const v = d[i]!;
      if (v - v !== 0) {
        if (Number.isNaN(v)) nanCount++;
        continue;
      }
      count++;
      if (v < min) min = v;
      else if (v > max) max = v;
      const e = v - shift;
      s1 += e;
      s2 += e * e;
      sq += v * v;
    }
  }
  const out = SUMS;
  out.min = min;
  out.max = max;
  out.s1 = s1;
  out.s2 = s2;
  out.sq = sq;
  out.count = count;
  out.nanCount = nanCount;
  return out;
}
