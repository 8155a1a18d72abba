/** @file A compiled step replays what the step does to `.grad` and `requiresGrad`, as the eager step does it. */

import { describe, expect, it } from 'vitest';
import { clipGradNorm, compile, fromTypedArray, randn, SGD, type Tensor, tensor } from '../../src/index.js';
import { expectSameAsEager } from './same-as-eager.js';

describe('compile: setting .grad inside the step', () => {
  it('W.grad = W.grad.mul(0.5) before opt.step() is replayed', () => {
    expectSameAsEager(() => {
      const W = randn([3, 2], { requiresGrad: true });
      const opt = new SGD([W], { lr: 0.5 });
      return {
        step: (x: Tensor) => {
          opt.zeroGrad();
          const loss = x.matmul(W).tanh().sum();
          loss.backward();
          W.grad = W.grad!.mul(0.5);
          opt.step();
          return loss;
        },
        args: () => [randn([4, 3])],
        state: () => [W, W.grad],
      };
    });
  });

  it('W.grad = null works as zeroGrad', () => {
    expectSameAsEager(() => {
      const W = randn([3, 2], { requiresGrad: true });
      const opt = new SGD([W], { lr: 0.5, momentum: 0.9 });
      return {
        step: (x: Tensor) => {
          W.grad = null;
          const loss = x.matmul(W).sigmoid().sum();
          loss.backward();
          opt.step();
          return loss;
        },
        args: () => [randn([4, 3])],
        state: () => [W, W.grad],
      };
    });
  });

  it('refuses a gradient wrapped from a typed array inside the step (a replay would keep its numbers)', () => {
    const W = randn([2], { requiresGrad: true });
    const f = compile((x: Tensor) => {
      W.grad = fromTypedArray(new Float64Array([1, 2]), [2]);
      return x.sum();
    });
    expect(() => f(randn([2]))).toThrow(/gradient stored on the leaf of shape \[2\]/);
  });
});

describe('compile: requiresGrad changed after the capture', () => {
  const world = (freezeAt: number) => () => {
    const W = randn([3, 2], { requiresGrad: true, label: 'W' });
    const b = randn([2], { requiresGrad: true });
    const opt = new SGD([W, b], { lr: 0.5 });
    return {
      step: (x: Tensor) => {
        opt.zeroGrad();
        const loss = x.matmul(W).add(b).tanh().sum();
        loss.backward();
        opt.step();
        return loss;
      },
      args: () => [randn([4, 3])],
      state: () => [W, W.grad, b, b.grad],
      before: (i: number) => {
        if (i === freezeAt) W.requiresGrad = false;
        if (i === freezeAt + 2) W.requiresGrad = true;
      },
    };
  };

  it('a parameter frozen after the capture (and unfrozen later) is captured again', () => {
    expectSameAsEager(world(1), 5);
  });

  it('raises instead with errorOnRecompile', () => {
    const W = randn([3, 2], { requiresGrad: true, label: 'W' });
    const opt = new SGD([W], { lr: 0.5 });
    const f = compile(
      (x: Tensor) => {
        opt.zeroGrad();
        const loss = x.matmul(W).sum();
        loss.backward();
        opt.step();
        return loss;
      },
      { errorOnRecompile: true },
    );
    const x = randn([4, 3]);
    f(x);
    W.requiresGrad = false;
    expect(() => f(x)).toThrow(/the tensor 'W' no longer requires a gradient since the capture/);
    expect(f.captures).toBe(1);
  });
});

describe('compile: leaves made inside the step, and gradients read after clipGradNorm', () => {
  it('a leaf made inside the step (input gradients) starts with no gradient at every call', () => {
    expectSameAsEager(() => {
      const W = randn([3, 1], { requiresGrad: true });
      return {
        step: (x: Tensor) => {
          const xb = x.detach();
          xb.requiresGrad = true;
          const loss = xb.matmul(W).tanh().sum();
          loss.backward();
          W.grad = null;
          return [loss, xb.grad!];
        },
        args: () => [randn([4, 3])],
        state: () => [W],
      };
    });
  });

  it('clipGradNorm, then the clipped gradient read with tensor ops inside the step', () => {
    expectSameAsEager(() => {
      const W = randn([3, 2], { requiresGrad: true });
      const opt = new SGD([W], { lr: 0.1 });
      return {
        step: (x: Tensor) => {
          opt.zeroGrad();
          const loss = x.matmul(W).exp().sum();
          loss.backward();
          clipGradNorm([W], 1);
          const gnorm = W.grad!.pow(2).sum();
          opt.step();
          return [loss, gnorm];
        },
        args: () => [randn([4, 3])],
        state: () => [W, W.grad],
      };
    });
  });
});

describe('compile: .grad handed out after a call', () => {
  it('a .grad kept from one call is not changed by the next, as eagerly', () => {
    const kept = (compiled: boolean) => {
      const W = tensor([1, 2], { requiresGrad: true });
      const opt = new SGD([W], { lr: 0.1 });
      const step = (x: Tensor) => {
        opt.zeroGrad();
        const loss = W.mul(x).sum();
        loss.backward();
        W.grad = W.grad!.mul(2); // also through the setter
        opt.step();
        return loss;
      };
      const f = compiled ? compile(step) : step;
      const grads: Tensor[] = [];
      for (const k of [1, 2, 3, 4]) {
        f(tensor([k, -k]));
        grads.push(W.grad!);
      }
      return grads.map((g) => g.toArray());
    };
    expect(kept(true)).toEqual(kept(false));
    expect(kept(true)).toEqual([
      [2, -2],
      [4, -4],
      [6, -6],
      [8, -8],
    ]);
  });
});
