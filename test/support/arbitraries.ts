/** @file fast-check arbitraries shared by tests: shapes, broadcastable pairs, tensors of values. */

import fc from 'fast-check';
import { fromTypedArray, type Tensor } from '../../src/index.js';

export type Shape = number[];

/** A shape of rank 0–3 with sizes 1–4. */
export const shapeArb = (maxRank = 3, maxSize = 4): fc.Arbitrary<Shape> =>
  fc.array(fc.integer({ min: 1, max: maxSize }), { minLength: 0, maxLength: maxRank });

/** Two shapes that broadcast: the second drops leading axes and turns some sizes into 1 (or the other way). */
export const broadcastPairArb: fc.Arbitrary<[Shape, Shape]> = shapeArb()
  .chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.integer({ min: 0, max: s.length }),
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
      fc.boolean(),
    ),
  )
  .map(([s, drop, ones, swap]) => {
    const t = s.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
    return swap ? [t, s] : [s, t];
  });

/** Float64 values for a shape, each drawn from [lo, hi] (optionally with a random sign). */
export function valuesArb(shape: Shape, lo: number, hi: number, signed = false): fc.Arbitrary<Float64Array> {
  const n = shape.reduce((a, b) => a * b, 1);
  const mag = fc.double({ min: lo, max: hi, noNaN: true });
  const v = signed ? fc.tuple(mag, fc.boolean()).map(([m, s]) => (s ? -m : m)) : mag;
  return fc.array(v, { minLength: n, maxLength: n }).map((xs) => Float64Array.from(xs));
}

/** n distinct values (a shuffled ladder with jitter), so max/min have no ties. */
export function distinctArb(n: number): fc.Arbitrary<Float64Array> {
  return fc
    .tuple(
      fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      fc.double({ min: -0.3, max: 0.3, noNaN: true }),
    )
    .map(([order, jitter]) => Float64Array.from(order, (k) => k * 0.5 + jitter - n / 4));
}

export function tensorOf(shape: Shape, values: Float64Array): Tensor {
  return fromTypedArray(values, shape);
}
