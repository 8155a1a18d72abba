/** @file Picking and cutting along an axis, built from gather and slice: indexSelect, split, chunk. */

import { fmt, ShapeError } from '../errors.js';
import { normalizeAxis } from '../kernels/axes.js';
import { checkPositions } from '../kernels/gather.js';
import { alloc, NDArray, sizeOf } from '../kernels/ndarray.js';
import type { Backend } from './op.js';
import { type ArrayKernel, runArray } from './tape.js';

/** What SPREAD needs besides the index: the input's shape, the axis, and the op named in errors. */
interface SpreadAttrs {
  readonly shape: readonly number[];
  readonly axis: number;
  readonly op: string;
}

/**
 * The index array gather needs for indexSelect: x's shape with `axis` of size n, each element
 * `index[k]` at position k along it, after checking the positions. A recorded kernel (not code run
 * beside one), so that a compiled step rebuilds it from the live index, and checks it, at each replay.
 */
const SPREAD: ArrayKernel = {
  name: 'indexSelect',
  array: ([i], { shape, axis, op }: SpreadAttrs) => {
    const index = i as NDArray;
    checkPositions(index, shape[axis]!, axis, op);
    const n = index.size;
    const out = [...shape.slice(0, axis), n, ...shape.slice(axis + 1)];
    const inner = sizeOf(shape.slice(axis + 1));
    const data = alloc('float64', sizeOf(out), op);
    for (let at = 0; at < data.length; at++) data[at] = index.data[Math.floor(at / inner) % n]!;
    return new NDArray(data, out);
  },
};

/** The slices of `x` along `axis` at positions `index` (1-D), in that order, as torch.index_select. */
export function indexSelect<T>(B: Backend<T>, x: T, axis: number, index: NDArray, op = 'indexSelect'): T {
  const shape = B.shape(x);
  if (index.shape.length !== 1) {
    throw new ShapeError(
      op,
      `index must be 1-D, got shape ${fmt(index.shape)}`,
      'flatten it, or use index() for any shape',
    );
  }
  const a = normalizeAxis(axis, shape.length, op);
  const attrs: SpreadAttrs = { shape, axis: a, op };
  return B.gather(x, { axis: a, index: runArray(SPREAD, [index], attrs) });
}

/** x[index] for an integer array of any shape: rows of x picked along axis 0, shaped index.shape ++ x.shape[1:]. */
export function take<T>(B: Backend<T>, x: T, index: NDArray): T {
  const shape = B.shape(x);
  if (shape.length === 0)
    throw new ShapeError('index', 'a 0-d tensor has no axis to index', 'reshape it to 1-D first');
  const flat = new NDArray(index.data, [index.size]);
  return B.reshape(indexSelect(B, x, 0, flat, 'index'), [...index.shape, ...shape.slice(1)]);
}

/**
 * Pieces of `x` along `axis`, as torch.split: a number gives pieces of that size (the last one smaller
 * if it does not divide), a list gives pieces of those sizes, which must add up to the axis.
 */
export function split<T>(
  B: Backend<T>,
  x: T,
  sizes: number | readonly number[],
  axis: number,
  op = 'split',
): T[] {
  const shape = B.shape(x);
  const a = normalizeAxis(axis, shape.length, op);
  const n = shape[a]!;
  let parts: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes < 1) {
      throw new RangeError(`${op}: piece size must be a whole number ≥ 1 (got ${sizes}); pass e.g. 2`);
    }
    parts = Array.from({ length: Math.max(1, Math.ceil(n / sizes)) }, (_, i) =>
      Math.min(sizes, n - i * sizes),
    );
  } else {
    parts = [...sizes];
    const total = parts.reduce((s, d) => s + d, 0);
    if (parts.some((d) => !Number.isInteger(d) || d < 0) || total !== n) {
      throw new ShapeError(
        op,
        `sizes [${parts.join(', ')}] add up to ${total}, but axis ${a} of ${fmt(shape)} has ${n}`,
        `give whole sizes that add up to ${n}`,
      );
    }
  }
  let start = 0;
  return parts.map((d) => {
    const piece = B.slice(x, { axis: a, start, end: start + d });
    start += d;
    return piece;
  });
}

/** `chunks` pieces of (nearly) equal size along `axis`, as torch.chunk: each ⌈n / chunks⌉, possibly fewer pieces. */
export function chunk<T>(B: Backend<T>, x: T, chunks: number, axis: number): T[] {
  if (!Number.isInteger(chunks) || chunks < 1) {
    throw new RangeError(`chunk: chunks must be a whole number ≥ 1 (got ${chunks}); pass e.g. 2`);
  }
  const shape = B.shape(x);
  const n = shape[normalizeAxis(axis, shape.length, 'chunk')]!;
  return split(B, x, Math.max(1, Math.ceil(n / chunks)), axis, 'chunk');
}
