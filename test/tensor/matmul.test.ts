/** @file matmul in every form torch.matmul takes, against naive loops, and its gradients. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ones, tensor } from '../../src/index.js';
import {
  arbSeed,
  expectTensor,
  flat,
  matmulGradNaive,
  matmulNaive,
  rt,
  type Shape,
  testProp,
} from './naive.js';

const _RUNS = { numRuns: 40 };

describe('matmul in every torch form', () => {
  const DIMS = [1, 2, 3, 5, 7, 13] as const;
  const FORMS: Record<string, (m: number, k: number, n: number) => [Shape, Shape]> = {
    '1-D · 1-D': (_m, k) => [[k], [k]],
    '2-D · 2-D': (m, k, n) => [
      [m, k],
      [k, n],
    ],
    '1-D · 2-D': (_m, k, n) => [[k], [k, n]],
    '2-D · 1-D': (m, k) => [[m, k], [k]],
    'batched, broadcast batch': (m, k, n) => [
      [2, 1, m, k],
      [5, k, n],
    ],
    'batched, both broadcast': (m, k, n) => [
      [3, 1, m, k],
      [1, 2, k, n],
    ],
    'n-D · 2-D': (m, k, n) => [
      [2, 3, m, k],
      [k, n],
    ],
    '2-D · n-D': (m, k, n) => [
      [m, k],
      [3, k, n],
    ],
    '1-D · n-D': (_m, k, n) => [[k], [2, 3, k, n]],
    'n-D · 1-D': (m, k) => [[3, 2, m, k], [k]],
  };

  testProp(
    [
      fc.constantFrom(...Object.keys(FORMS)),
      fc.constantFrom(...DIMS),
      fc.constantFrom(...DIMS),
      fc.constantFrom(...DIMS),
      arbSeed,
    ],
    { numRuns: 50 },
  )('values and gradients equal the naive triple loop', (form, m, k, n, seed) => {
    const [sa, sb] = FORMS[form]!(m, k, n);
    const a = rt(sa, seed, 'reals', true);
    const b = rt(sb, seed + 1, 'reals', true);
    const out = a.matmul(b);
    const ref = matmulNaive(flat(a), sa, flat(b), sb);
    expectTensor(out, ref.shape, ref.data, 1e-11);
    const w = rt(ref.shape, seed + 2);
    out.mul(w).sum().backward();
    const g = matmulGradNaive(flat(a), sa, flat(b), sb, flat(w));
    expectTensor(a.grad!, sa, g.ga, 1e-11);
    expectTensor(b.grad!, sb, g.gb, 1e-11);
  });

  it('shapes follow torch.matmul', () => {
    expect(ones([2, 1, 3, 4]).matmul(ones([5, 4, 6])).shape).toEqual([2, 5, 3, 6]);
    expect(tensor([1, 2, 3]).matmul(tensor([4, 5, 6])).shape).toEqual([]);
    expect(
      tensor([1, 2, 3])
        .matmul(tensor([4, 5, 6]))
        .item(),
    ).toBe(32);
    expect(ones([4]).matmul(ones([2, 3, 4, 5])).shape).toEqual([2, 3, 5]);
    expect(ones([2, 3, 4, 5]).matmul(ones([5])).shape).toEqual([2, 3, 4]);
    expect(ones([1, 1]).matmul(ones([1, 1])).shape).toEqual([1, 1]);
  });

  it('a 1-D operand against a batch gets its gradient summed over the batch', () => {
    const v = tensor([1, 2], { requiresGrad: true });
    const B = ones([3, 2, 4], { requiresGrad: true });
    v.matmul(B).sum().backward();
    expect(v.grad!.toArray()).toEqual([12, 12]);
    expect(B.grad!.shape).toEqual([3, 2, 4]);
    expect(flat(B.grad!).slice(0, 8)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });
});
