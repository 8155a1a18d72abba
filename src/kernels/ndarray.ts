/** @file The plain n-d array the kernels work on: a contiguous row-major typed array and its shape. */

import { type Shape, show } from '../errors.js';

/** The element types an NDArray can hold. */
export type DType = 'float64' | 'float32';
/** The typed array behind an NDArray. */
export type Data = Float64Array | Float32Array;

/**
 * A contiguous row-major n-d array. Kernels never mutate an NDArray they were given: every kernel
 * returns a new one, so arrays can be shared freely (a reshape shares its data).
 */
export class NDArray {
  readonly size: number;
  constructor(
    readonly data: Data,
    readonly shape: Shape,
  ) {
    this.size = data.length;
  }

  get dtype(): DType {
    return this.data instanceof Float32Array ? 'float32' : 'float64';
  }

  get ndim(): number {
    return this.shape.length;
  }
}

/** Number of elements of a shape (1 for `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** `dtype` checked: 'float64' or 'float32', else a TypeError naming `op`. */
export function checkDType(dtype: unknown, op: string): DType {
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new TypeError(`${op}: unknown dtype ${show(dtype)}; use 'float64' or 'float32'`);
  }
  return dtype;
}

/**
 * A zero-filled typed array of `dtype`. An allocation the engine cannot make (too many elements, or
 * out of memory) is a RangeError naming `op` and the bytes asked, not V8's bare message.
 */
export function alloc(dtype: DType, n: number, op = 'alloc'): Data {
  if (allocHook !== null) return allocHook(dtype, n, op, false);
  return allocate(dtype, n, op);
}

/**
 * `alloc` for an array its caller fills from plain numbers only (`full`, `tensor([...])`, `arange`):
 * a constant of the code, whatever data flows through it. `compile` keeps such arrays as constants
 * of a captured step; every other array must come from a recorded kernel call.
 */
export function allocConstant(dtype: DType, n: number, op = 'alloc'): Data {
  if (allocHook !== null) return allocHook(dtype, n, op, true);
  return allocate(dtype, n, op);
}

/** Where `alloc` gets its arrays while a compiled step captures or replays (see `setAllocHook`). */
export type AllocHook = (dtype: DType, n: number, op: string, constant: boolean) => Data;

let allocHook: AllocHook | null = null;

/**
 * Routes every `alloc` through `hook` (null: back to plain allocation). `compile` uses it to note
 * which arrays each kernel call makes while it captures a step, and to hand the same arrays back
 * when it replays the step. The check costs one comparison per allocation when no hook is set.
 */
export function setAllocHook(hook: AllocHook | null): void {
  allocHook = hook;
}

/** `alloc` without the hook: a new zero-filled typed array. */
export function allocate(dtype: DType, n: number, op = 'alloc'): Data {
  try {
    return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  } catch (e) {
    throw allocationError(op, n, dtype, e);
  }
}

/** The error of a failed allocation of `n` elements of `dtype` by `op`. */
export function allocationError(op: string, n: number, dtype: DType, cause: unknown): RangeError {
  const bytes = n * (dtype === 'float32' ? 4 : 8);
  const gib = (bytes / 2 ** 30).toFixed(1);
  return new RangeError(
    `${op}: cannot allocate ${n} ${dtype} elements (${bytes} bytes, ${gib} GiB): ${cause instanceof Error ? cause.message : String(cause)}; use a smaller size`,
  );
}

/**
 * The dtype of a result, as PyTorch promotes: tensors with dimensions decide; 0-d tensors only when
 * no operand has dimensions; plain numbers never (float64 when both are numbers). float64 wins.
 */
export function resultDType(a: NDArray | number, b: NDArray | number): DType {
  const ta = typeof a === 'number' ? null : a;
  const tb = typeof b === 'number' ? null : b;
  if (ta === null && tb === null) return 'float64';
  if (ta === null || tb === null) return (ta ?? tb)!.dtype;
  if (ta.ndim > 0 && tb.ndim === 0) return ta.dtype;
  if (tb.ndim > 0 && ta.ndim === 0) return tb.dtype;
  return ta.dtype === 'float64' || tb.dtype === 'float64' ? 'float64' : 'float32';
}

/** `x` in `dtype` (the same array when it already is). */
export function cast(x: NDArray, dtype: DType): NDArray {
  if (x.dtype === dtype) return x;
  return copyAs(x, dtype);
}

/** A copy of `x` (in its own new array) in `dtype`, by default x's own. */
export function copyAs(x: NDArray, dtype: DType = x.dtype): NDArray {
  const out = alloc(dtype, x.size);
  out.set(x.data);
  return new NDArray(out, x.shape);
}

/** True when both shapes have the same rank and sizes. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Checks that every size in `shape` is a non-negative integer and returns a plain copy.
 * A non-number size is a TypeError; a negative, fractional or NaN size is a RangeError.
 *
 * @example checkShape([2, 3], 'zeros'); // [2, 3]
 */
export function checkShape(shape: readonly unknown[], op: string): number[] {
  if (!Array.isArray(shape)) {
    const got = shape === null ? 'null' : typeof shape === 'object' ? 'an object' : `a ${typeof shape}`;
    throw new TypeError(`${op}: shape must be an array of sizes (got ${got}); pass e.g. [2, 3]`);
  }
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number') {
      throw new TypeError(`${op}: size at axis ${i} is a ${typeof d}, expected a number; pass integer sizes`);
    }
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `${op}: size ${d} at axis ${i} is not a non-negative integer; sizes must be whole numbers >= 0`,
      );
    }
    out[i] = d;
  }
  if (out.reduce((a, b) => a * b, 1) > MAX_ELEMENTS) {
    throw new RangeError(
      `${op}: shape [${out.join(', ')}] has more than ${MAX_ELEMENTS} elements; use a smaller shape`,
    );
  }
  return out;
}

/** The most elements one array may hold (a typed array's length limit here). */
const MAX_ELEMENTS = 2 ** 32 - 1;

/**
 * `shape` with leading 1s up to rank `nd`, as broadcasting aligns it.
 *
 * @example padShape([3], 3); // [1, 1, 3]
 */
export function padShape(shape: Shape, nd: number): number[] {
  const out = new Array<number>(nd).fill(1);
  for (let i = 0; i < shape.length; i++) out[nd - shape.length + i] = shape[i]!;
  return out;
}
