/**
 * @file A walk sums gradients in the nodes' own gradient field (one field per node, not two): what
 * each node held before is given back, whatever the pass does or however it ends.
 */

import { describe, expect, test } from 'vitest';
import { clipGradNorm, compile, grad, tensor, Value } from '../../src/index.js';

/** x → a = x·w → b = tanh(a) → y = b·b + a, all Values; every node keeps its grad. */
function chain() {
  const x = new Value(0.7, { requiresGrad: true, label: 'x' });
  const w = new Value(-1.3, { requiresGrad: true, label: 'w' });
  const a = x.mul(w);
  const b = a.tanh();
  const y = b.mul(b).add(a);
  return { x, w, a, b, y };
}

describe('the walk', () => {
  test('grad() leaves every .grad as it was, reached nodes included', () => {
    const { x, w, a, b, y } = chain();
    y.backward();
    const before = [x, w, a, b, y].map((n) => n.grad);
    const [gx] = grad([y.mul(3)], [x]);
    expect(gx!.data).toBeCloseTo(3 * before[0]!, 12);
    expect([x, w, a, b, y].map((n) => n.grad)).toEqual(before);
  });

  test('a second backward() adds into the leaves and replaces the rest, as before', () => {
    const { x, w, a, y } = chain();
    y.backward();
    const [gx, gw, ga] = [x.grad!, w.grad!, a.grad!];
    y.backward();
    expect([x.grad, w.grad, a.grad]).toEqual([2 * gx, 2 * gw, ga]);
  });

  test('a hook that throws leaves every gradient as it was before the pass', () => {
    const { x, w, a, b, y } = chain();
    y.backward();
    const before = [x, w, a, b, y].map((n) => n.grad);
    a.registerHook(() => {
      throw new Error('stop');
    });
    expect(() => y.backward()).toThrow('stop');
    expect([x, w, a, b, y].map((n) => n.grad)).toEqual(before);
  });

  test('reading .grad from a hook changes no gradient of the pass', () => {
    const W = tensor(
      [
        [0.5, -1],
        [2, 0.25],
      ],
      { requiresGrad: true },
    );
    const X = tensor([
      [1, 2],
      [3, 4],
    ]);
    const run = (peek: boolean) => {
      W.zeroGrad();
      const H = X.matmul(W);
      const T = H.tanh();
      const seen: unknown[] = [];
      // H has two users: when T's hook runs, H holds a part of its sum (or none yet), read as a tensor.
      if (peek) T.registerHook(() => void seen.push(H.grad?.toArray() ?? null));
      T.sum().add(H.mul(2).sum()).backward();
      return { W: W.grad!.toArray(), H: H.grad!.toArray(), seen };
    };
    const plain = run(false);
    const peeked = run(true);
    expect(peeked.seen).toHaveLength(1);
    expect(peeked.W).toEqual(plain.W);
    expect(peeked.H).toEqual(plain.H);
  });

  test('a hook reads and changes the gradients nodes held before the pass, as when the sums had a field of their own', () => {
    const once = chain();
    once.y.backward();
    const single = once.x.grad!; // x's gradient from one pass

    const cases: [string, (v: Value) => void, (before: number) => number][] = [
      ['nothing', () => {}, (before) => before + single],
      ['zeroGrad', (v) => v.zeroGrad(), () => single],
      [
        'the grad setter',
        (v) => {
          v.grad = 1;
        },
        () => 1 + single,
      ],
      [
        'clipGradNorm',
        (v) => void clipGradNorm([v], Math.abs(single) / 2),
        (before) => before * (Math.abs(single) / 2 / (Math.abs(before) + 1e-6)) + single,
      ],
    ];
    for (const [what, change, expected] of cases) {
      const { x, a, b, y } = chain();
      y.backward();
      const before = x.grad!;
      const seen: (number | null)[] = [];
      // When b's hook runs, the pass has reached a (two users) but not x: both show what they held.
      b.registerHook(() => {
        seen.push(x.grad, a.grad);
        change(x);
      });
      y.backward();
      expect(seen, what).toEqual([before, once.a.grad]);
      expect(x.grad, what).toBeCloseTo(expected(before), 12);
      expect(a.grad, what).toBe(once.a.grad);
    }
  });

  test('on a fresh graph (no node held a gradient), a hook that sets one sees it summed with the pass', () => {
    const { x, a, b, y } = chain();
    const seen: (number | null)[] = [];
    b.registerHook(() => {
      seen.push(x.grad, a.grad);
      x.grad = 1;
      a.grad = 5; // not a leaf: this pass's gradient replaces it
    });
    y.backward();
    const once = chain();
    once.y.backward();
    expect(seen).toEqual([null, null]);
    expect(x.grad).toBe(1 + once.x.grad!);
    expect(a.grad).toBe(once.a.grad);
  });

  test('a pass that fails on a fresh graph stores none of its sums; what a hook wrote stays', () => {
    const { x, w, a, b, y } = chain();
    b.registerHook(() => {
      x.grad = 1;
    });
    a.registerHook(() => {
      throw new Error('stop');
    });
    expect(() => y.backward()).toThrow('stop');
    expect([x, w, a, b, y].map((n) => n.grad)).toEqual([1, null, null, null, null]);
  });

  test('a pass that fails while storing its results stores none of them', () => {
    const a = new Value(2, { label: 'a' });
    const b = new Value(3, { label: 'b' });
    a.grad = 10;
    // A compiled step refuses a backward() over Values when the pass stores a leaf's gradient.
    const step = compile((x: ReturnType<typeof tensor>) => {
      a.mul(b).backward();
      return x.mul(2);
    });
    expect(() => step(tensor([1]))).toThrow(/backward\(\) over Values/);
    expect([a.grad, b.grad]).toEqual([10, null]);
  });

  test('a gradient read from a hook owns its array: writing to it changes no other gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3, 4], { requiresGrad: true });
    const p = x.mul(1);
    const q = y.mul(1);
    const loss = p
      .add(q)
      .mul(tensor([2, 2]))
      .sum();
    loss.backward(undefined, { retainGraph: true });
    let held: ReturnType<typeof tensor> | null = null;
    p.registerHook(() => {
      held = q.grad; // add handed p and q one array in this pass
    });
    loss.backward(undefined, { retainGraph: true });
    held!.copy_(tensor([7, 7]));
    expect(p.grad!.toArray()).toEqual([2, 2]);
    expect(x.grad!.toArray()).toEqual([4, 4]);
  });
});
