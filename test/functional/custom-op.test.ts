/** @file Custom ops: table entries made by users, with second derivatives, forward mode, drawings and errors. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  customOp,
  elementwiseOp,
  grad,
  gradcheck,
  hessian,
  jvp,
  type Tensor,
  tensor,
  toDot,
  Value,
} from '../../src/index.js';
import { shapeArb, tensorOf, valuesArb } from '../support/arbitraries.js';
import { testProp } from '../support/property.js';

// softplus(x) = log(1 + eˣ) = relu(x) + log(1 + e^−|x|); d/dx = σ(x)
const softplus = customOp({
  name: 'mySoftplus',
  label: 'softplus',
  forward: (B, x) => B.add(B.relu(x), B.log(B.add(1, B.exp(B.neg(B.abs(x)))))),
  backward: (B, g, { ins: [x] }) => [B.mul(g, B.sigmoid(x!))],
  jvp: 'elementwise',
});

// f(x, y) = x·eʸ: ∂/∂x = eʸ, ∂/∂y = x·eʸ = out
const scaleByExp = customOp({
  name: 'scaleByExp',
  forward: (B, x, y) => B.mul(x, B.exp(y)),
  backward: (B, g, { ins: [, y], out }) => [B.mul(g, B.exp(y!)), B.mul(g, out)],
  jvp: 'elementwise',
});

describe('customOp', () => {
  testProp([shapeArb().chain((s) => valuesArb(s, -4, 4).map((v) => tensorOf(s, v)))], { numRuns: 20 })(
    'a two-line softplus passes gradcheck, first and second order, on Tensors',
    (x) => {
      expect(gradcheck((t: Tensor) => softplus(t).mul(t), [x]).message).toBe('gradcheck passed');
    },
  );

  testProp([fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true })], {
    numRuns: 30,
  })('works on Values, with two inputs, first and second order', (a, b) => {
    expect(gradcheck((x: Value) => softplus(x), [new Value(a)]).message).toBe('gradcheck passed');
    expect(
      gradcheck((x: Value, y: Value) => scaleByExp(x, y).mul(y), [new Value(a), new Value(b)]).message,
    ).toBe('gradcheck passed');
  });

  it('is stable where the naive formula overflows, and takes numbers beside nodes', () => {
    expect(softplus(tensor([-1000, 0, 1000])).toArray()).toEqual([0, Math.LN2, 1000]);
    expect(scaleByExp(new Value(2), 0).data).toBe(2);
  });

  it('shows by its name and label: gradFn, drawings', () => {
    const y = softplus(new Value(1, { label: 'x' }));
    expect(y.gradFn).toBe('mySoftplus');
    expect(toDot(y)).toContain('label="softplus"');
  });

  it('works in forward mode and in the hessian', () => {
    const [, t] = jvp((x: Value) => softplus(x), new Value(0.5), new Value(2));
    expect((t as Value).data).toBeCloseTo(2 / (1 + Math.exp(-0.5)), 12);
    const s = 1 / (1 + Math.exp(-0.5));
    expect(hessian((x: Value) => softplus(x), new Value(0.5)).data).toBeCloseTo(s * (1 - s), 12);
  });

  it('can be used inside another rule with `on`', () => {
    // g(x) = softplus(x)²: d/dx = 2·softplus(x)·σ(x)
    const squaredSoftplus = customOp({
      name: 'squaredSoftplus',
      forward: (B, x) => B.mul(softplus.on(B, x), softplus.on(B, x)),
      backward: (B, g, { ins: [x] }) => [B.mul(g, B.mul(B.mul(softplus.on(B, x!), 2), B.sigmoid(x!)))],
    });
    expect(gradcheck((x: Tensor) => squaredSoftplus(x), [tensor([-1, 0.5, 2])]).message).toBe(
      'gradcheck passed',
    );
  });

  it('refuses a built-in name, a missing rule, the wrong number of inputs', () => {
    expect(() => customOp({ name: 'mul', forward: (_B, x) => x, backward: (_B, g) => [g] })).toThrow(
      /built-in op's name/,
    );
    expect(() => customOp({ name: 'x', forward: (_B: unknown, x: unknown) => x } as never)).toThrow(
      /forward and a backward/,
    );
    expect(() => (softplus as (...xs: Value[]) => Value)(new Value(1), new Value(2))).toThrow(
      /takes 1 input/,
    );
  });

  it('takes an explicit arity for a forward with rest parameters, and linear ops get forward mode by `linear`', () => {
    const sumAll = customOp({
      name: 'sumAll',
      arity: 3,
      forward: (B, ...xs) => B.add(B.add(xs[0]!, xs[1]!), xs[2]!),
      backward: (_B, g) => [g, g, g],
      jvp: 'linear',
    });
    const [, t] = jvp(
      (a: Value, b: Value, c: Value) => sumAll(a, b, c),
      [new Value(1), new Value(2), new Value(3)],
      [new Value(1), new Value(10), new Value(100)],
    );
    expect((t as Value).data).toBe(111);
    expect(() =>
      customOp({ name: 'rest', forward: (_B, ...xs) => xs[0]!, backward: (_B, g) => [g] }),
    ).toThrow(/give arity/);
  });

  it('names itself when its rule returns the wrong number of gradients', () => {
    const broken = customOp({ name: 'broken', forward: (B, x) => B.neg(x), backward: (_B, g) => [g, g] });
    expect(() => broken(new Value(1)).backward()).toThrow(AutogradError);
    expect(() => broken(new Value(1)).backward()).toThrow(/^broken: rule returned 2 gradients for 1 inputs/);
  });

  it('a Tensor or Value the forward or rule closes over is a constant on every pass (a first-order pass gave NaN)', () => {
    const w = tensor([1, 10, 100]);
    const scaled = customOp({
      name: 'scaledByW',
      forward: (B, x) => B.mul(x, w as never),
      backward: (B, g) => [B.mul(g, w as never)],
    });
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(scaled(x).toArray()).toEqual([1, 20, 300]);
    scaled(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 10, 100]);
    const [g] = grad(scaled(x).sum(), [x], { createGraph: true });
    expect(g!.toArray()).toEqual([1, 10, 100]);
    const k = new Value(5);
    const byK = customOp({
      name: 'byK',
      forward: (B, v) => B.mul(v, k as never),
      backward: (B, g) => [B.mul(g, k as never)],
    });
    const v = new Value(2);
    const out = byK(v) as Value;
    out.backward();
    expect([out.data, v.grad]).toEqual([10, 5]);
  });

  it('a rule giving a plain number for a tensor input is refused by name (it was stored as a 0-d gradient)', () => {
    const bad = customOp({ name: 'ignoresG', forward: (B, x) => B.mul(x, 2), backward: () => [2 as never] });
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(() => bad(x).sum().backward()).toThrow(
      /^ignoresG: gradient for input 0 is the number 2, but the input is a tensor of shape \[3\]; return a tensor of its shape/,
    );
  });

  it('without a forward-mode rule, refuses forward mode by name', () => {
    const noJvp = customOp({ name: 'noJvp', forward: (B, x) => B.neg(x), backward: (B, g) => [B.neg(g)] });
    expect(() => jvp((x: Value) => noJvp(x), new Value(1))).toThrow(
      /^noJvp: has a reverse rule but no forward-mode/,
    );
  });
});

describe('elementwiseOp', () => {
  const cube = elementwiseOp({ name: 'cube', f: (x) => x ** 3, df: (x) => 3 * x ** 2, d2f: (x) => 6 * x });

  testProp([shapeArb().chain((s) => valuesArb(s, -2, 2).map((v) => tensorOf(s, v)))], { numRuns: 20 })(
    'from number functions: gradcheck first and second order on Tensors',
    (x) => {
      expect(gradcheck((t: Tensor) => cube(t).mul(t.tanh()), [x]).message).toBe('gradcheck passed');
    },
  );

  it('on Values: the learner sees f, f′ and f″ at work', () => {
    const x = new Value(2);
    cube(x).backward();
    expect(x.grad).toBe(12);
    expect(gradcheck((v: Value) => cube(v), [new Value(-1.5)]).message).toBe('gradcheck passed');
  });

  it('without d2f, a second derivative is refused by name', () => {
    const sq = elementwiseOp({ name: 'sq', f: (x) => x * x, df: (x) => 2 * x });
    const x = new Value(3);
    const [dx] = grad(sq(x), [x], { createGraph: true });
    expect(dx!.data).toBe(6);
    expect(() => grad(dx!, [x])).toThrow(
      /^sq′: elementwise op 'sq' was given no second derivative; pass d2f/,
    );
  });

  it('needs f and df', () => {
    expect(() => elementwiseOp({ name: 'bad', f: (x: number) => x } as never)).toThrow(/needs df/);
  });
});
