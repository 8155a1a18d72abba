/** @file Reductions the autograd rules need: sumTo (the adjoint of broadcasting), max/min with their indices, and argmax. */

import { AutogradError, fmt, type Shape, ShapeError } from '../errors.js';
import { allAxes, keepdimShape, normalizeAxis, squeezeAxes } from './axes.js';
import { broadcastOffsets, isBroadcastableTo } from './broadcast.js';
import { alloc, NDArray, padShape, sizeOf, stridesOf } from './ndarray.js';

/**
 * When the reduced axes of `shape` (those where `keep`, of the same rank, has 1) form one block
 * between kept axes, the sizes [outer, reduced, inner] of that view; otherwise null.
 */
function blockLayout(shape: Shape, keep: Shape): [number, number, number] | null {
  const sizes: [number, number, number] = [1, 1, 1];
  let phase: 0 | 1 | 2 = 0; // 0: outer kept axes, 1: the reduced block, 2: inner kept axes
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const reduced = keep[d] === 1;
    if (reduced && phase === 2) return null;
    if (reduced) phase = 1;
    else if (phase === 1) phase = 2;
    sizes[phase] *= size;
  }
  return sizes;
}

/** Kept rows shorter than this are summed column by column (a row-at-a-time loop this short costs more than its sums). */
const SHORT_ROW = 8;

/**
 * Sums `x` down to `shape`, the adjoint of broadcasting `shape` up to x.shape: leading axes are
 * summed away and size-1 axes summed keeping size 1. Accumulates in float64.
 *
 * @example sumTo(ones([4, 3]), [3]); // [4, 4, 4]
 */
export function sumTo(x: NDArray, shape: Shape): NDArray {
  if (!isBroadcastableTo(shape, x.shape)) {
    throw new ShapeError(
      'sumTo',
      `cannot sum ${fmt(x.shape)} down to ${fmt(shape)}, which does not broadcast to it`,
      'pass the shape of an operand that was broadcast to this result',
    );
  }
  const keep = padShape(shape, x.ndim);
  const acc = alloc('float64', sizeOf(shape), 'sumTo');
  const src = x.data;
  const layout = blockLayout(x.shape, keep);
  if (layout === null) {
    const off = broadcastOffsets(keep, x.shape);
    for (let i = 0; i < src.length; i++) acc[off[i]!]! += src[i]!;
  } else if (layout[2] === 1) {
    const [outer, mid] = layout;
    for (let o = 0; o < outer; o++) {
      let s = 0;
      for (let i = o * mid, end = i + mid; i < end; i++) s += src[i]!;
      acc[o] = s;
    }
  } else if (layout[2] < SHORT_ROW) {
    // A short kept row (a bias gradient, [400, 3] → [3]): each kept element sums down its column in a
    // local, in the same order as the loop below, so the numbers are the same to the bit.
    const [outer, mid, inner] = layout;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let s = 0;
        for (let i = o * mid * inner + j, end = i + mid * inner; i < end; i += inner) s += src[i]!;
        acc[o * inner + j] = s;
      }
    }
  } else {
    const [outer, mid, inner] = layout;
    for (let o = 0; o < outer; o++) {
      for (let r = 0; r < mid; r++) {
        const base = (o * mid + r) * inner;
        const ob = o * inner;
        for (let j = 0; j < inner; j++) acc[ob + j]! += src[base + j]!;
      }
    }
  }
  if (x.dtype === 'float64') return new NDArray(acc, shape.slice());
  const out = alloc('float32', acc.length, 'sumTo');
  out.set(acc);
  return new NDArray(out, shape.slice());
}

/** A reduction that also says where its value came from: `index[j]` is a flat index into the input. */
export interface Extremes {
  values: NDArray;
  /** Flat indices, exact in float64 (made by `alloc`, so a compiled step's replay reuses the array). */
  index: Float64Array;
}

/**
 * The largest (dir 1) or smallest (dir -1) element of each block, and the flat index of the first
 * one in row-major order; a NaN anywhere in a block wins, at its first position, as in PyTorch.
 */
function extremeTo(x: NDArray, axes: readonly number[], dir: 1 | -1, op: string): Extremes {
  for (const a of axes) {
    if (x.shape[a] === 0) {
      throw new ShapeError(
        op,
        `cannot reduce over axis ${a} of size 0 (shape ${fmt(x.shape)})`,
        `the ${op} of no elements is undefined; reduce over non-empty axes`,
      );
    }
  }
  const keep = keepdimShape(x.shape, axes);
  const m = sizeOf(keep);
  const index = alloc('float64', m, op) as Float64Array;
  const src = x.data;
  const layout = blockLayout(x.shape, keep);
  if (layout !== null) {
    const [outer, mid, inner] = layout;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let bi = o * mid * inner + j;
        let bv = dir * src[bi]!;
        if (!Number.isNaN(bv)) {
          for (let r = 1, i = bi + inner; r < mid; r++, i += inner) {
            const v = dir * src[i]!;
            if (v > bv) {
              bv = v;
              bi = i;
            } else if (!(v <= bv)) {
              bi = i; // v is NaN: it wins, and nothing after it can
              break;
            }
          }
        }
        index[o * inner + j] = bi;
      }
    }
  } else {
    const off = broadcastOffsets(keep, x.shape);
    const best = alloc('float64', m, op);
    index.fill(-1);
    for (let i = 0; i < src.length; i++) {
      const j = off[i]!;
      const v = dir * src[i]!;
      const bv = best[j]!;
      if (index[j]! < 0 || v > bv || (!(v <= bv) && !Number.isNaN(bv))) {
        best[j] = v;
        index[j] = i;
      }
    }
  }
  const values = alloc(x.dtype, m);
  for (let j = 0; j < m; j++) values[j] = src[index[j]!]!;
  return { values: new NDArray(values, keep), index };
}

