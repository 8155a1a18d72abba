/** @file maximum, minimum, clamp and the comparisons (gt ge lt le eq): ties, bounds, and what takes no gradient. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maximum, tensor } from '../../src/index.js';
import { arbBroadcastPair, arbSeed, arbShape, expectTensor, flat, rt, testProp, zipWith } from './naive.js';

const RUNS = { numRuns: 40 };

describe('maximum, minimum, clamp, comparisons', () => {
  it('maximum and minimum split the gradient 0.5/0.5 at a tie, as torch', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = tensor([1, 1, 4], { requiresGrad: true });
    maximum(x, y).sum().backward();
    expect(x.grad!.toArray()).toEqual([0.5, 1, 0]);
    expect(y.grad!.toArray()).toEqual([0.5, 0, 1]);
    const p = tensor([1, 2, 3], { requiresGrad: true });
    const q = tensor([1, 1, 4], { requiresGrad: true });
    p.minimum(q).sum().backward();
    expect(p.grad!.toArray()).toEqual([0.5, 0, 1]);
    expect(q.grad!.toArray()).toEqual([0.5, 1, 0]);
  });

  it('a broadcast tie sums the halves back into the smaller input', () => {
    const x = tensor([2, 2, 5], { requiresGrad: true });
    const c = tensor(2, { requiresGrad: true });
    x.maximum(c).sum().backward();
    expect(c.grad!.item()).toBe(1);
    expect(x.grad!.toArray()).toEqual([0.5, 0.5, 1]);
  });

  testProp(
    [
      arbShape(0, 3),
      arbSeed,
      fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
      fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
    ],
    RUNS,
  )(
    'clamp(min, max) equals min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi inclusive',
    (s, seed, lo, hi) => {
      if (lo === undefined && hi === undefined) return;
      const x = rt(s, seed, 'ints', true);
      const y = x.clamp(lo, hi);
      const data = flat(x);
      const ref = data.map((v) => {
        const a = lo === undefined ? v : Math.max(v, lo);
        return hi === undefined ? a : Math.min(a, hi);
      });
      expectTensor(y, s, ref);
      y.sum().backward();
      expectTensor(
        x.grad!,
        s,
        data.map((v) => ((lo === undefined || v >= lo) && (hi === undefined || v <= hi) ? 1 : 0)),
      );
    },
  );

  it('clamp at the bounds: gradient [0, 1, 1, 1, 0] for x = [-2, -1, 0, 1, 2] in [-1, 1]', () => {
    const x = tensor([-2, -1, 0, 1, 2], { requiresGrad: true });
    const y = x.clamp(-1, 1);
    expect(y.toArray()).toEqual([-1, -1, 0, 1, 1]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 1, 1, 0]);
  });

  const CMP = {
    gt: (x: number, y: number) => x > y,
    ge: (x: number, y: number) => x >= y,
    lt: (x: number, y: number) => x < y,
    le: (x: number, y: number) => x <= y,
    eq: (x: number, y: number) => x === y,
  } as const;
  testProp(
    [arbBroadcastPair(), arbSeed, fc.constantFrom(...(Object.keys(CMP) as (keyof typeof CMP)[]))],
    RUNS,
  )('comparisons give 1/0 with broadcasting and never require a gradient', ([sa, sb], seed, op) => {
    const a = rt(sa, seed, 'ints', true);
    const b = rt(sb, seed + 1, 'ints', true);
    const out = a[op](b);
    const ref = zipWith(flat(a), sa, flat(b), sb, (x, y) => (CMP[op](x, y) ? 1 : 0));
    expectTensor(out, ref.shape, ref.data);
    expect(out.requiresGrad).toBe(false);
    expect(out.toString()).not.toContain('gradFn');
    const withNumber = a[op](0);
    expectTensor(
      withNumber,
      sa,
      flat(a).map((x) => (CMP[op](x, 0) ? 1 : 0)),
    );
    expect(withNumber.requiresGrad).toBe(false);
  });
});
