/** @file Binary elementwise kernels with broadcasting: arithmetic, pow, max/min, comparisons, and where. */

import type { Shape } from '../errors.js';
import { broadcastOffsets, broadcastShapes } from './broadcast.js';
import {
  alloc,
  type Data,
  type DType,
  NDArray,
  padShape,
  resultDType,
  sameShape,
  sizeOf,
} from './ndarray.js';

/** An input of a binary kernel: an array, or a plain number acting as a 0-d array. */
export type ArrayOrNumber = NDArray | number;

/** The names of the binary kernels. */
export type BinaryName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'gt'
  | 'ge'
  | 'lt'
  | 'le'
  | 'eq';

/**
 * Rows of a binary kernel: out[o + r·len + i] = x[p + r·stepX + i·sx] ∘ y[q + r·stepY + i·sy] for
 * r < rows and i < len, where sx and sy are 1 for a contiguous operand and 0 for one that repeats.
 * The switch is outside the loops, and the rows are one loop too, so a short row ([400, 3] + [3])
 * costs no call per row.
 */
function run(
  name: BinaryName,
  out: Data,
  o: number,
  x: Data,
  p: number,
  sx: number,
  y: Data,
  q: number,
  sy: number,
  len: number,
  rows = 1,
  stepX = 0,
  stepY = 0,
): void {
  const end = o + rows * len;
  // After a row, p and q have moved len·sx and len·sy: these take them to the next row's start.
  const dx = stepX - len * sx;
  const dy = stepY - len * sy;
  // NOTE: comparisons are written +(a > b), which compiles without a branch: ten times faster on mixed data.
  switch (name) {
    case 'add':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = x[p]! + y[q]!;
      break;
    case 'sub':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = x[p]! - y[q]!;
      break;
    case 'mul':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = x[p]! * y[q]!;
      break;
    case 'div':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = x[p]! / y[q]!;
      break;
    case 'pow':
      for (; o < end; p += dx, q += dy) {
        // NOTE: a row with one finite exponent (x.pow(2)) skips powOf's check: `**` is C's pow for every
        // finite exponent, and the check in the loop made x.pow(2) 40% slower (6 → 8.5 ns an element).
        if (sy === 0 && Number.isFinite(y[q]!))
          for (const e = o + len; o < e; o++, p += sx) out[o] = x[p]! ** y[q]!;
        else for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = powOf(x[p]!, y[q]!);
      }
      break;
    case 'maximum':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = Math.max(x[p]!, y[q]!);
      break;
    case 'minimum':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = Math.min(x[p]!, y[q]!);
      break;
    case 'gt':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = +(x[p]! > y[q]!);
      break;
    case 'ge':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = +(x[p]! >= y[q]!);
      break;
    case 'lt':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = +(x[p]! < y[q]!);
      break;
    case 'le':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = +(x[p]! <= y[q]!);
      break;
    case 'eq':
      for (; o < end; p += dx, q += dy)
        for (const e = o + len; o < e; o++, p += sx, q += sy) out[o] = +(x[p]! === y[q]!);
      break;
  }
}

/**
 * xʸ as C's pow (IEEE 754) and PyTorch give it: 1 at 1^NaN, 1^±∞ and (−1)^±∞, where JavaScript's `**`
 * gives NaN (the only inputs on which the two differ). `Value`, compiled loops and the pow kernel (but
 * on a row of one finite exponent, where it is `**` itself) call this one function: the same bits.
 *
 * @example powOf(1, Infinity); // 1, where 1 ** Infinity is NaN
 */
export function powOf(x: number, y: number): number {
  const r = x ** y;
  if (!Number.isNaN(r)) return r;
  // NOTE: checked only once `**` has given NaN, so ordinary inputs pay one comparison.
  return x === 1 || (x === -1 && Math.abs(y) === Number.POSITIVE_INFINITY) ? 1 : r;
}

// NOTE: a plain-number operand is read from one of two reused one-element arrays (kernels run to the
// end before the next starts), so a call with a number allocates nothing but its result.
const NUMBER_X = new NDArray(new Float64Array(1), []);
const NUMBER_Y = new NDArray(new Float64Array(1), []);

