/**
 * @file summarize's loop that tests no element (taken when Σv² ends finite) gives the numbers of the
 * loop that skips non-finite elements one by one, bit for bit: NaN, ±∞, −0 and overflowing sums included.
 */

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { type Data, NDArray } from '../../src/kernels/ndarray.js';
import { summarize } from '../../src/kernels/summary.js';
import { testProp } from '../support/property.js';

/** summarize as it was written before the fast path: one loop that tests every element. */
function reference(d: Data): number[] {
  const n = d.length;
  let first = 0;
  while (first < n && d[first]! - d[first]! !== 0) first++;
  const shift = first < n ? d[first]! : 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let s1 = 0;
  let s2 = 0;
  let sq = 0;
  let nanCount = 0;
  let notFinite = 0;
  for (let i = first; i < n; i++) {
    const v = d[i]!;
    if (v - v !== 0) {
      notFinite++;
      if (Number.isNaN(v)) nanCount++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    const e = v - shift;
    s1 += e;
    s2 += e * e;
    sq += v * v;
  }
  for (let i = 0; i < first; i++) if (Number.isNaN(d[i])) nanCount++;
  notFinite += first;
  const count = n - notFinite;
  const none = count === 0;
  return [
    none ? Number.NaN : min,
    none ? Number.NaN : max,
    none ? Number.NaN : shift + s1 / count,
    none ? Number.NaN : Math.sqrt(Math.max(0, (s2 - (s1 * s1) / count) / count)),
    none && n > 0 ? Number.NaN : Math.sqrt(sq),
    nanCount,
    notFinite - nanCount,
  ];
}

const fields = (a: NDArray) => {
  const s = summarize(a);
  return [s.min, s.max, s.mean, s.std, s.norm, s.nanCount, s.infCount];
};

/** Object.is on every field: −0 and +0 differ, NaN equals NaN. */
function expectSameBits(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Object.is(got[i], want[i]), `field ${i}: ${got[i]} vs ${want[i]}`).toBe(true);
}

const element = fc.oneof(
  { weight: 8, arbitrary: fc.double() }, // NaN, ±∞, −0, ±1.8e308 included
  { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, -1e300, 1e300) },
);

testProp([fc.array(element, { maxLength: 40 }), fc.boolean()])(
  'the same numbers as the loop that tests every element, in float64 and float32',
  (xs, single) => {
    const d = single ? Float32Array.from(xs) : Float64Array.from(xs);
    expectSameBits(fields(new NDArray(d, [d.length])), reference(d));
  },
);

testProp([
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }), {
    minLength: 1,
    maxLength: 200,
  }),
])('finite arrays (the fast loop) agree bit for bit', (xs) => {
  const d = Float64Array.from(xs);
  expectSameBits(fields(new NDArray(d, [d.length])), reference(d));
});

test('a finite array whose Σv² overflows takes the careful loop and agrees', () => {
  const d = Float64Array.from([1e200, -3, 2e200, 0.5]);
  expectSameBits(fields(new NDArray(d, [4])), reference(d));
  expect(summarize(new NDArray(d, [4])).norm).toBe(Number.POSITIVE_INFINITY);
});

test('which of −0 and +0 comes first is the minimum and the maximum', () => {
  const d = Float64Array.from([-0, 0, -0]);
  const s = summarize(new NDArray(d, [3]));
  expect(Object.is(s.min, -0) && Object.is(s.max, -0)).toBe(true);
  const e = Float64Array.from([Number.NaN, 0, -0]);
  const t = summarize(new NDArray(e, [3]));
  expect(Object.is(t.min, 0) && Object.is(t.max, 0)).toBe(true);
});
