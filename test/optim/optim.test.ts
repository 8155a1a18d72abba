/** @file SGD and Adam against PyTorch's update formulas, on Values and Tensors; no half-updated models. */

import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/engine/node.js';
import { Adam, SGD, tensor, Value } from '../../src/index.js';

describe('SGD', () => {
  it('w ← w − lr·g on Values, skipping parameters without a gradient', () => {
    const w = new Value(1);
    const unused = new Value(5);
    const opt = new SGD([w, unused], { lr: 0.1 });
    w.mul(3).backward();
    opt.step();
    expect(w.data).toBeCloseTo(0.7, 15);
    expect(unused.data).toBe(5);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  });

  it('momentum, dampening, weight decay and Nesterov as torch.optim.SGD, on a tensor', () => {
    const w = tensor([1, -2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true });
    let ref = [1, -2];
    let buf: number[] | null = null;
    for (let step = 0; step < 3; step++) {
      opt.zeroGrad();
      w.mul(w).sum().backward(); // g = 2w
      const g = ref.map((v) => 2 * v + 0.01 * v);
      buf = buf === null ? g : buf.map((b, i) => 0.9 * b + g[i]!);
      const b = buf;
      ref = ref.map((v, i) => v - 0.1 * (g[i]! + 0.9 * b[i]!));
      opt.step();
    }
    for (const [i, v] of (w.toArray() as number[]).entries()) expect(v).toBeCloseTo(ref[i]!, 14);
  });

  it('refuses bad settings and bad parameters', () => {
    const w = new Value(1);
    expect(() => new SGD([w], { lr: -1 })).toThrow(/SGD: lr must be a number in \[0, Infinity\] \(got -1\)/);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/non-empty array/);
    expect(() => new SGD([tensor([1])], { lr: 0.1 })).toThrow(/parameter 0 does not require a gradient/);
    expect(() => new SGD([w.mul(2)], { lr: 0.1 })).toThrow(/parameter 0 is not a leaf/);
    expect(() => new SGD([w], { lr: 0.1, nesterov: true })).toThrow(/nesterov needs momentum/);
  });
});

describe('Adam', () => {
  it('matches the bias-corrected update of torch.optim.Adam for three steps', () => {
    const w = new Value(0.5);
    const opt = new Adam([w], { lr: 0.01, betas: [0.9, 0.99], eps: 1e-8 });
    let [ref, m, v] = [0.5, 0, 0];
    for (let t = 1; t <= 3; t++) {
      opt.zeroGrad();
      w.pow(3).backward(); // g = 3w²
      const g = 3 * ref * ref;
      m = 0.9 * m + 0.1 * g;
      v = 0.99 * v + 0.01 * g * g;
      ref -= (0.01 * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.99 ** t)) + 1e-8);
      opt.step();
      expect(w.data).toBeCloseTo(ref, 15);
    }
  });

  it('trains a tensor least-squares fit', () => {
    const X = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const y = tensor([1, 2, 3]);
    const w = tensor([0, 0], { requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1 });
    for (let i = 0; i < 500; i++) {
      opt.zeroGrad();
      X.matmul(w).sub(y).pow(2).mean().backward();
      opt.step();
    }
    for (const [i, v] of (w.toArray() as number[]).entries()) expect(v).toBeCloseTo([1, 2][i]!, 3);
  });
});

describe('a failing step leaves every parameter as it was', () => {
  it('the first parameter is not updated when the second one fails', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const opt = new SGD([a, b], { lr: 0.1, momentum: 0.5 });
    a.add(b).sum().backward();
    (b as Node).gradData = tensor([[1, 1, 1]]).array; // a gradient no rule would give
    expect(() => opt.step()).toThrow(/cannot broadcast/);
    expect(a.toArray()).toEqual([1, 2]);
    expect(b.toArray()).toEqual([3, 4]);
    (b as Node).gradData = tensor([1, 1]).array;
    opt.step();
    expect(a.toArray()).toEqual([0.9, 1.9]);
  });
});
