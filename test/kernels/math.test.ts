/** @file The added unary kernels against Math, and softplus where the naive formula overflows. */

import { expect, it } from 'vitest';
import { cos, expm1, log1p, sin, softplus } from '../../src/kernels/index.js';
import { NDArray } from '../../src/kernels/ndarray.js';

const xs = [-700, -3.5, -1e-12, 0, 1e-12, 2.25, 40, 800];
const x = new NDArray(Float64Array.from(xs), [2, 4]);

it('sin, cos, log1p, expm1 are Math’s, element by element, in x’s shape', () => {
  for (const [name, f] of [
    [sin, Math.sin],
    [cos, Math.cos],
    [log1p, Math.log1p],
    [expm1, Math.expm1],
  ] as const) {
    const out = name(x);
    expect(out.shape).toEqual([2, 4]);
    expect(Array.from(out.data)).toEqual(xs.map(f));
  }
});

it('softplus is log(1 + eˣ) without overflow, and keeps float32', () => {
  const out = Array.from(softplus(x).data);
  expect(out[7]).toBe(800);
  expect(out[0]).toBe(Math.log1p(Math.exp(-700))); // log1p(e⁻⁷⁰⁰) = e⁻⁷⁰⁰, not a cancelled 0
  expect(out[3]).toBe(Math.LN2);
  expect(out[5]).toBeCloseTo(Math.log(1 + Math.exp(2.25)), 14);
  expect(softplus(new NDArray(Float32Array.of(1), [1])).dtype).toBe('float32');
});
