/** @file The array backend's subtraction is one kernel, and gives what add(x, neg(y)) gave, bit for bit. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '../../src/kernels/index.js';
import { arrayBackend } from '../../src/ops/backends.js';
import { broadcastPairArb } from '../support/arbitraries.js';

/** Any double, with ±0, ±∞ and NaN drawn often. */
const number = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);

const arrayArb = (shape: number[]) =>
  fc
    .tuple(
      fc.array(number, {
        minLength: shape.reduce((a, b) => a * b, 1),
        maxLength: shape.reduce((a, b) => a * b, 1),
      }),
      fc.constantFrom<K.DType>('float64', 'float32'),
    )
    .map(
      ([v, dtype]) => new K.NDArray(dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v), shape),
    );

/** Same shape, dtype and bits (Object.is: −0 is not 0, NaN is NaN). */
function expectIdentical(got: K.NDArray, want: K.NDArray): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  for (let i = 0; i < want.size; i++) expect(Object.is(got.data[i], want.data[i]), `element ${i}`).toBe(true);
}

describe('arrayBackend.sub', () => {
  it('equals add(x, neg(y)) bit for bit: broadcast shapes, both dtypes, a number on either side', () => {
    fc.assert(
      fc.property(
        broadcastPairArb.chain(([s, t]) => fc.tuple(arrayArb(s), arrayArb(t), number)),
        ([x, y, c]) => {
          expectIdentical(arrayBackend.sub(x, y), K.add(x, K.neg(y)));
          expectIdentical(arrayBackend.sub(c, y), K.add(c, K.neg(y)));
          expectIdentical(arrayBackend.sub(x, c), K.add(x, -c));
        },
      ),
      { numRuns: 200 },
    );
  });
});
