/** @file After backward() without retainGraph, a graph keeps summaries, not arrays; drawings still work. */

import { describe, expect, it } from 'vitest';
import { AutogradError, grad, type Tensor, tensor, toDot, Value } from '../../src/index.js';

function model(): { W: Tensor; h: Tensor; loss: Tensor } {
  const W = tensor(
    [
      [1, -2],
      [3, 0.5],
    ],
    { requiresGrad: true, label: 'W' },
  );
  const x = tensor(
    [
      [1, 1],
      [2, 2],
    ],
    { label: 'x' },
  );
  const h = W.matmul(x).tanh();
  h.label = 'h';
  const loss = h.mul(h).mean();
  return { W, h, loss };
}

describe('a backward pass releases what only another pass would need', () => {
  it('a second backward through a released graph raises PyTorch error, naming retainGraph', () => {
    const { loss } = model();
    loss.backward();
    const e = (() => {
      try {
        loss.backward();
      } catch (err) {
        return err as Error;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toMatch(/trying to backward through the graph a second time/);
    expect(e.message).toMatch(/retainGraph: true/);
  });

  it('retainGraph: true keeps it, and leaf gradients accumulate', () => {
    const { W, loss } = model();
    loss.backward(undefined, { retainGraph: true });
    const once = W.grad!.toArray() as number[][];
    loss.backward();
    expect(W.grad!.toArray()).toEqual(once.map((r) => r.map((v) => 2 * v)));
  });

  it('createGraph keeps the graph too (as PyTorch, retainGraph defaults to createGraph)', () => {
    const { loss } = model();
    loss.backward(undefined, { createGraph: true });
    expect(() => loss.backward()).not.toThrow();
  });

  it('tensors the user holds keep their data and gradient', () => {
    const { W, h, loss } = model();
    const before = h.toArray();
    loss.backward();
    expect(h.toArray()).toEqual(before);
    expect(h.grad!.shape).toEqual([2, 2]);
    expect(h.argmax().item()).toBeGreaterThanOrEqual(0);
    expect(W.grad!.shape).toEqual([2, 2]);
    expect(loss.item()).toBeGreaterThan(0);
  });

  it('loss.backward(); toDot(loss) draws the same values and gradients as before the release', () => {
    const kept = model();
    kept.loss.backward(undefined, { retainGraph: true });
    const released = model();
    released.loss.backward();
    const strip = (dot: string) => dot.replace(/\b(v|op|ref)\d+/g, 'n');
    expect(strip(toDot(released.loss))).toEqual(strip(toDot(kept.loss)));
    expect(toDot(released.loss)).toContain('grad [2, 2]');
    expect(toDot(released.loss, { heat: true })).toContain('legend');
  });

  it('stand-ins in the released graph keep summaries of data and gradient, and refuse to compute', () => {
    const { h, loss } = model();
    const want = { data: h.summary(), grad: null as unknown };
    loss.backward();
    want.grad = h.gradSummary();
    const stand = loss.parents[0]!.parents[0]!.parents[0] as Tensor; // div ← sum ← mul ← h
    expect(stand).not.toBe(h);
    expect(stand.id).toBe(h.id);
    expect(stand.label).toBe('h');
    expect(stand.isReleased).toBe(true);
    expect(stand.summary()).toEqual(want.data);
    expect(stand.gradSummary()).toEqual(want.grad);
    expect(stand.shape).toEqual([2, 2]);
    expect(() => stand.toArray()).toThrow(/released its arrays/);
    expect(() => stand.mul(2)).toThrow(/released its arrays/);
  });

  it('Value graphs stay whole: drawable, and a second backward works', () => {
    const x = new Value(2, { label: 'x' });
    const y = x.mul(x).tanh();
    y.backward();
    y.backward();
    expect(toDot(y)).toContain('grad');
    expect(x.grad).toBeCloseTo(2 * 2 * 2 * (1 - Math.tanh(4) ** 2), 12);
  });

  it('grad() leaves the graph alone', () => {
    const { W, loss } = model();
    grad(loss, [W]);
    expect(() => loss.backward()).not.toThrow();
  });
});

describe('every gradient a user can see is its own buffer', () => {
  it('add hands one gradient to both inputs: editing a.grad leaves b.grad alone', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    a.add(b).sum().backward();
    a.grad!.array.data[0] = 999;
    expect(b.grad!.toArray()).toEqual([1, 1]);
  });

  it('a reshape shares data forward, but not its gradient', () => {
    const a = tensor([1, 2, 3, 4], { requiresGrad: true });
    const r = a.reshape([2, 2]);
    const y = r.sum();
    y.backward(undefined, { retainGraph: true });
    a.grad!.array.data[0] = 999;
    expect(r.grad!.array.data[0]).toBe(1);
  });

  it('the gradient passed to backward() is not aliased by .grad', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const y = a.mul(1);
    const g = tensor([5, 6]);
    y.backward(g);
    g.array.data[0] = 0;
    expect(y.grad!.toArray()).toEqual([5, 6]);
  });

  it('grad() returns separate buffers for inputs that received the same array', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const [ga, gb] = grad(a.add(b).sum(), [a, b]);
    ga!.array.data[0] = 999;
    expect(gb!.toArray()).toEqual([1, 1]);
  });
});

describe('own gradient buffers with createGraph', () => {
  it('gradients that are graphs do not share arrays either, and stay differentiable', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    a.mul(b).add(b).sum().backward(undefined, { createGraph: true });
    const z = tensor([5], { requiresGrad: true });
    const y = z.add(z.mul(1));
    y.sum().backward(undefined, { createGraph: true });
    expect(z.grad!.array.data).not.toBe(y.grad!.array.data);
    const p = tensor([1, 2], { requiresGrad: true });
    const q = tensor([3, 4], { requiresGrad: true });
    p.mul(p).add(q).sum().backward(undefined, { createGraph: true });
    expect(p.grad!.array.data.buffer).not.toBe(q.grad!.array.data.buffer);
    p.grad!.sum().backward();
    expect(p.grad!.toArray()).toEqual([4, 6]); // 2p + d(Σ2p)/dp = 2p + 2
  });
});
