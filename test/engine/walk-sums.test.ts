/**
 * @file A walk sums gradients in the nodes' own gradient field (one field per node, not two): what
 * each node held before is given back, whatever the pass does or however it ends.
 */

import { describe, expect, test } from 'vitest';
import { clipGradNorm, grad, tensor, Value } from '../../src/index.js';

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

  test('a hook reads the gradients summed so far and changes nothing by reading', () => {
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

  test('changing a gradient from a hook is refused by name, and the pass leaves everything as it was', () => {
    const setters: [string, (v: Value) => void][] = [
      ['zeroGrad', (v) => v.zeroGrad()],
      [
        'Value.grad',
        (v) => {
          v.grad = 1;
        },
      ],
      ['clipGradNorm', (v) => clipGradNorm([v], 0.1)],
    ];
    for (const [name, change] of setters) {
      const { x, w, a, b, y } = chain();
      y.backward();
      const before = [x.grad, w.grad, a.grad];
      // a has two users: when b's hook runs, a holds the part of its sum that came through y = … + a.
      b.registerHook(() => change(a));
      expect(() => y.backward()).toThrow(`${name}: cannot change`);
      expect([x.grad, w.grad, a.grad]).toEqual(before);
    }
  });
});
