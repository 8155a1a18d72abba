/** @file Second derivatives through Tensor ops: a Hessian by hand, and gradcheck of composites to second order. */

import { describe, expect, it } from 'vitest';
import { fromTypedArray, grad, gradcheck, type Node, type Tensor, tensor, where } from '../../src/index.js';
import { expectClose, flat, rt, type Shape, values } from './naive.js';

const _RUNS = { numRuns: 40 };

describe('second derivatives through Tensor ops', () => {
  it('the Hessian of sum(tanh(W @ x)) with respect to x matches Wᵀ diag(−2t(1 − t²)) W and finite differences', () => {
    const W = rt([3, 4], 21);
    const x0 = values(4, 22);
    const f = (v: Float64Array) =>
      W.matmul(fromTypedArray(v, [4]))
        .tanh()
        .sum()
        .item();
    const x = fromTypedArray(Float64Array.from(x0), [4], { requiresGrad: true });
    const [g] = grad(W.matmul(x).tanh().sum(), [x], { createGraph: true });
    expect(g!.requiresGrad).toBe(true);
    const t = flat(W.matmul(fromTypedArray(x0, [4])).tanh());
    const wd = flat(W);
    for (let i = 0; i < 4; i++) {
      const [row] = grad(g!.slice(0, i, i + 1).sum(), [x]);
      const analytic = Array.from({ length: 4 }, (_, j) =>
        t.reduce((s, tk, k) => s + wd[k * 4 + i]! * -2 * tk * (1 - tk * tk) * wd[k * 4 + j]!, 0),
      );
      expectClose(flat(row!), analytic, 1e-12);
      const h = 1e-4;
      const numeric = Array.from({ length: 4 }, (_, j) => {
        const at = (di: number, dj: number) => {
          const v = Float64Array.from(x0);
          v[i]! += di;
          v[j]! += dj;
          return f(v);
        };
        return (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h);
      });
      expectClose(flat(row!), numeric, 1e-5);
    }
  });

  const COMPOSITES: [string, Shape[], (...xs: Tensor[]) => Tensor][] = [
    [
      'softmax · weights',
      [[2, 3]],
      (x) =>
        x
          .softmax(1)
          .mul(tensor([1, 2, 3]))
          .sum(),
    ],
    ['logSoftmax along axis 0', [[3, 2]], (x) => x.logSoftmax(0).pow(2).sum()],
    [
      'sigmoid(A @ B) with batch broadcast',
      [
        [2, 1, 2, 3],
        [3, 3, 2],
      ],
      (a, b) => a.matmul(b).sigmoid().mean(),
    ],
    ['mean and var-like', [[2, 3]], (x) => x.sub(x.mean(1, true)).pow(2).mean()],
    ['exp / (1 + x²)', [[4]], (x) => x.exp().div(x.mul(x).add(1)).sum()],
    ['max over an axis (no ties)', [[3, 4]], (x) => x.max(1).mul(x.sum(1)).sum()],
    ['where + maximum', [[5]], (x) => where(x.gt(0), x.mul(x), x.maximum(-0.5)).sum()],
  ];
  for (const [name, shapes, f] of COMPOSITES) {
    it(`gradcheck (first and second order): ${name}`, () => {
      const inputs = shapes.map((s, i) => rt(s, 31 + i * 7, 'reals'));
      const report = gradcheck(f as unknown as (...xs: Node[]) => Node, inputs);
      expect(report.message).toBe('gradcheck passed');
      expect(report.ok).toBe(true);
    });
  }
});