function asArray(v: ArrayOrNumber, slot: NDArray): NDArray {
  if (typeof v !== 'number') return v;
  slot.data[0] = v;
  return slot;
}

/**
 * Applies `name` with broadcasting. Trailing axes on which both operands behave alike (both
 * contiguous, or one repeating) merge into one run, so same-shape, scalar and row-broadcast
 * cases are each a single tight loop per row; only the leading axes go through broadcastOffsets.
 */
export function binary(a: ArrayOrNumber, b: ArrayOrNumber, name: BinaryName, op: string = name): NDArray {
  const x = asArray(a, NUMBER_X);
  const y = asArray(b, NUMBER_Y);
  // NOTE: the common cases first, without the merging below (the same loop it would choose): two
  // arrays of one shape, and an array with a one-element operand of no more axes.
  if (sameShape(x.shape, y.shape)) return whole(name, x, y, 1, 1, x.shape, resultDType(a, b));
  if (y.size === 1 && y.ndim <= x.ndim) return whole(name, x, y, 1, 0, x.shape, resultDType(a, b));
  if (x.size === 1 && x.ndim <= y.ndim) return whole(name, x, y, 0, 1, y.shape, resultDType(a, b));
  const shape = broadcastShapes(x.shape, y.shape, op);
  const n = sizeOf(shape);
  const out = alloc(resultDType(a, b), n);
  if (n === 0) return new NDArray(out, shape);

  const nd = shape.length;
  const px = padShape(x.shape, nd);
  const py = padShape(y.shape, nd);
  // Merge trailing axes while the (x repeats?, y repeats?) pattern stays the same.
  let sx = -1;
  let sy = -1;
  let row = 1;
  let d = nd - 1;
  for (; d >= 0; d--) {
    const size = shape[d]!;
    if (size === 1) continue;
    const fx = px[d] === size ? 1 : 0;
    const fy = py[d] === size ? 1 : 0;
    if (sx === -1) [sx, sy] = [fx, fy];
    else if (fx !== sx || fy !== sy) break;
    row *= size;
  }
  if (sx === -1) [sx, sy] = [1, 1];
  const lead = shape.slice(0, d + 1);
  const rowX = sx === 1 ? row : 1;
  const rowY = sy === 1 ? row : 1;
  if (lead.length === 0) {
    run(name, out, 0, x.data, 0, sx, y.data, 0, sy, row);
    return new NDArray(out, shape);
  }
  if (d === 0) {
    // NOTE: one leading axis ([n, k] + [k], [n, k] · [n, 1]): row r reads row r of an operand, or row 0
    // of one that repeats; no offset arrays (two typed arrays of n per call) for this common case.
    const stepX = px[0] === 1 ? 0 : rowX;
    const stepY = py[0] === 1 ? 0 : rowY;
    run(name, out, 0, x.data, 0, sx, y.data, 0, sy, row, shape[0]!, stepX, stepY);
    return new NDArray(out, shape);
  }
  const offX = broadcastOffsets(px.slice(0, d + 1), lead);
  const offY = broadcastOffsets(py.slice(0, d + 1), lead);
  for (let r = 0; r < offX.length; r++) {
    run(name, out, r * row, x.data, offX[r]! * rowX, sx, y.data, offY[r]! * rowY, sy, row);
  }
  return new NDArray(out, shape);
}

/** `name` over every element of a result of `shape`, reading x and y contiguously (1) or repeating element 0 (0). */
function whole(
  name: BinaryName,
  x: NDArray,
  y: NDArray,
  sx: 0 | 1,
  sy: 0 | 1,
  shape: Shape,
  dtype: DType,
): NDArray {
  const n = sizeOf(shape);
  const out = alloc(dtype, n);
  if (n > 0) run(name, out, 0, x.data, 0, sx, y.data, 0, sy, n);
  return new NDArray(out, shape.slice());
}

/** a + b with broadcasting. @example add(x, 1) */
export function add(a: ArrayOrNumber, b: ArrayOrNumber, op = 'add'): NDArray {
  return binary(a, b, 'add', op);
}

