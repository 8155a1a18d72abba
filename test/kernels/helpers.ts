/** @file Shared test helpers for the kernels: random shapes and arrays, and naive index arithmetic. */

import fc from 'fast-check';
import { type DType, NDArray, Rng } from '../../src/kernels/index.js';

import { ravel } from '../support/reference.js';

export { testProp } from '../support/property.js';
export { ravel, sizeOf as size, unravel } from '../support/reference.js';

/** Odd, prime and size-1 axes, as the kernels' fast paths and remainders need. */
export const SIZES = [1, 2, 3, 7, 13] as const;

export const arbShape = (maxRank = 4, sizes: readonly number[] = SIZES): fc.Arbitrary<number[]> =>
  fc.array(fc.constantFrom(...sizes), { maxLength: maxRank });

/** Two shapes that broadcast together: each drops some leading axes and sets some sizes to 1. */
export const arbBroadcastPair = (maxRank = 4): fc.Arbitrary<[number[], number[]]> =>
  arbShape(maxRank).chain((out) => {
    const part = fc
      .tuple(fc.nat(out.length), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
      .map(([drop, ones]) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc.tuple(part, part);
  });

/** Values from a seed: half small integers (so ties and equalities occur), half normals. */
export function randomArray(shape: readonly number[], seed: number, dtype: DType = 'float64'): NDArray {
  const rng = new Rng(seed);
  let n = 1;
  for (const d of shape) n *= d;
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const ints = rng.next() < 0.5;
  for (let i = 0; i < n; i++) data[i] = ints ? Math.floor(rng.next() * 7) - 3 : rng.normal() * 3;
  return new NDArray(data, shape.slice());
}

export const arbSeed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
export const arbDType = fc.constantFrom<DType>('float64', 'float32');

/** The flat index into `shape` that output multi-index `outIdx` reads when broadcast. */
export function broadcastSource(outIdx: readonly number[], shape: readonly number[]): number {
  const lead = outIdx.length - shape.length;
  return ravel(
    shape.map((d, k) => (d === 1 ? 0 : outIdx[lead + k]!)),
    shape,
  );
}

/** Numbers equal, treating NaN as equal to NaN and -0 as 0. */
export function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-9): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (same(a, e)) continue;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
      throw new Error(`element ${i}: ${a} vs expected ${e} (tolerance ${tol})`);
    }
  }
}

export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expectClose(actual, expected, 0);
}
