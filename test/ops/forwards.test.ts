/** @file Every op with both forwards (numbers for Value, arrays for Tensor) gives the same numbers on each. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NDArray } from '../../src/kernels/ndarray.js';
import type { AnyOp } from '../../src/ops/op.js';
import { OPS } from '../../src/ops/table.js';

const BOTH = (Object.values(OPS) as AnyOp[]).filter((op) => op.scalar && op.array);

/** Any double, with the special values (±0, ±∞, NaN, ±1) drawn often. */
const number = fc.oneof(
  fc.double(),
  fc.double({ min: -5, max: 5, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 0.5, 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);

describe('scalar and array forwards', () => {
  it('covers every op Value runs: each one with a scalar forward has an array forward too', () => {
    const scalar = (Object.values(OPS) as AnyOp[]).filter((op) => op.scalar);
    expect(BOTH.length).toBeGreaterThan(0);
    expect(BOTH).toEqual(scalar);
  });

  for (const op of BOTH) {
    it(`${op.name}: the array kernel equals the scalar forward, element by element`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.array(number, { minLength: op.arity, maxLength: op.arity }), {
            minLength: 1,
            maxLength: 8,
          }),
          (rows) => {
            const ins = Array.from(
              { length: op.arity },
              (_, k) =>
                new NDArray(
                  Float64Array.from(rows, (r) => r[k]!),
                  [rows.length],
                ),
            );
            const got = op.array!(ins, undefined).data;
            rows.forEach((r, i) => {
              const want = op.scalar!(r[0]!, r[1] ?? Number.NaN, r[2] ?? Number.NaN);
              // toBe is Object.is: NaN equals NaN, and 0 must not come out as -0 on one side only
              expect(got[i], `${op.name}(${r.join(', ')})`).toBe(want);
            });
          },
        ),
        { numRuns: 200 },
      );
    });
  }
});
