/** @file Kernels that move elements without arithmetic: reshape, permute, expand, slice and cat. */

import { fmt, ShapeError } from '../errors.js';
import { normalizeAxis } from './axes.js';
import { broadcastStrides } from './broadcast.js';
import { alloc, type Data, NDArray, sizeOf, stridesOf } from './ndarray.js';

/**
 * The same elements in a new shape; one size may be -1 and is inferred. Shares x's data.
 *
 * @example reshape(x, [-1, 4]); // [3, 4] for 12 elements
 */
export function reshape(x: NDArray, shape: readonly number[], op = 'reshape'): NDArray {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === -1 && infer === -1) infer = i;
    else if (d === -1) {
      throw new RangeError(
        `${op}: only one size can be -1, got ${fmt(shape)}; give the other sizes explicitly`,
      );
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: invalid size ${d} in ${fmt(shape)}; sizes are integers >= 0, or one -1`);
    } else known *= d;
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        op,
        `cannot infer the -1 in ${fmt(shape)} for ${fmt(x.shape)} (${x.size} elements)`,
        'make the other sizes divide the number of elements',
      );
    }
    out[infer] = x.size / known;
  } else if (known !== x.size) {
    throw new ShapeError(
      op,
      `cannot reshape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)} (${known} elements)`,
      'the sizes must multiply to the same number of elements',
    );
  }
  return new NDArray(x.data, out);
}

/** out[i, j] = src[j, i] for src of r×c, in 32×32 tiles so both sides stay in cache. */
export function transpose2d(src: Data, out: Data, r: number, c: number): void {
  const T = 32;
  for (let i0 = 0; i0 < r; i0 += T) {
    const i1 = Math.min(i0 + T, r);
    for (let j0 = 0; j0 < c; j0 += T) {
      const j1 = Math.min(j0 + T, c);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * r + i] = src[i * c + j]!;
    }
  }
}

/**
 * A copy of x with its axes reordered: output axis i is input axis dims[i] (negative allowed).
 *
 * @example permute(x, [1, 0]); // the transpose of a matrix
 */
export function permute(x: NDArray, dims: readonly number[], op = 'permute'): NDArray {
  const nd = x.ndim;
  const norm = dims.map((d) => normalizeAxis(d, nd, op));
  if (norm.length !== nd || new Set(norm).size !== nd) {
    throw new RangeError(
      `${op}: dims ${fmt(dims)} are not a permutation of the ${nd} axes of ${fmt(x.shape)}; list each axis 0..${nd - 1} once`,
    );
  }
  const shape = norm.map((d) => x.shape[d]!);
  const src = x.data;
  const out = alloc(x.dtype, x.size);
  if (norm.every((d, i) => d === i)) {
    out.set(src);
  } else if (nd === 2) {
    transpose2d(src, out, x.shape[0]!, x.shape[1]!);
  } else if (x.size > 0) {
    // Odometer over the output; `from` follows the matching input offset.
    const inStrides = stridesOf(x.shape);
    const strides = norm.map((d) => inStrides[d]!);
    const inner = shape[nd - 1]!;
    const innerStride = strides[nd - 1]!;
    const idx = new Array<number>(nd).fill(0);
    let from = 0;
    for (let base = 0; base < out.length; base += inner) {
      for (let j = 0; j < inner; j++) out[base + j] = src[from + j * innerStride]!;
      for (let d = nd - 2; d >= 0; d--) {
        from += strides[d]!;
        if (++idx[d]! < shape[d]!) break;
        from -= strides[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
  }
  return new NDArray(out, shape);
}

/**
 * PyTorch expand, materialized: size-1 axes repeat to the given size, -1 keeps a size, and new
 * leading axes may be added. Returns a copy.
 *
 * @example expand(x, [4, -1]); // [1, 3] → [4, 3]
 */
export function expand(x: NDArray, shape: readonly number[], op = 'expand'): NDArray {
  const lead = shape.length - x.ndim;
  const problem = (what: string) =>
    new ShapeError(
      op,
      `cannot expand ${fmt(x.shape)} to ${fmt(shape)} (${what})`,
      'only size-1 axes can grow',
    );
  if (lead < 0) throw problem(`the target has fewer axes than the tensor`);
  const out = shape.slice();
  for (let i = 0; i < shape.length; i++) {
    const want = shape[i]!;
    const have = i < lead ? undefined : x.shape[i - lead]!;
    if (want === -1 && have !== undefined) out[i] = have;
    else if (!Number.isInteger(want) || want < 0) throw problem(`axis ${i}: invalid size ${want}`);
    else if (have !== undefined && have !== 1 && have !== want)
      throw problem(`axis ${i}: ${have} vs ${want}`);
  }
  const src = x.data;
  if (x.size === 1) {
    // NOTE: one element (a mean's or a sum's gradient) is a fill: no offset array of the result's size.
    const data = alloc(x.dtype, sizeOf(out));
    data.fill(src[0]!);
    return new NDArray(data, out);
  }
  const data = alloc(x.dtype, sizeOf(out));
  if (data.length > 0) copyBroadcast(src, x.shape, data, out);
  return new NDArray(data, out);
}

/**
 * Writes `src` (of `shape`) broadcast to `outShape` into `out`, one output row at a time with an
 * odometer over the leading axes: no offset array of the result's size.
 */
function copyBroadcast(src: Data, shape: readonly number[], out: Data, outShape: readonly number[]): void {
  const nd = outShape.length;
  const strides = broadcastStrides(shape, nd);
  const inner = outShape[nd - 1]!;
  const innerStride = strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let base = 0; base < out.length; base += inner) {
    if (innerStride === 0) out.fill(src[off]!, base, base + inner);
    else for (let j = 0; j < inner; j++) out[base + j] = src[off + j]!;
    for (let d = nd - 2; d >= 0; d--) {
      off += strides[d]!;
      if (++idx[d]! < outShape[d]!) break;
      off -= strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/** Copies `count` blocks of `len` elements, advancing by the given strides on each side. */
function copyBlocks(
  src: Data,
  from: number,
  srcStride: number,
  dst: Data,
  to: number,
  dstStride: number,
  len: number,
  count: number,
): void {
  for (let b = 0; b < count; b++, from += srcStride, to += dstStride) {
    for (let j = 0; j < len; j++) dst[to + j] = src[from + j]!;
  }
}

/** Sizes before and after `axis`: [outer, inner]. */
function around(shape: readonly number[], axis: number): [number, number] {
  return [sizeOf(shape.slice(0, axis)), sizeOf(shape.slice(axis + 1))];
}

/**
 * A Python slice bound on an axis of `size`: negative counts from the end, then clamped to [0, size].
 * @example sliceBound(-1, 5)   // 4
 */
export function sliceBound(i: number, size: number): number {
  return Math.min(Math.max(i < 0 ? i + size : i, 0), size);
}

/**
 * A copy of the elements [start, end) along `axis`; negative bounds count from the end and
 * bounds are clamped, as in Python slicing.
 *
 * @example slice(x, 1, 0, 2); // the first two columns
 */
export function slice(x: NDArray, axis: number, start: number, end: number, op = 'slice'): NDArray {
  const a = normalizeAxis(axis, x.ndim, op);
  const size = x.shape[a]!;
  const s = sliceBound(start, size);
  const len = Math.max(sliceBound(end, size) - s, 0);
  const shape = x.shape.slice();
  shape[a] = len;
  const [outer, inner] = around(x.shape, a);
  const out = alloc(x.dtype, outer * len * inner);
  copyBlocks(x.data, s * inner, size * inner, out, 0, len * inner, len * inner, outer);
  return new NDArray(out, shape);
}

/**
 * Joins arrays along an existing axis; all must have the same rank and the same sizes elsewhere.
 *
 * @example cat([a, b], 0); // [2, 3] and [4, 3] → [6, 3]
 */
export function cat(xs: readonly NDArray[], axis: number, op = 'cat'): NDArray {
  const first = xs[0];
  if (first === undefined)
    throw new TypeError(`${op}: expected a non-empty list of tensors (got 0); pass at least one`);
  const a = normalizeAxis(axis, first.ndim, op);
  let total = 0;
  let dtype = first.dtype;
  for (const [i, x] of xs.entries()) {
    const bad = x.ndim !== first.ndim ? -1 : x.shape.findIndex((d, j) => j !== a && d !== first.shape[j]);
    if (x.ndim !== first.ndim || bad >= 0) {
      const what = bad < 0 ? 'ranks differ' : `sizes differ on axis ${bad}`;
      throw new ShapeError(
        op,
        `tensor ${i} has shape ${fmt(x.shape)}, tensor 0 has ${fmt(first.shape)}: ${what} (joining on axis ${a})`,
        'all sizes except the joined axis must match',
      );
    }
    total += x.shape[a]!;
    if (x.dtype === 'float64') dtype = 'float64';
  }
  const shape = first.shape.slice();
  shape[a] = total;
  const [outer, inner] = around(shape, a);
  const out = alloc(dtype, outer * total * inner);
  let at = 0;
  for (const x of xs) {
    const len = x.shape[a]! * inner;
    copyBlocks(x.data, 0, len, out, at, total * inner, len, outer);
    at += len;
  }
  return new NDArray(out, shape);
}
