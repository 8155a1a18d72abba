/** @file logsumexp, var/std with a correction, norms: values as PyTorch defines them, gradients first and second order. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grad, gradcheck, type Tensor, tensor, Value } from '../../src/index.js';
import { distinctArb, shapeArb, tensorOf, valuesArb } from '../support/arbitraries.js';
import { testProp } from '../support/property.js';

const flat = (t: Tensor) => Array.from(t.array.data);
const passes = (f: (x: Tensor) => Tensor, x: Tensor) =>
  expect(gradcheck(f, [x]).message).toBe('gradcheck passed');

/** A shape of rank ≥ 1, an axis of it, random values. */
const caseArb = shapeArb()
  .filter((s) => s.length > 0)
  .chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.integer({ min: -s.length, max: s.length - 1 }),
      valuesArb(s, -2, 2, true),
      fc.boolean(),
    ),
  )
  .map(([s, axis, v, keepdim]) => ({ x: tensorOf(s, v), axis, keepdim }));

describe('logsumexp', () => {
  testProp([caseArb], { numRuns: 30 })(
    'is log Σ exp over the axis; gradients first and second order',
    ({ x, axis, keepdim }) => {
      const want = x.exp().sum(axis, keepdim).log();
      const got = x.logsumexp(axis, keepdim);
      expect(got.shape).toEqual(want.shape);
      flat(got).forEach((v, i) => {
        expect(v).toBeCloseTo(flat(want)[i]!, 12);
      });
      passes((t) => t.logsumexp(axis, keepdim), x);
    },
  );

  it('does not overflow, and keeps −∞ rows at −∞ as torch', () => {
    expect(tensor([1000, 1000]).logsumexp(0).item()).toBeCloseTo(1000 + Math.LN2, 9);
    expect(tensor([-1000, -1000]).logsumexp(0).item()).toBeCloseTo(-1000 + Math.LN2, 9);
    expect(
      tensor([
        [-Infinity, -Infinity],
        [0, 0],
      ])
        .logsumexp(1)
        .toArray(),
    ).toEqual([-Infinity, Math.LN2]);
    expect(tensor([[1, 2]], { requiresGrad: true }).logsumexp(1).gradFn).toBe('logsumexp');
  });
});

describe('var and std', () => {
  testProp([caseArb, fc.constantFrom(0, 1, 2)], { numRuns: 15 })(
    'divide Σ(x − mean)² by N − correction; gradients first and second order',
    ({ x, axis, keepdim }, correction) => {
      const n = x.shape.at(axis)!;
      fc.pre(n > correction);
      const centered = x.sub(x.mean(axis, true));
      const want = centered
        .mul(centered)
        .sum(axis, keepdim)
        .div(n - correction);
      const got = x.var(axis, { correction, keepdim });
      flat(got).forEach((v, i) => {
        expect(v).toBeCloseTo(flat(want)[i]!, 12);
      });
      flat(x.std(axis, { correction, keepdim })).forEach((v, i) => {
        expect(v).toBeCloseTo(Math.sqrt(flat(want)[i]!), 12);
      });
      passes((t) => t.var(axis, { correction, keepdim }), x);
      fc.pre(flat(want).every((v) => v > 1e-3));
      passes((t) => t.std(axis, { correction, keepdim }), x);
    },
  );

  it('default to the unbiased estimate over all elements, as torch', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(x.var().item()).toBeCloseTo(5 / 3, 14);
    expect(x.var(undefined, { correction: 0 }).item()).toBeCloseTo(1.25, 14);
    expect(x.std().item()).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(tensor([7]).var().item()).toBeNaN(); // N − correction = 0: 0/0, as torch
  });

  it('std has gradient 0 where the spread is 0, as torch (a constant column, one element with correction 0)', () => {
    const x = tensor([3, 3, 3], { requiresGrad: true });
    x.std().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
    const [g] = grad(x.std(), [x], { createGraph: true });
    expect(grad(g!.sum(), [x])[0]!.toArray()).toEqual([0, 0, 0]);
    const rows = tensor([[5], [1]], { requiresGrad: true });
    rows.std(1, { correction: 0 }).sum().backward();
    expect(rows.grad!.toArray()).toEqual([[0], [0]]);
  });
});

