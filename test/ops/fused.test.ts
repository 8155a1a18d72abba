/** @file sigmoid, tanh and relu backpropagate through their fused backward primitives: same numbers, any order. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DType, fromTypedArray, grad, Value } from '../../src/index.js';
import * as K from '../../src/kernels/index.js';
import { shapeArb, valuesArb } from '../support/arbitraries.js';

/** Each rule as it was written before it was fused: one kernel call per step. */
const COMPOSED = {
  sigmoid: (g: K.NDArray, _x: K.NDArray, out: K.NDArray) => K.mul(g, K.mul(out, K.add(1, K.neg(out)))),
  tanh: (g: K.NDArray, _x: K.NDArray, out: K.NDArray) => K.mul(g, K.add(1, K.neg(K.mul(out, out)))),
  relu: (g: K.NDArray, x: K.NDArray) => K.mul(g, K.gt(x, 0)),
} as const;
const NAMES = Object.keys(COMPOSED) as (keyof typeof COMPOSED)[];

/** The same rules on numbers, as `Value` ran them. */
const COMPOSED_NUMBER = {
  sigmoid: (_x: number, out: number) => out * (1 + -out),
  tanh: (_x: number, out: number) => 1 + -(out * out),
  relu: (x: number) => +(x > 0),
} as const;

describe('fused backward rules', () => {
  it('give Tensor gradients equal to the composed rules bit for bit, in float64 and float32', () => {
    const arb = shapeArb().chain((s) =>
      fc.tuple(
        fc.constant(s),
        valuesArb(s, 0, 8, true),
        valuesArb(s, 0, 3, true),
        fc.constantFrom<DType>('float64', 'float32'),
      ),
    );
    fc.assert(
      fc.property(arb, ([shape, xs, gs, dtype]) => {
        const rawX = new K.NDArray(dtype === 'float32' ? Float32Array.from(xs) : xs, shape);
        const rawG = new K.NDArray(dtype === 'float32' ? Float32Array.from(gs) : gs, shape);
        for (const name of NAMES) {
          const x = fromTypedArray(rawX.data, shape, { requiresGrad: true });
          const out = x[name]();
          out.backward(fromTypedArray(rawG.data, shape));
          const rawOut = name === 'sigmoid' ? K.sigmoid(rawX) : name === 'tanh' ? K.tanh(rawX) : K.relu(rawX);
          const want = COMPOSED[name](rawG, rawX, rawOut).data;
          const got = x.grad!;
          expect(got.dtype).toBe(dtype);
          const gotData = got.reshape([-1]).toArray() as number[];
          for (let i = 0; i < want.length; i++) {
            expect(Object.is(gotData[i], want[i]), `${name} element ${i}: ${gotData[i]} vs ${want[i]}`).toBe(
              true,
            );
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('give Value gradients equal to the composed rules bit for bit', () => {
    fc.assert(
      fc.property(fc.double({ min: -40, max: 40, noNaN: true }), (v) => {
        for (const name of NAMES) {
          const x = new Value(v);
          const out = x[name]();
          out.backward();
          expect(Object.is(x.grad, COMPOSED_NUMBER[name](v, out.data)), `${name}(${v})`).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('differentiate to third order: σ″ = σ(1 − σ)(1 − 2σ), σ‴ = σ(1 − σ)(1 − 6σ + 6σ²), tanh″ and tanh‴', () => {
    for (const v of [-2.5, -0.3, 0, 0.7, 3]) {
      const x = new Value(v);
      const s = 1 / (1 + Math.exp(-v));
      const t = Math.tanh(v);
      const cases: [Value, number[]][] = [
        [x.sigmoid(), [s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)]],
        [x.tanh(), [1 - t * t, -2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t)]],
      ];
      for (const [y, want] of cases) {
        const [d1] = grad(y, [x], { createGraph: true });
        const [d2] = grad(d1!, [x], { createGraph: true });
        const [d3] = grad(d2!, [x]);
        expect(d1!.data).toBeCloseTo(want[0]!, 14);
        expect(d2!.data).toBeCloseTo(want[1]!, 14);
        expect(d3!.data).toBeCloseTo(want[2]!, 13);
      }
    }
  });

  it('record one node per rule with createGraph, the backward primitive, on (upstream, output) or (upstream, input)', () => {
    const x = fromTypedArray(Float64Array.of(-1, 0.5, 2), [3], { requiresGrad: true });
    for (const [name, op, second] of [
      ['sigmoid', 'sigmoidBackward', 'out'],
      ['tanh', 'tanhBackward', 'out'],
      ['relu', 'reluBackward', 'x'],
    ] as const) {
      const out = x[name]();
      const [g] = grad(out.sum(), [x], { createGraph: true });
      expect(g!.op?.name).toBe(op);
      expect(g!.parents[1]).toBe(second === 'out' ? out : x);
    }
  });

  it('leave relu with no second derivative (0 almost everywhere), as before', () => {
    const x = fromTypedArray(Float64Array.of(-1, 0.5, 2), [3], { requiresGrad: true });
    const [g] = grad(x.relu().mul(x).sum(), [x], { createGraph: true });
    const [h] = grad(g!.sum(), [x]);
    expect(h!.toArray()).toEqual([0, 2, 2]); // d²(x·relu x)/dx² = 2[x > 0]
  });
});
