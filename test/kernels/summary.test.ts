/** @file summarize: one-pass statistics agree with the two-pass definitions; NaN and Inf are counted apart. */

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { NDArray } from '../../src/kernels/ndarray.js';
import { summarize } from '../../src/kernels/summary.js';
import { testProp } from '../support/property.js';

const arr = (xs: number[]) => new NDArray(Float64Array.from(xs), [xs.length]);

testProp([fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 64 })])(
  'min, max, mean, std and norm match their two-pass definitions',
  (xs) => {
    const s = summarize(arr(xs));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(s.min === Math.min(...xs)).toBe(true); // === : fast-check's -0 equals 0 here
    expect(s.max === Math.max(...xs)).toBe(true);
    expect(s.mean).toBeCloseTo(mean, 8);
    expect(s.std).toBeCloseTo(Math.sqrt(variance), 6);
    expect(s.norm).toBeCloseTo(Math.hypot(...xs), 8);
    expect(s.size).toBe(xs.length);
    expect(s.nanCount + s.infCount).toBe(0);
  },
);

test('NaN and infinities are counted, and left out of the statistics', () => {
  const s = summarize(arr([1, Number.NaN, 3, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]));
  expect([s.min, s.max, s.mean, s.nanCount, s.infCount]).toEqual([1, 3, 2, 1, 2]);
  expect(s.std).toBeCloseTo(1, 12);
});

test('an array with no finite element has NaN statistics, and an empty one too', () => {
  expect(summarize(arr([Number.NaN])).mean).toBeNaN();
  const empty = summarize(new NDArray(new Float64Array(0), [0, 3]));
  expect(empty.size).toBe(0);
  expect(empty.norm).toBe(0);
  expect(empty.mean).toBeNaN();
  expect(empty.shape).toEqual([0, 3]);
});
