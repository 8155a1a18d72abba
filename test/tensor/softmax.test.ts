/** @file softmax and logSoftmax: against naive loops, stable at ±1000, and their gradients. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromTypedArray, tensor, zeros } from '../../src/index.js';
import {
  arbSeed,
  arbShape,
  axesOf,
  expectClose,
  expectTensor,
  flat,
  reduceNaive,
  rt,
  sizeOf,
  testProp,
  values,
} from './naive.js';

const RUNS = { numRuns: 40 };

describe('softmax and logSoftmax', () => {
  testProp(
    [
      arbShape(1, 4).chain((s) =>
        fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 })),
      ),
      arbSeed,
    ],
    RUNS,
  )(
    'softmax along an axis equals exp(x - max) / Σ, sums to 1, and logSoftmax is its log',
    ([s, axis], seed) => {
      const x = rt(s, seed);
      const sm = x.softmax(axis);
      const ls = x.logSoftmax(axis);
      const m = x.max(axis, true);
      const e = x.sub(m).exp();
      const ref = e.div(e.sum(axis, true));
      expectTensor(sm, s, flat(ref), 1e-12);
      expectTensor(
        sm.sum(axis),
        reduceNaive(flat(sm), s, axis, false, 'sum').shape,
        new Array(sm.size / s[axesOf(axis, s.length)[0]!]!).fill(1),
        1e-12,
      );
      expectTensor(ls, s, flat(sm).map(Math.log), 1e-12);
    },
  );

  testProp([arbShape(1, 3, [1, 2, 3, 5]), arbSeed], RUNS)(
    'no overflow or NaN at ±1000; logSoftmax is finite and equals log(softmax) where that is finite',
    (s, seed) => {
      const pick = [-1000, 1000, 999, 0, -999];
      const data = Float64Array.from(
        values(sizeOf(s), seed),
        (v) => pick[Math.floor((v + 3) * (5 / 6)) % 5]!,
      );
      const x = fromTypedArray(data, s, { requiresGrad: true });
      const sm = x.softmax(-1);
      const ls = x.logSoftmax(-1);
      for (const v of flat(sm)) expect(Number.isFinite(v) && v >= 0 && v <= 1).toBe(true);
      for (const v of flat(ls)) expect(Number.isFinite(v)).toBe(true);
      expectClose(flat(sm.sum(-1)), new Array(sm.size / s[s.length - 1]!).fill(1), 1e-12);
      flat(sm).forEach((p, i) => {
        if (p > 0) expect(flat(ls)[i]).toBeCloseTo(Math.log(p), 10);
      });
      ls.sum().backward();
      for (const v of flat(x.grad!)) expect(Number.isFinite(v)).toBe(true);
    },
  );

  it('known values: softmax([1000, -1000, 0]) = [1, 0, 0], logSoftmax = [0, -2000, -1000]', () => {
    const x = tensor([[1000, -1000, 0]]);
    expect(x.softmax(1).toArray()).toEqual([[1, 0, 0]]);
    expect(x.logSoftmax(1).toArray()).toEqual([[0, -2000, -1000]]);
    expect(x.logSoftmax(-1).toArray()).toEqual([[0, -2000, -1000]]);
  });

  // softmax over an empty axis: torch returns an empty tensor of the same shape
  it('softmax of a [2, 0] tensor along axis 1 is empty, as torch', () => {
    expect(zeros([2, 0]).softmax(1).shape).toEqual([2, 0]);
  });

  // torch accepts dim 0 on a 0-d tensor (softmax of a scalar is 1)
  it('softmax(0) of a 0-d tensor is 1, as torch', () => {
    expect(tensor(2).softmax(0).item()).toBe(1);
  });
});
