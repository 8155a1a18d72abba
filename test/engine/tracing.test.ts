/** @file withTracing: every op recorded (comparisons and detach too), gradients unchanged. */

import { describe, expect, it } from 'vitest';
import { withTracing } from '../../src/engine/mode.js';
import { tensor } from '../../src/index.js';

describe('withTracing', () => {
  it('records ops without a gradient, with requiresGrad false, and keeps detach connected', () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    const { mask, detached } = withTracing(() => ({ mask: x.gt(0), detached: x.detach() }));
    expect(mask.gradFn).toBe('gt');
    expect(mask.requiresGrad).toBe(false);
    expect(mask.parents).toEqual([x, expect.anything()]);
    expect(detached).toBe(x);
    // outside tracing, both are constants again
    expect(x.gt(0).gradFn).toBeNull();
    expect(x.detach()).not.toBe(x);
  });

  it('a traced forward pass gives the same gradients as an ordinary one, up to rounding (detach passes gradient 0 + ε)', () => {
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
    expect(b.grad!.toArray()).toEqual((a.grad!.toArray() as number[]).map((v) => expect.closeTo(v, 14)));
  });
});