describe('norm', () => {
  testProp(
    [
      shapeArb()
        .chain((s) => fc.tuple(fc.constant(s), distinctArb(s.reduce((a, b) => a * b, 1))))
        .map(([s, v]) => tensorOf(s, v)),
      fc.constantFrom(1, 2, 3, 0.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    ],
    { numRuns: 40 },
  )('is (Σ|x|ᵖ)^(1/p), max|x| or min|x|; gradients first and second order away from 0', (x, p) => {
    const a = flat(x).map(Math.abs);
    const want =
      p === Number.POSITIVE_INFINITY
        ? Math.max(...a)
        : p === Number.NEGATIVE_INFINITY
          ? Math.min(...a)
          : a.reduce((s, v) => s + v ** p, 0) ** (1 / p);
    expect(x.norm(p).item()).toBeCloseTo(want, 10);
    fc.pre(a.every((v) => v > 0.05));
    const sorted = [...a].sort((u, v) => u - v);
    fc.pre(Number.isFinite(p) || sorted.every((v, i) => i === 0 || v - sorted[i - 1]! > 0.01)); // no tie at the max/min
    passes((t) => t.norm(p), x);
  });

  it('over an axis, with keepdim; p = 0 counts nonzeros', () => {
    const x = tensor([
      [3, 4],
      [0, 0],
    ]);
    expect(x.norm(2, 1).toArray()).toEqual([5, 0]);
    expect(x.norm(2, 1, true).shape).toEqual([2, 1]);
    expect(x.norm(0).item()).toBe(2);
  });

  it('has gradient 0 at the zero vector, as PyTorch, and no NaN in its second derivative', () => {
    const x = tensor([0, 0, 0], { requiresGrad: true });
    x.norm().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
    const [g] = grad(x.norm(), [x], { createGraph: true });
    const [h] = grad(g!.sum(), [x]);
    expect(h!.toArray()).toEqual([0, 0, 0]);
  });

  it('∞-norm ties share the gradient evenly over an axis too, as torch.linalg.vector_norm (was: the first took it all)', () => {
    // torch: linalg.vector_norm(t, inf, dim=1).sum().backward() → [[0.5, 0.5], [0.5, -0.5]]
    for (const axis of [1, [1]]) {
      const t = tensor(
        [
          [1, 1],
          [3, -3],
        ],
        { requiresGrad: true },
      );
      t.norm(Number.POSITIVE_INFINITY, axis).sum().backward();
      expect(t.grad!.toArray(), String(axis)).toEqual([
        [0.5, 0.5],
        [0.5, -0.5],
      ]);
    }
  });

  it('p < 1: gradient 0 at a zero element, as torch (was NaN), and the others as torch', () => {
    // torch: linalg.vector_norm([0., 3, -4], 0.5).backward() → [0.0, 2.154700538379252, -1.8660254037844386]
    const x = tensor([0, 3, -4], { requiresGrad: true });
    x.norm(0.5).backward();
    const [g0, g1, g2] = x.grad!.toArray() as number[];
    expect(g0).toBe(0);
    expect(g1).toBeCloseTo(2.154700538379252, 14);
    expect(g2).toBeCloseTo(-1.8660254037844386, 14);
    const [g] = grad(x.norm(0.5), [x], { createGraph: true });
    expect((grad(g!.sum(), [x])[0]!.toArray() as number[]).every(Number.isFinite)).toBe(true);
  });

  // Fixed, kept as a regression test: for p < 1, |x|ᵖ has derivative ∞ at x = 0, and the mask at the zero
  // vector multiplied it by 0 (NaN), as did sign(0) at a zero element; torch's subgradient there is 0.
  it('has gradient 0 at zero elements for p < 1, as PyTorch (not 0·∞ = NaN)', () => {
    const x = tensor([0, 1, -4], { requiresGrad: true });
    const n = x.norm(0.5);
    n.backward();
    expect(n.item()).toBe(9); // torch.linalg.vector_norm([0., 1., -4.], 0.5)
    expect(x.grad!.toArray()).toEqual([0, 3, -1.5]);
    const z = tensor([0, 0], { requiresGrad: true });
    z.norm(0.5).backward();
    expect(z.grad!.toArray()).toEqual([0, 0]);
  });

  it('refuses a negative p other than −∞', () => {
    expect(() => tensor([1]).norm(-1)).toThrow(/p must be/);
  });
});

describe('softplus with β', () => {
  testProp([fc.double({ min: -5, max: 5, noNaN: true }), fc.constantFrom(0.5, 1, 2)], { numRuns: 30 })(
    'is log(1 + e^(βx))/β on Values and Tensors; gradients first and second order',
    (v, beta) => {
      expect(new Value(v).softplus(beta).data).toBeCloseTo(Math.log1p(Math.exp(beta * v)) / beta, 12);
      expect(gradcheck((x: Value) => x.softplus(beta), [new Value(v)]).message).toBe('gradcheck passed');
      passes((t) => t.softplus(beta), tensor([v, -v]));
    },
  );

  it('never overflows', () => {
    expect(tensor([1000, -1000]).softplus().toArray()).toEqual([1000, 0]);
  });
});
