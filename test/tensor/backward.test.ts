/** @file Tensor.backward, grad, detach, requiresGrad and the plain properties (label, toArray, item, shape, size, ndim, dtype). */

import { describe, expect, it } from 'vitest';
import { noGrad, tensor, zeros } from '../../src/index.js';
import { expectClose, flat, flatten } from './naive.js';

const _RUNS = { numRuns: 40 };

describe('backward, grad, detach and the other properties', () => {
  it('a one-element output needs no gradient; an explicit gradient may be a Tensor or nested numbers', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).backward([1, 10]);
    expect(x.grad!.toArray()).toEqual([3, 30]);
    const y = tensor([1, 2], { requiresGrad: true });
    y.mul(3).backward(tensor([2, 0]));
    expect(y.grad!.toArray()).toEqual([6, 0]);
    const z = tensor([[4]], { requiresGrad: true });
    z.mul(z).backward();
    expect(z.grad!.toArray()).toEqual([[8]]);
  });

  it('the options may come first when the gradient is left out, as for a Value (PyTorch: backward(retain_graph=True))', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const loss = x.mul(x).sum();
    loss.backward({ retainGraph: true });
    loss.backward(); // the graph was kept: the second pass adds
    expect(x.grad!.toArray()).toEqual([4, 8]);
    const y = tensor([3], { requiresGrad: true });
    const g = y.mul(y).sum();
    g.backward({ createGraph: true });
    expect(y.grad!.requiresGrad).toBe(true);
    const twice = loss.backward as (...args: unknown[]) => void;
    expect(() => twice.call(loss, { retainGraph: true }, { createGraph: true })).toThrow(
      /backward: options given twice/,
    );
  });

  it('leaf gradients accumulate across backward calls, retainGraph or not; zeroGrad resets them', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true }); // issue 8: without it, the pass releases the graph
    y.backward(undefined, { retainGraph: true });
    expect(x.grad!.toArray()).toEqual([4, 8]);
    x.zeroGrad();
    y.backward();
    expect(x.grad!.toArray()).toEqual([2, 4]);
    x.grad = null;
    expect(x.grad).toBeNull();
  });

  it('a node used twice receives both contributions (x·x, and a diamond)', () => {
    const x = tensor([3, -1], { requiresGrad: true });
    const h = x.tanh();
    h.add(h.mul(2)).sum().backward();
    const t = [Math.tanh(3), Math.tanh(-1)];
    expectClose(
      flat(x.grad!),
      t.map((v) => 3 * (1 - v * v)),
    );
  });

  it('a constant input gets no gradient (null), and requiresGrad propagates', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4]);
    const c = a.mul(b);
    expect(c.requiresGrad).toBe(true);
    expect(b.mul(2).requiresGrad).toBe(false);
    expect(noGrad(() => a.mul(2)).requiresGrad).toBe(false);
    c.sum().backward();
    expect(b.grad).toBeNull();
    expect(a.grad!.toArray()).toEqual([3, 4]);
  });

  it('backward with createGraph makes the gradient a graph that can be differentiated again', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.requiresGrad).toBe(true);
    expect(g.toArray()).toEqual([3, 12]);
    x.grad = null;
    g.sum().backward();
    expect(x.grad!.toArray()).toEqual([6, 12]);
  });

  it('detach cuts the graph: same data, no gradient, no parents', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.toArray()).toEqual([2, 4]);
    expect(d.toString()).toBe('tensor([2., 4.])');
    const z = x.mul(d).sum();
    z.backward();
    expect(x.grad!.toArray()).toEqual([2, 4]);
  });

  it('label, toArray, item, shape, size, ndim, dtype', () => {
    const W = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { label: 'W', requiresGrad: true },
    );
    expect(W.label).toBe('W');
    expect(W.shape).toEqual([2, 3]);
    expect(W.size).toBe(6);
    expect(W.ndim).toBe(2);
    expect(W.dtype).toBe('float64');
    expect(W.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const s = tensor(2.5);
    expect(s.toArray()).toBe(2.5);
    expect(s.item()).toBe(2.5);
    expect(s.ndim).toBe(0);
    expect(s.size).toBe(1);
    expect(tensor([[7]]).item()).toBe(7);
    expect(zeros([2, 0, 3]).size).toBe(0);
    expect(flatten(W.sum(0).toArray())).toEqual([5, 7, 9]);
  });
});
