/**
 * @file Gradients one pass stores in one array (add's g, g) stay shared until `.grad` is read, and
 * `.grad` then hands each node a copy of its own: no user ever holds an array another gradient uses,
 * and drawings, summaries and traces show the numbers they showed when each got a copy at once.
 */

import { describe, expect, it } from 'vitest';
import {
  clipGradNorm,
  compile,
  customOp,
  fromTypedArray,
  type Tensor,
  tensor,
  toDot,
  traceBackward,
} from '../../src/index.js';
import { isShared } from '../../src/ops/tape.js';

/** z = (a + b)·c: a, b and a + b all receive the one array c·g. */
function shared() {
  const a = tensor([1, 2, 3], { requiresGrad: true, label: 'a' });
  const b = tensor([4, 5, 6], { requiresGrad: true, label: 'b' });
  const c = tensor([0.5, -1, 2], { label: 'c' });
  const s = a.add(b);
  const z = s.mul(c).sum();
  return { a, b, s, z };
}

describe('gradients a pass stored in one array', () => {
  it('are shared inside, and each .grad is a copy of its own', () => {
    const { a, b, s, z } = shared();
    z.backward(undefined, { retainGraph: true });
    expect(a.gradRaw).toBe(b.gradRaw); // one array kept by three nodes, no copy made yet
    expect(isShared(a.gradRaw as never)).toBe(true);
    const grads = [a.grad!, b.grad!, s.grad!];
    const buffers = new Set(grads.map((g) => g.array.data.buffer));
    expect(buffers.size).toBe(3);
    expect(buffers.has((a.gradRaw as { data: Float64Array }).data.buffer)).toBe(true); // a now holds its copy
    for (const g of grads) expect(g.toArray()).toEqual([0.5, -1, 2]);
    expect(a.grad).toBe(grads[0]); // read again: the same tensor
  });

  it('writing into one .grad, in any order of reading, leaves the others alone', () => {
    for (const order of [
      ['a', 'b', 's'],
      ['s', 'b', 'a'],
      ['b', 's', 'a'],
    ] as const) {
      const nodes = shared();
      nodes.z.backward();
      const first = nodes[order[0]].grad!;
      first.copy_(tensor([9, 9, 9]));
      first.array.data[1] = 7;
      for (const name of order.slice(1)) expect(nodes[name].grad!.toArray()).toEqual([0.5, -1, 2]);
      expect(first.toArray()).toEqual([9, 7, 9]);
    }
  });

  it('an optimizer step reads them as they are', () => {
    const { a, b, z } = shared();
    z.backward();
    a.sub(b).sum(); // unrelated work between the pass and the step
    expect(a.gradRaw).toBe(b.gradRaw);
    a.copy_(a.sub(a.grad!.mul(0.1)));
    expect(a.toArray()).toEqual([1 - 0.05, 2 + 0.1, 3 - 0.2]);
    expect(b.grad!.toArray()).toEqual([0.5, -1, 2]);
  });

  it('drawings and summaries of the released graph show what they show with a copy per gradient', () => {
    // u, v and u + v receive one array; the reshape shares u + v's data: each is summarised once.
    const run = (hook: boolean) => {
      const a = tensor([1, 2, 3], { requiresGrad: true, label: 'a' });
      const u = a.mul(2);
      const v = a.mul(-3);
      const s = u.add(v);
      const r = s.reshape([3, 1]);
      const z = r.mul(tensor([[0.5], [-1], [2]])).sum();
      if (hook) s.registerHook(() => undefined); // a hook sees the arrays, so the pass copies at once
      z.backward();
      return { z, nodes: [u, v, s, r] };
    };
    const plain = run(false);
    const hooked = run(true);
    expect(plain.nodes[0]!.gradRaw).toBe(plain.nodes[2]!.gradRaw);
    expect(hooked.nodes[0]!.gradRaw).not.toBe(hooked.nodes[2]!.gradRaw);
    const drawing = (z: Tensor) => toDot(z).replace(/\b(v|op)\d+/g, '$1'); // ids differ, nothing else
    expect(drawing(plain.z)).toBe(drawing(hooked.z));
    expect(drawing(plain.z)).toContain('grad [3] ‖·‖ 2.29 ∈ [-1, 2]');
    /** The released stand-ins, parents first: what a drawing of z reads. */
    const stands = (z: Tensor) => {
      const out: Tensor[] = [];
      for (let n = z.parents[0] as Tensor; n.parents.length > 0; n = n.parents[0] as Tensor) out.unshift(n);
      return out;
    };
    const [p, h] = [stands(plain.z), stands(hooked.z)];
    expect(p.length).toBe(4);
    for (let i = 0; i < p.length; i++) {
      expect(p[i]!.isReleased).toBe(true);
      expect(p[i]!.summary()).toEqual(h[i]!.summary());
      expect(p[i]!.gradSummary()).toEqual(h[i]!.gradSummary());
    }
  });

  it('a trace is handed arrays the stored gradients do not share', () => {
    const { a, b, z } = shared();
    const trace = traceBackward(z);
    expect(a.gradRaw).not.toBe(b.gradRaw);
    expect(trace.steps.length).toBeGreaterThan(0);
  });

  it("a custom op's rule may return an array the user holds: the pass copies it at once", () => {
    const held = tensor([1, 2]);
    const pair = customOp({
      name: 'heldPair',
      arity: 2,
      forward: (B, x, y) => B.add(x!, y!),
      backward: () => [held.array, held.array] as never,
    });
    const a = tensor([0, 0], { requiresGrad: true });
    const b = tensor([0, 0], { requiresGrad: true });
    (pair(a, b) as Tensor).sum().backward();
    held.copy_(tensor([9, 9])); // the user changes the array after the pass
    const grads = [a.grad!.toArray(), b.grad!.toArray()];
    expect(grads).toContainEqual([1, 2]); // the copy made during the pass keeps the pass's numbers
  });

  it('hooks that return two views of one buffer: the second gradient is copied at once', () => {
    const buffer = new ArrayBuffer(16);
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    a.registerHook(() => fromTypedArray(new Float64Array(buffer), [2]));
    b.registerHook(() => fromTypedArray(new Float64Array(buffer), [2]));
    new Float64Array(buffer).set([5, 6]);
    a.add(b).sum().backward();
    a.grad!.array.data[0] = 9;
    const grads = [a.grad!.toArray(), b.grad!.toArray()];
    expect(grads).toContainEqual([5, 6]);
    expect(grads).toContainEqual([9, 6]);
  });

  it('clipGradNorm inside a compiled step scales a shared array once per gradient', () => {
    const { a, b, z } = shared();
    z.backward();
    expect(a.gradRaw).toBe(b.gradRaw);
    const clip = compile((x: Tensor) => {
      clipGradNorm([a, b], 1);
      return x.mul(1);
    });
    clip(tensor([1]));
    const norm = Math.sqrt(2 * (0.25 + 1 + 4));
    const want = [0.5, -1, 2].map((v) => v * (1 / (norm + 1e-6)));
    for (const g of [a.grad!, b.grad!]) {
      const got = g.toArray() as number[];
      for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(want[i]!, 12);
    }
  });
});

describe('a createGraph pass after a plain one', () => {
  it('adds to a copy of a kept gradient that another node shares', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([4, 5, 6], { requiresGrad: true });
    const c = tensor([0.5, -1, 2]);
    a.add(b).mul(c).sum().backward(); // a and b are handed one array: c·g
    a.mul(a).sum().backward(undefined, { createGraph: true }); // a.grad = (kept) + 2a, as a graph
    const kept = a.grad!.parents[0] as Tensor;
    kept.copy_(tensor([100, 100, 100]));
    expect(b.grad!.toArray()).toEqual([0.5, -1, 2]);
  });
});

describe('a removed hook', () => {
  it('no longer stops gradients from sharing an array', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    a.registerHook(() => undefined).remove();
    const s = a.add(b);
    s.mul(tensor([2, 2]))
      .sum()
      .backward();
    expect(a.gradRaw).toBe(b.gradRaw); // shared until read
    expect(a.grad!.toArray()).toEqual([2, 2]);
    expect(b.grad!.toArray()).toEqual([2, 2]);
  });
});
