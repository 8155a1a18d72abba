/** @file Conversion between nested JavaScript arrays and NDArrays, iterative so any depth works. */

import { show } from '../errors.js';
import { allocConstant, type DType, NDArray } from './ndarray.js';

/** A number, or arrays of arrays of numbers: what `toNested` returns and `fromNested` accepts. */
export type Nested = number | Nested[];

type Row = ArrayLike<unknown>;

/** Arrays and numeric typed arrays count as rows; a DataView or a BigInt64Array does not. */
function isRow(v: unknown): v is Row {
  if (Array.isArray(v)) return true;
  return (
    ArrayBuffer.isView(v) &&
    !(v instanceof DataView) &&
    !(v instanceof BigInt64Array || v instanceof BigUint64Array)
  );
}

/** Deeper nesting than this is refused (PyTorch allows 64 dimensions), so a cyclic array cannot hang. */
const MAX_DIMS = 64;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (isRow(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return `a string (${show(v)})`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v} (${String(v)})`;
}

function where(path: readonly number[], last: number): string {
  return `[${[...path, last].join(', ')}]`;
}

/**
 * An NDArray from a number or nested arrays of numbers (typed arrays allowed at any level that
 * holds numbers). NaN and ±Infinity are kept. Ragged rows and non-numbers are TypeErrors naming the
 * position. Walks with an explicit stack, so depth is not limited by the call stack.
 *
 * @example fromNested([[1, 2], [3, 4]]); // shape [2, 2]
 */
export function fromNested(value: unknown, op = 'tensor', dtype: DType = 'float64'): NDArray {
  if (typeof value === 'number') return new NDArray(allocConstant(dtype, 1, op).fill(value), []);
  if (!isRow(value)) {
    throw new TypeError(`${op}: data is ${describe(value)}, expected a number or nested arrays of numbers`);
  }
  // The shape is read down the first elements; every other row is checked against it.
  const shape: number[] = [];
  for (let v: unknown = value; isRow(v); v = v[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
    if (shape.length > MAX_DIMS) {
      throw new TypeError(
        `${op}: data nests deeper than ${MAX_DIMS} levels (an array that contains itself?); pass nested arrays of numbers`,
      );
    }
  }
  let size = 1;
  for (const d of shape) size *= d;
  const out = allocConstant(dtype, size, op);
  const last = shape.length - 1;
  const rows: Row[] = [value];
  const path: number[] = [0]; // path[d]: the next index to visit in rows[d]
  let w = 0;
  while (rows.length > 0) {
    const d = rows.length - 1;
    const row = rows[d]!;
    const i = path[d]!;
    if (i === row.length) {
      rows.pop();
      path.pop();
      if (path.length > 0) path[d - 1]!++;
      continue;
    }
    if (d === last) {
      for (let j = 0; j < row.length; j++) {
        const e = row[j];
        if (typeof e !== 'number') {
          const hint = isRow(e) ? 'every row must have the same depth' : 'pass numbers only';
          throw new TypeError(
            `${op}: element at ${where(path.slice(0, d), j)} is ${describe(e)}, expected a number; ${hint}`,
          );
        }
        out[w++] = e;
      }
      path[d] = row.length;
      continue;
    }
    const child = row[i];
    const want = shape[d + 1]!;
    if (!isRow(child) || child.length !== want) {
      const got = isRow(child) ? `length ${child.length}` : describe(child);
      throw new TypeError(
        `${op}: ragged nested array at ${where(path.slice(0, d), i)}: expected length ${want}, got ${got}; every row must have the same length`,
      );
    }
    rows.push(child);
    path.push(0);
  }
  return new NDArray(out, shape);
}

/**
 * Nested arrays of numbers with x's shape; a 0-d array gives a plain number. Built level by level
 * from the innermost rows up, without recursion.
 *
 * @example toNested(fromNested([[1, 2]])); // [[1, 2]]
 */
export function toNested(x: NDArray): Nested {
  if (x.ndim === 0) return x.data[0]!;
  const groups = [1]; // groups[d]: how many rows of axis d there are
  for (let d = 0; d < x.ndim; d++) groups.push(groups[d]! * x.shape[d]!);
  let level: Nested[] = Array.from(x.data);
  for (let d = x.ndim - 1; d >= 0; d--) {
    const len = x.shape[d]!;
    const next = new Array<Nested>(groups[d]!);
    for (let g = 0; g < next.length; g++) next[g] = level.slice(g * len, (g + 1) * len);
    level = next;
  }
  return level[0]!;
}
