/** @file NumPy broadcasting in one place: the result shape of two shapes, and where each output element reads from. */

import { fmt, type Shape, ShapeError } from '../errors.js';
import { sizeOf } from './ndarray.js';

/**
 * NumPy broadcasting: align on the right; each pair of sizes must match or one must be 1.
 *
 * @example broadcastShapes([2, 1, 3], [4, 1], 'add'); // [2, 4, 3]
 */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 1; i <= rank; i++) {
    const da = a[a.length - i] ?? 1;
    const db = b[b.length - i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `cannot broadcast ${fmt(a)} with ${fmt(b)} (axis -${i}: ${da} vs ${db})`,
        'make the sizes equal, or 1 on one side',
      );
    }
    out[rank - i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * True when an array of `shape` broadcasts to exactly `target` (right-aligned; each size equal or 1).
 *
 * @example isBroadcastableTo([3], [2, 3]); // true
 */
export function isBroadcastableTo(shape: Shape, target: Shape): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d !== 1 && d !== target[lead + i]) return false;
  }
  return true;
}

/**
 * The strides of a contiguous array of `shape`, aligned to the last of `nd` axes it is broadcast to:
 * 0 on missing leading axes and where the array repeats (size 1).
 *
 * @example broadcastStrides([3, 1], 3); // [0, 1, 0]
 */
export function broadcastStrides(shape: Shape, nd: number): number[] {
  const strides = new Array<number>(nd).fill(0);
  const lead = nd - shape.length;
  for (let d = nd - 1, s = 1; d >= lead; d--) {
    const size = shape[d - lead]!;
    strides[d] = size === 1 ? 0 : s;
    s *= size;
  }
  return strides;
}

/**
 * For each flat index of `outShape`, the flat index into a contiguous array of `shape` broadcast to
 * `outShape` (size-1 and missing leading axes repeat). Walks the output with an odometer, no recursion.
 *
 * @example broadcastOffsets([3], [2, 3]); // Int32Array [0, 1, 2, 0, 1, 2]
 */
export function broadcastOffsets(shape: Shape, outShape: Shape): Int32Array {
  if (!isBroadcastableTo(shape, outShape)) {
    throw new ShapeError(
      'broadcast',
      `cannot broadcast ${fmt(shape)} to ${fmt(outShape)}`,
      'each size must equal the target size, or be 1',
    );
  }
  const total = sizeOf(outShape);
  const out = new Int32Array(total);
  const nd = outShape.length;
  if (total === 0 || nd === 0) return out;

  const strides = broadcastStrides(shape, nd);
  const inner = outShape[nd - 1]!;
  const innerStride = strides[nd - 1]!;
  const idx = new Int32Array(nd);
  let off = 0;
  for (let base = 0; base < total; base += inner) {
    for (let j = 0; j < inner; j++) out[base + j] = off + j * innerStride;
    for (let d = nd - 2; d >= 0; d--) {
      off += strides[d]!;
      if (++idx[d]! < outShape[d]!) break;
      off -= strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