/** a − b with broadcasting (IEEE: exactly a + (−b)). @example sub(x, 1) */
export function sub(a: ArrayOrNumber, b: ArrayOrNumber, op = 'sub'): NDArray {
  return binary(a, b, 'sub', op);
}

/** a · b elementwise with broadcasting. @example mul(x, 2) */
export function mul(a: ArrayOrNumber, b: ArrayOrNumber, op = 'mul'): NDArray {
  return binary(a, b, 'mul', op);
}

/** a / b with broadcasting (IEEE: x/0 = ±Infinity, 0/0 = NaN). @example div(x, y) */
export function div(a: ArrayOrNumber, b: ArrayOrNumber, op = 'div'): NDArray {
  return binary(a, b, 'div', op);
}

/** aᵇ with broadcasting, as C's pow (see `powOf`). @example pow(x, 2) */
export function pow(a: ArrayOrNumber, b: ArrayOrNumber, op = 'pow'): NDArray {
  return binary(a, b, 'pow', op);
}

/** The larger of a and b elementwise; NaN propagates. @example maximum(x, 0) */
export function maximum(a: ArrayOrNumber, b: ArrayOrNumber, op = 'maximum'): NDArray {
  return binary(a, b, 'maximum', op);
}

/** The smaller of a and b elementwise; NaN propagates. @example minimum(x, y) */
export function minimum(a: ArrayOrNumber, b: ArrayOrNumber, op = 'minimum'): NDArray {
  return binary(a, b, 'minimum', op);
}

/** 1 where a > b, else 0, in the result dtype. @example gt(x, 0) */
export function gt(a: ArrayOrNumber, b: ArrayOrNumber, op = 'gt'): NDArray {
  return binary(a, b, 'gt', op);
}

/** 1 where a >= b, else 0. @example ge(x, 0) */
export function ge(a: ArrayOrNumber, b: ArrayOrNumber, op = 'ge'): NDArray {
  return binary(a, b, 'ge', op);
}

/** 1 where a < b, else 0. @example lt(x, y) */
export function lt(a: ArrayOrNumber, b: ArrayOrNumber, op = 'lt'): NDArray {
  return binary(a, b, 'lt', op);
}

/** 1 where a <= b, else 0. @example le(x, y) */
export function le(a: ArrayOrNumber, b: ArrayOrNumber, op = 'le'): NDArray {
  return binary(a, b, 'le', op);
}

/** 1 where a === b, else 0 (NaN equals nothing). @example eq(x, y) */
export function eq(a: ArrayOrNumber, b: ArrayOrNumber, op = 'eq'): NDArray {
  return binary(a, b, 'eq', op);
}

/**
 * cond != 0 ? a : b elementwise, all three broadcast together; the dtype comes from a and b.
 *
 * @example where(gt(x, 0), x, 0); // relu
 */
export function where(cond: NDArray, a: ArrayOrNumber, b: ArrayOrNumber, op = 'where'): NDArray {
  const x = asArray(a, NUMBER_X);
  const y = asArray(b, NUMBER_Y);
  const shape = broadcastShapes(cond.shape, broadcastShapes(x.shape, y.shape, op), op);
  const n = sizeOf(shape);
  const out = alloc(resultDType(a, b), n);
  const c = cond.data;
  const xd = x.data;
  const yd = y.data;
  const simple = (t: NDArray) => t.size === n || t.size === 1;
  if (simple(cond) && simple(x) && simple(y)) {
    // Each operand is either the whole result's layout (step 1) or one repeated element (step 0).
    const [sc, sx, sy] = [cond, x, y].map((t) => (t.size === n ? 1 : 0)) as [number, number, number];
    for (let i = 0, p = 0, q = 0, r = 0; i < n; i++, p += sc, q += sx, r += sy)
      out[i] = c[p]! !== 0 ? xd[q]! : yd[r]!;
  } else {
    const offC = broadcastOffsets(cond.shape, shape);
    const offX = broadcastOffsets(x.shape, shape);
    const offY = broadcastOffsets(y.shape, shape);
    for (let i = 0; i < n; i++) out[i] = c[offC[i]!]! !== 0 ? xd[offX[i]!]! : yd[offY[i]!]!;
  }
  return new NDArray(out, shape);
}
