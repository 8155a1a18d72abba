/** @file The engine's promises: accumulation, repeated passes, zeroGrad, hooks, deep chains, broken rules. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/engine/apply.js';
import { AutogradError, grad, noGrad, tensor, Value } from '../../src/index.js';
import { type AnyOp, defineOp } from '../../src/ops/op.js';
import { testProp } from '../support/property.js';

describe('accumulation', () => {
  it('x·x has two edges, so d(x²)/dx = 2x', () => {
    const x = new Value(3);
    x.mul(x).backward();
    expect(x.grad).toBeCloseTo(6, 12);
  });

  it('the diamond b = a + a, c = b + b gives dc/da = 4', () => {
    const a = new Value(1.5);
    const b = a.add(a);
    const c = b.add(b);
    c.backward();
    expect(a.grad).toBe(4);
    expect(b.grad).toBe(2);
  });

  testProp([fc.double({ min: -10, max: 10, noNaN: true }), fc.integer({ min: 1, max: 50 })])(
    'a node used k times receives k contributions',
    (v, k) => {
      const x = new Value(v);
      let y = x;
      for (let i = 1; i < k; i++) y = y.add(x);
      y.backward();
      expect(x.grad).toBeCloseTo(k, 12);
    },
  );

  it('a tensor broadcast into a sum receives the sum over the broadcast axes', () => {
    const b = tensor([1, 2, 3], { requiresGrad: true });
    tensor([
      [1, 1, 1],
      [2, 2, 2],
    ])
      .add(b)
      .sum()
      .backward();
    expect(b.grad!.toArray()).toEqual([2, 2, 2]);
  });
});

describe('repeated backward passes', () => {
  it('leaf gradients add up across calls, as in PyTorch, and zeroGrad resets them', () => {
    const x = new Value(2);
    const y = x.mul(x).mul(x);
    y.backward();
    expect(x.grad).toBeCloseTo(12, 12);
    y.backward({ retainGraph: true });
    expect(x.grad).toBeCloseTo(24, 12);
    x.zeroGrad();
    y.backward();
    expect(x.grad).toBeCloseTo(12, 12);
  });

  testProp([fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: 1, max: 5 })])(
    'zeroGrad + backward is idempotent',
    (v, times) => {
      const x = new Value(v);
      const y = x.tanh().mul(x);
      y.backward();
      const once = x.grad;
      for (let i = 0; i < times; i++) {
        x.zeroGrad();
        y.backward();
      }
      expect(x.grad).toBe(once);
    },
  );

  it('inner nodes keep the latest pass, not a sum', () => {
    const x = new Value(2);
    const h = x.mul(3);
    const y = h.mul(h);
    y.backward();
    y.backward();
    expect(h.grad).toBeCloseTo(12, 12);
    expect(x.grad).toBeCloseTo(72, 12);
  });

  it('a node no pass has reached has no gradient (null), never 0', () => {
    const x = new Value(1);
    const unused = new Value(5);
    x.mul(2).backward();
    expect(unused.grad).toBeNull();
    expect(x.mul(3).grad).toBeNull();
  });
});

describe('higher order', () => {
  it('grad(grad(x³)) at 2 is 12', () => {
    const x = new Value(2);
    const [d1] = grad(x.pow(3), [x], { createGraph: true });
    expect(d1!.data).toBeCloseTo(12, 12);
    const [d2] = grad(d1!, [x]);
    expect(d2!.data).toBeCloseTo(12, 12);
    expect(x.grad).toBeNull();
  });

  it.each([
    [
      'sigmoid',
      (x: Value) => x.sigmoid(),
      (v: number) => {
        const s = 1 / (1 + Math.exp(-v));
        return s * (1 - s) * (1 - 2 * s);
      },
    ],
    ['tanh', (x: Value) => x.tanh(), (v: number) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
    ['exp', (x: Value) => x.exp(), (v: number) => Math.exp(v)],
    ['log', (x: Value) => x.log(), (v: number) => -1 / (v * v)],
  ])('second derivative of %s through grad with createGraph', (_name, f, d2) => {
    const x = new Value(0.7);
    const [d1] = grad(f(x), [x], { createGraph: true });
    const [second] = grad(d1!, [x]);
    expect(second!.data).toBeCloseTo(d2(0.7), 12);
  });

  it('backward({ createGraph }) leaves a differentiable gradient in gradValue', () => {
    const x = new Value(1.5);
    x.pow(4).backward({ createGraph: true });
    expect(x.grad).toBeCloseTo(4 * 1.5 ** 3, 12);
    const [d2] = grad(x.gradValue!, [x]);
    expect(d2!.data).toBeCloseTo(12 * 1.5 ** 2, 12);
  });

  it('grad refuses an input the outputs do not use, unless allowUnused', () => {
    const x = new Value(1);
    const z = new Value(2);
    expect(() => grad(x.mul(2), [z])).toThrow(/input 0 was not used.*allowUnused/);
    expect(grad(x.mul(2), [z], { allowUnused: true })).toEqual([null]);
  });
});

describe('noGrad, detach and hooks', () => {
  it('noGrad records nothing', () => {
    const x = new Value(2);
    const y = noGrad(() => x.mul(3));
    expect(y.requiresGrad).toBe(false);
    expect(y.parents).toHaveLength(0);
    expect(() => y.backward()).toThrow(/does not require a gradient/);
  });

  it('detach cuts the graph', () => {
    const x = new Value(2);
    const y = x.mul(x.detach());
    y.backward();
    expect(x.grad).toBe(2);
  });

  it('a hook sees the finished gradient and may replace it', () => {
    const x = new Value(2);
    const h = x.mul(3);
    const seen: number[] = [];
    const handle = h.registerHook((g) => {
      seen.push(g.data);
      return g.mul(10);
    });
    h.add(h).backward();
    expect(seen).toEqual([2]);
    expect(x.grad).toBe(60);
    handle.remove();
    x.zeroGrad();
    h.add(h).backward();
    expect(x.grad).toBe(6);
  });
});

describe('deep graphs', () => {
  it('a 1,000,000-node chain goes forward and backward without a stack overflow', () => {
    const x = new Value(0.5);
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.add(1);
    expect(() => y.backward()).not.toThrow();
    expect(x.grad).toBe(1);
    expect(y.data).toBeCloseTo(1_000_000.5, 6);
  });
});

describe('broken rules are caught, naming the op', () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });

  it('a rule that returns too few gradients', () => {
    // NOTE: `Op<A, 1>` refuses this rule at compile time (it must return a tuple of one); an op typed
    // only as `AnyOp` (as JavaScript callers write them) still reaches the engine's check.
    const bad: AnyOp = { name: 'badCount', label: '?', arity: 1, array: ([a]) => a!, backward: () => [] };
    expect(() => (apply(bad, [x]) as typeof x).sum().backward()).toThrow(AutogradError);
    expect(() => (apply(bad, [x]) as typeof x).sum().backward()).toThrow(
      /badCount: rule returned 0 gradients for 1 inputs/,
    );
  });

  it('a rule that returns a gradient of the wrong shape', () => {
    const bad = defineOp({
      name: 'badShape',
      label: '?',
      arity: 1,
      array: ([a]) => a!,
      backward: (B, g) => [B.reshape(g, [3, 1])],
    });
    expect(() => (apply(bad, [x]) as typeof x).sum().backward()).toThrow(
      /badShape: gradient for input 0 has shape \[3, 1\], but the input has shape \[3\]/,
    );
  });
});

describe('memory', () => {
  it('keeps no reference to a graph once the caller drops it (after forward and after backward)', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const make = (withBackward: boolean) => {
      const x = tensor([1, 2, 3], { requiresGrad: true });
      const y = x.mul(2).tanh().sum();
      if (withBackward) y.backward();
      return new WeakRef(x);
    };
    for (const withBackward of [false, true]) {
      const ref = make(withBackward);
      for (let i = 0; i < 5 && ref.deref() !== undefined; i++) {
        await new Promise((r) => setTimeout(r, 0));
        gc();
      }
      expect(ref.deref()).toBeUndefined();
    }
  });
});

describe('misuse of the engine fails clearly and leaves nothing behind', () => {
  it('a hook that starts another backward pass is refused, and the next pass is clean', () => {
    const x = new Value(2);
    const h = x.mul(3);
    const other = x.mul(5);
    h.registerHook(() => {
      other.backward();
    });
    expect(() => h.mul(h).backward()).toThrow(/backward: cannot start a backward pass inside another one/);
    const y = new Value(2);
    y.mul(y).backward();
    expect(y.grad).toBe(4);
  });

  it('a failed grad() leaves no stale gradient for the next call', () => {
    const x = new Value(1);
    const z = new Value(2);
    const y = x.mul(z);
    expect(() => grad(y, [x, new Value(3)])).toThrow(/input 1 was not used/);
    expect(grad(new Value(5).mul(2), [x], { allowUnused: true })).toEqual([null]);
  });

  it("a hook must return a gradient of its node's kind and shape", () => {
    const w = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    w.registerHook((g) => g.unsqueeze(0));
    expect(() => w.mul(2).sum().backward()).toThrow(
      /registerHook: a hook returned a Tensor of shape \[1, 2, 2\] for a Tensor of shape \[2, 2\]/,
    );
    expect(() => new Value(1, { requiresGrad: false }).registerHook(() => undefined)).toThrow(
      /registerHook: this node does not require a gradient/,
    );
  });
});
