/** @file Plain-JavaScript references the tests compare kernels and ops with: index arithmetic and elementwise maths. */

/** Number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The multi-index of flat position `i` in a row-major array of `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

/** The flat position of multi-index `idx` in a row-major array of `shape`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let off = 0;
  for (let d = 0; d < shape.length; d++) off = off * shape[d]! + idx[d]!;
  return off;
}

/** Each elementwise binary op, on two numbers. */
export const BINARY_REFERENCE = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  div: (x: number, y: number) => x / y,
  // C's pow (IEEE 754), as torch: JavaScript's ** gives NaN at 1^NaN, 1^±∞ and (−1)^±∞, where it gives 1.
  pow: (x: number, y: number) =>
    x === 1 || (x === -1 && Math.abs(y) === Number.POSITIVE_INFINITY) ? 1 : x ** y,
  maximum: Math.max,
  minimum: Math.min,
  gt: (x: number, y: number) => Number(x > y),
  ge: (x: number, y: number) => Number(x >= y),
  lt: (x: number, y: number) => Number(x < y),
  le: (x: number, y: number) => Number(x <= y),
  eq: (x: number, y: number) => Number(x === y),
} as const;