/**
 * The maximum over `axes` (normalized, sorted), keeping dims, with the flat index into x of the
 * first maximal element of each block. NaN propagates. Reducing over an empty axis is a ShapeError.
 *
 * @example maxTo(x, [1]); // values of shape [rows, 1]
 */
export function maxTo(x: NDArray, axes: readonly number[], op = 'max'): Extremes {
  return extremeTo(x, axes, 1, op);
}

/** The minimum over `axes`, keeping dims, with first-occurrence indices; see maxTo. @example minTo(x, [0]) */
export function minTo(x: NDArray, axes: readonly number[], op = 'min'): Extremes {
  return extremeTo(x, axes, -1, op);
}

/**
 * An array of x's shape with 1 at each of the first `outSize` selected flat indices, 0 elsewhere:
 * where max/min over `axes` took its values, so the gradient flows only there.
 *
 * @example selectMask(x, [1], maxTo(x, [1]).index, rows);
 */
export function selectMask(
  x: NDArray,
  axes: readonly number[],
  index: Float64Array,
  outSize: number,
): NDArray {
  const expected = sizeOf(keepdimShape(x.shape, axes));
  if (outSize !== expected || index.length < outSize) {
    throw new AutogradError(
      'selectMask',
      `got ${outSize} outputs and ${index.length} indices for ${fmt(x.shape)} reduced over ${fmt(axes)}, expected ${expected}`,
    );
  }
  const mask = alloc(x.dtype, x.size);
  for (let j = 0; j < outSize; j++) mask[index[j]!] = 1;
  return new NDArray(mask, x.shape);
}

/**
 * For a max/min whose ties share the gradient (`values` is its result, kept dims): at each element
 * equal to its block's value (NaN matches NaN), 1/count of such elements in the block; 0 elsewhere.
 * That is how PyTorch's `amax`/`amin` (and `max()` with no axis) spread the gradient.
 *
 * @example tieMask(x, maxTo(x, [0, 1]).values); // [[0, 0.5], [0.5, 0]] for x = [[1, 3], [3, 0]]
 */
export function tieMask(x: NDArray, values: NDArray): NDArray {
  const src = x.data;
  const best = values.data;
  const mask = alloc(x.dtype, x.size);
  // NOTE: one block (a reduction over everything) needs no offsets: every element maps to block 0.
  const off = values.size === 1 ? null : broadcastOffsets(values.shape, x.shape);
  const count = alloc('float64', values.size, 'tieMask');
  for (let i = 0; i < src.length; i++) {
    const j = off === null ? 0 : off[i]!;
    if (sameNumber(src[i]!, best[j]!)) count[j]!++;
  }
  for (let i = 0; i < src.length; i++) {
    const j = off === null ? 0 : off[i]!;
    if (sameNumber(src[i]!, best[j]!)) mask[i] = 1 / count[j]!;
  }
  return new NDArray(mask, x.shape);
}

/** Equal, with NaN equal to NaN. */
function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function argAlong(x: NDArray, axis: number | undefined, keepdim: boolean, dir: 1 | -1, op: string): NDArray {
  if (axis === undefined) {
    const all = allAxes(x.ndim);
    const { index } = extremeTo(x, all, dir, op);
    const flat = alloc('float64', 1, op);
    flat[0] = index[0]!;
    return new NDArray(flat, keepdim ? keepdimShape(x.shape, all) : []);
  }
  const a = normalizeAxis(axis, x.ndim, op);
  const { index } = extremeTo(x, [a], dir, op);
  const stride = stridesOf(x.shape)[a]!;
  const size = x.shape[a]!;
  const out = alloc('float64', index.length, op);
  for (let j = 0; j < index.length; j++) out[j] = Math.floor(index[j]! / stride) % size;
  return new NDArray(out, keepdim ? keepdimShape(x.shape, [a]) : squeezeAxes(x.shape, [a]));
}

/**
 * Indices (as float64) of the first maximum along `axis`; with no axis, the flat index into the
 * flattened array as a 0-d result, as torch.argmax.
 *
 * @example argmaxAlong(x, 1, false); // shape [rows]
 */
export function argmaxAlong(x: NDArray, axis?: number, keepdim = false, op = 'argmax'): NDArray {
  return argAlong(x, axis, keepdim, 1, op);
}

/** Indices of the first minimum along `axis` (or flat, with no axis); see argmaxAlong. @example argminAlong(x) */
export function argminAlong(x: NDArray, axis?: number, keepdim = false, op = 'argmin'): NDArray {
  return argAlong(x, axis, keepdim, -1, op);
}
