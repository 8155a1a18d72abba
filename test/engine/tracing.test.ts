/** @file withTracing: every op recorded (comparisons and detach too), gradients unchanged, reads of input data reported. */

import { describe, expect, it } from 'vitest';
import { noteRead, withTracing } from '../../src/engine/mode.js';
import type { Node } from '../../src/engine/node.js';
import { noGrad, tensor } from '../../src/index.js';

describe('withTracing', () => {
  it('records ops without a gradient, with requiresGrad false, and keeps detach connected without a gradient', () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    const { mask, detached } = withTracing(() => ({ mask: x.gt(0), detached: x.detach() }));
    expect(mask.gradFn).toBe('gt');
    expect(mask.requiresGrad).toBe(false);
    expect(mask.parents).toEqual([x, expect.anything()]);
    expect(detached.gradFn).toBe('stopGradient');
    expect(detached.requiresGrad).toBe(false);
    expect(detached.parents).toEqual([x]);
    // outside tracing, both are constants again
    expect(x.gt(0).gradFn).toBeNull();
    expect(x.detach()).not.toBe(x);
  });

  it('a traced forward pass gives the same gradients as an ordinary one (none passes detach)', () => {
    const f = (x: ReturnType<typeof tensor>) =>
      x
        .mul(x.gt(0))
        .softmax(0)
        .mul(tensor([1, 2, 3]))
        .sum();
    const a = tensor([0.5, -1, 2], { requiresGrad: true });
    f(a).backward();
    const b = tensor([0.5, -1, 2], { requiresGrad: true });
    withTracing(() => f(b)).backward();
    expect(b.grad!.toArray()).toEqual(a.grad!.toArray());
  });
});

describe('withTracing with a watch: reads of what the inputs computed', () => {
  /** The reads during `fn`, traced with `x` as the input, as [method, node] pairs. */
  function readsIn(x: Node, fn: () => void): [string, Node][] {
    const reads: [string, Node][] = [];
    withTracing(fn, { inputs: [x], onRead: (node, method) => reads.push([method, node]) });
    return reads;
  }

  it('reports reads of the input and of anything an op made from it, through detach and noGrad too', () => {
    const x = tensor([1, -2, 3]);
    const w = tensor([2, 2, 2], { requiresGrad: true });
    let s: Node | null = null;
    const reads = readsIn(x, () => {
      const sum = x.mul(w).sum();
      s = sum;
      sum.item();
      x.toArray();
      noGrad(() => x.abs().max())
        .detach()
        .data.item();
      expect([x.size, x.ndim, sum.shape]).toEqual([3, 1, []]); // sizes are no data
    });
    expect(reads.map(([method]) => method)).toEqual(['item()', 'toArray()', 'item()']);
    expect(reads[0]![1]).toBe(s);
  });

  it('leaves reads of parameters and constants alone, and every read outside a watched trace', () => {
    const x = tensor([1, -2, 3]);
    const w = tensor([0.5, 1], { requiresGrad: true });
    const reads = readsIn(x, () => {
      w.sum().item();
      tensor([4]).mul(w.max()).toArray();
      expect(`${w.array.size} ${w}`).toContain('tensor([0.5000, 1.0000]');
    });
    expect(reads).toEqual([]);
    expect(withTracing(() => x.sum().item())).toBe(2);
    expect(() => noteRead(x, 'item()')).not.toThrow();
  });
});
