/** @file A leaf that starts requiring a gradient after a graph used it: that graph is refused, not silently wrong. */

import { describe, expect, it } from 'vitest';
import { grad, manualSeed, randn, tensor, Value } from '../../src/index.js';

describe('requiresGrad switched on after a graph was recorded', () => {
  // Was a silently wrong second derivative: the rules had treated X as a constant (a batched matmul's
  // transpose of X was recorded as a constant), so the gradient reaching X missed those paths.
  for (const shape of [[3, 4], [2, 3, 4], [4]]) {
    it(`a second-order gradient through matmul with X ${JSON.stringify(shape)} raises, naming the fix`, () => {
      manualSeed(12);
      const X = randn(shape);
      const W = randn([4, 2], { requiresGrad: true });
      const [gW] = grad(X.matmul(W).tanh().sum(), [W], { createGraph: true });
      X.requiresGrad = true;
      expect(() => grad(gW!.pow(2).sum(), [X])).toThrow(
        /started requiring a gradient \(requiresGrad = true\) after the graph was recorded.*set requiresGrad before the forward pass/,
      );
    });
  }

  it('a first-order backward of an older graph raises too (PyTorch would leave the leaf out)', () => {
    const x = tensor([1, 2]);
    const w = tensor([3, 4], { requiresGrad: true });
    const loss = x.mul(w).sum();
    x.requiresGrad = true;
    expect(() => loss.backward()).toThrow(/mul: input 0 \[2\] started requiring a gradient/);
  });

  it('a forward pass recorded after the switch works, and the version does not change', () => {
    const x = tensor([1, 2]);
    const w = tensor([3, 4], { requiresGrad: true });
    x.mul(w).sum();
    x.requiresGrad = true;
    expect(x.version).toBe(0);
    x.mul(w).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 4]);
  });

  it('a Value works the same way', () => {
    const a = new Value(2, { requiresGrad: false });
    const b = new Value(3, { requiresGrad: true });
    const old = a.mul(b);
    a.requiresGrad = true;
    expect(() => old.backward()).toThrow(/started requiring a gradient/);
    const fresh = a.mul(b);
    fresh.backward();
    expect(a.grad).toBe(3);
  });
});
