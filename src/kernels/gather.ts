/** @file Kernels that index along one axis: cumsum, gather and its adjoint scatterAdd. */

import { fmt, type Shape, ShapeError } from '../errors.js';
import { alloc, NDArray, sizeOf } from './ndarray.js';

/** [outer, size, inner] of `shape` around `axis`: element (o, k, i) sits at (o·size + k)·inner + i. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/**
 * Running sum along `axis` (accumulated in float64).
 *
 * @example cumsum(x, 0); // [1, 2, 3] → [1, 3, 6]
 */
export function cumsum(x: NDArray, axis: number): NDArray {
  const [outer, n, inner] = around(x.shape, axis);
  const src = x.data;
  const out = alloc(x.dtype, src.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let k = 0; k < n; k++) {
        const at = (o * n + k) * inner + i;
        acc += src[at]!;
        out[at] = acc;
      }
    }
  }
  return new NDArray(out, x.shape);
}

/**
 * Checks an index tensor for gather/scatterAdd on `shape` along `axis`: same rank, whole numbers in
 * range, and no larger than `shape` on the other axes (as torch.gather requires).
 */
export function checkIndex(index: NDArray, shape: Shape, axis: number, op: string): void {
  if (index.shape.length !== shape.length) {
    throw new ShapeError(
      op,
      `index has rank ${index.shape.length} (shape ${fmt(index.shape)}) but the input has rank ${shape.length} (${fmt(shape)})`,
      'give the index as many axes as the input',
    );
  }
  index.shape.forEach((d, a) => {
    if (a !== axis && d > shape[a]!) {
      throw new ShapeError(
        op,
        `index shape ${fmt(index.shape)} is larger than the input ${fmt(shape)} on axis ${a}`,
        `keep the index within the input on every axis but ${axis}`,
      );
    }
  });
  checkPositions(index, shape[axis]!, axis, op);
}

/**
 * Checks that every element of `index` is a whole number in range for an axis of size `n`: a TypeError
 * for a fractional one, a RangeError for one out of range. The gather kernels run it on every call,
 * so a compiled step that replays them checks the indices of each call, not only those of its capture.
 */
export function checkPositions(index: NDArray, n: number, axis: number, op: string): void {
  const d = index.data;
  for (let i = 0; i < d.length; i++) {
    const k = d[i]!;
    if (!Number.isInteger(k)) {
      throw new TypeError(`${op}: indices must be whole numbers (got ${k}); round them first`);
    }
    if (k < -n || k >= n) {
      throw new RangeError(
        `${op}: index ${k} is out of range for axis ${axis} of size ${n}; use whole numbers in ${-n}..${n - 1}`,
      );
    }
  }
}

/** Visits every element of `index`: its flat position, and the flat position it names in an array of `shape`. */
function eachIndexed(
  index: NDArray,
  shape: Shape,
  axis: number,
  visit: (at: number, from: number) => void,
): void {
  const ishape = index.shape;
  const rank = ishape.length;
  const strides = new Array<number>(rank);
  let s = 1;
  for (let a = rank - 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a]!;
  }
  const pos = new Array<number>(rank).fill(0);
  const n = shape[axis]!;
  const d = index.data;
  for (let at = 0; at < d.length; at++) {
    let from = 0;
    for (let a = 0; a < rank; a++) {
      if (a === axis) {
        const k = d[at]!;
        from += (k < 0 ? k + n : k) * strides[a]!;
      } else from += pos[a]! * strides[a]!;
    }
    visit(at, from);
    for (let a = rank - 1; a >= 0; a--) {
      if (++pos[a]! < ishape[a]!) break;
      pos[a] = 0;
    }
  }
}

/**
 * torch.gather: out[i][j] = x[index[i][j]][j] along axis 0 (likewise for any axis); out has index's shape.
 *
 * @example gather(x, idx, 1)
 */
export function gather(x: NDArray, index: NDArray, axis: number): NDArray {
  const out = alloc(x.dtype, index.size);
  const src = x.data;
  eachIndexed(index, x.shape, axis, (at, from) => {
    out[at] = src[from]!;
  });
  return new NDArray(out, index.shape);
}

/**
 * The adjoint of gather: zeros of `shape`, with each element of `src` added where `index` points
 * (torch's `scatter_add`); repeated indices add up.
 *
 * @example scatterAdd(g, idx, 1, x.shape)
 */
export function scatterAdd(src: NDArray, index: NDArray, axis: number, shape: Shape): NDArray {
  const out = alloc(src.dtype, sizeOf(shape));
  const s = src.data;
  eachIndexed(index, shape, axis, (at, to) => {
    out[to]! += s[at]!;
  });
  return new NDArray(out, shape);
}
