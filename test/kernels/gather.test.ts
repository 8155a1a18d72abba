/** @file cumsum, gather and scatterAdd against naive loops over nested arrays. */

import fc from 'fast-check';
import { expect } from 'vitest';
import * as K from '../../src/kernels/index.js';
import { NDArray } from '../../src/kernels/ndarray.js';
import { testProp } from '../support/property.js';

/** A 2-D case: rows × cols values, an axis, and an index array of shape [r, c] within range. */
const caseArb = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 1))
  .chain(([m, n, axis]) =>
    fc.tuple(
      fc.constant([m, n] as const),
      fc.constant(axis),
      fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: m * n, maxLength: m * n }),
      fc.integer({ min: 1, max: 4 }),
    ),
  )
  .chain(([[m, n], axis, v, k]) => {
    const ishape = axis === 0 ? [k, n] : [m, k];
    const size = axis === 0 ? m : n;
    return fc
      .array(fc.integer({ min: 0, max: size - 1 }), {
        minLength: ishape[0]! * ishape[1]!,
        maxLength: ishape[0]! * ishape[1]!,
      })
      .map((idx) => ({ m, n, axis, v, ishape, idx }));
  });

testProp([caseArb], { numRuns: 50 })(
  'gather, scatterAdd and cumsum match naive loops',
  ({ m, n, axis, v, ishape, idx }) => {
    const x = new NDArray(Float64Array.from(v), [m, n]);
    const index = new NDArray(Float64Array.from(idx), ishape);
    const at = (i: number, j: number) => v[i * n + j]!;
    const g = K.gather(x, index, axis);
    const back = K.scatterAdd(g, index, axis, [m, n]);
    const want = new Float64Array(m * n);
    for (let i = 0; i < ishape[0]!; i++)
      for (let j = 0; j < ishape[1]!; j++) {
        const k = idx[i * ishape[1]! + j]!;
        const [r, c] = axis === 0 ? [k, j] : [i, k];
        expect(g.data[i * ishape[1]! + j]).toBe(at(r, c));
        want[r * n + c]! += at(r, c);
      }
    Array.from(back.data).forEach((b, i) => {
      expect(b).toBeCloseTo(want[i]!, 12);
    });
    const c = K.cumsum(x, axis);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t <= (axis === 0 ? i : j); t++) s += axis === 0 ? at(t, j) : at(i, t);
        expect(c.data[i * n + j]).toBeCloseTo(s, 12);
      }
  },
);
