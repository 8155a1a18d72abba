/** @file subScaledInPlace: the in-place SGD update gives sub(p, mul(g, lr))'s numbers bit for bit. */

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { subScaledInPlace } from '../../src/kernels/in-place.js';
import * as K from '../../src/kernels/index.js';
import { NDArray } from '../../src/kernels/ndarray.js';
import { testProp } from '../support/property.js';

const numbers = fc.array(
  fc.oneof(fc.double({ noNaN: false }), fc.constantFrom(0, -0, 1e-310, -1e308, Number.POSITIVE_INFINITY)),
  { minLength: 1, maxLength: 20 },
);

describe.each(['float64', 'float32'] as const)('subScaledInPlace in %s', (dtype) => {
  const make = (xs: number[]) =>
    new NDArray(dtype === 'float32' ? Float32Array.from(xs) : Float64Array.from(xs), [xs.length]);

  testProp([numbers, numbers, fc.double({ noNaN: true })])(
    'equals sub(p, mul(g, lr)), element for element (Object.is)',
    (ps, gs, lr) => {
      const n = Math.min(ps.length, gs.length);
      const [p, g] = [make(ps.slice(0, n)), make(gs.slice(0, n))];
      const want = K.sub(p, K.mul(g, lr));
      subScaledInPlace(p, g, lr);
      expect([...p.data].every((v, i) => Object.is(v, want.data[i]))).toBe(true);
    },
  );
});

test('arrays sharing a buffer update element after element, each write seen by the later reads', () => {
  // g one element behind p in one buffer: g[i] is p[i − 1], which the update has just written
  for (const f32 of [false, true]) {
    const buffer = f32 ? new Float32Array(11) : new Float64Array(11);
    buffer.forEach((_, i) => {
      buffer[i] = i + 0.3;
    });
    const round = f32 ? Math.fround : (x: number) => x;
    const want = [...buffer];
    for (let i = 1; i < 11; i++) want[i] = round(want[i]! - round(want[i - 1]! * 0.7));
    const p = new NDArray(buffer.subarray(1), [10]);
    const g = new NDArray(buffer.subarray(0, 10), [10]);
    subScaledInPlace(p, g, 0.7);
    expect([...buffer]).toEqual(want);
  }
});

test('a gradient of another dtype or size is an error naming the kernel', () => {
  const p = new NDArray(new Float64Array(3), [3]);
  expect(() => subScaledInPlace(p, new NDArray(new Float32Array(3), [3]), 0.1)).toThrow(
    /subScaledInPlace: a float32 gradient of 3 elements for a float64 parameter of 3/,
  );
  expect(() => subScaledInPlace(p, new NDArray(new Float64Array(2), [2]), 0.1)).toThrow(/of 2 elements/);
});
