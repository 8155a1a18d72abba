/** @file The function transforms against hand-derived Jacobians and Hessians and against central differences. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asTensors, predict } from '../../examples/lesson/matrix.js';
import { loadTwoBlobs } from '../../examples/lesson/two-layer.js';
import {
  binaryCrossEntropy,
  fromTypedArray,
  grad,
  hessian,
  hvp,
  jacobian,
  jvp,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
  Value,
  valueAndGrad,
  vjp,
} from '../../src/index.js';
import { shapeArb, tensorOf, valuesArb } from '../support/arbitraries.js';
import { testProp } from '../support/property.js';

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const flat = (t: Tensor) => Array.from(t.array.data);

/** ∂f(x)/∂x by central differences, as an [out.size, x.size] table. */
function numericJacobian(f: (x: Tensor) => Tensor, x: Tensor, eps = 1e-6): number[][] {
  const base = flat(x);
  const at = (k: number, d: number) => {
    const moved = base.slice();
    moved[k]! += d;
    return flat(f(fromTypedArray(Float64Array.from(moved), x.shape)));
  };
  const cols = base.map((_, k) => {
    const [hi, lo] = [at(k, eps), at(k, -eps)];
    return hi.map((h, i) => (h - lo[i]!) / (2 * eps));
  });
  const m = cols[0]?.length ?? 0;
  return [...Array(m).keys()].map((i) => cols.map((c) => c[i]!));
}

function expectClose(got: readonly number[], want: readonly number[], tol = 1e-6): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)));
  });
}

const vectorArb = fc
  .integer({ min: 1, max: 5 })
  .chain((n) => valuesArb([n], -2, 2).map((v) => tensorOf([n], v)));
const matrixFor = (m: number, n: number) => valuesArb([m, n], -2, 2).map((v) => tensorOf([m, n], v));

/** A nonlinear map used throughout: softmax(x) ⊙ tanh(x) + Σx². */
const wiggle = (x: Tensor) => x.softmax(-1).mul(x.tanh()).add(x.mul(x).sum());

describe('jacobian', () => {
  testProp([vectorArb.chain((x) => fc.tuple(fc.constant(x), matrixFor(3, x.shape[0]!)))], { numRuns: 20 })(
    'of A·x is A, by either strategy',
    ([x, A]) => {
      for (const strategy of ['reverse', 'forward'] as const) {
        const J = jacobian((v: Tensor) => A.matmul(v), x, { strategy });
        expect(J.shape).toEqual(A.shape);
        expectClose(flat(J), flat(A), 1e-12);
      }
    },
  );

  testProp([shapeArb(2, 3).chain((s) => valuesArb(s, -2, 2).map((v) => tensorOf(s, v)))], { numRuns: 20 })(
    'has shape out.shape ++ in.shape and matches central differences, by either strategy',
    (x) => {
      const f = (v: Tensor) => v.sin().mul(v.exp()).reshape([-1]).softmax(0);
      const want = numericJacobian(f, x).flat();
      for (const strategy of ['reverse', 'forward'] as const) {
        const J = jacobian(f, x, { strategy });
        expect(J.shape).toEqual([sizeOf(x.shape), ...x.shape]);
        expectClose(flat(J), want, 1e-5);
      }
    },
  );

  it('gives a tuple per output and per input for tuples, as PyTorch', () => {
    const [a, b] = [tensor([1, 2]), tensor([3, 4])];
    const J = jacobian((x: Tensor, y: Tensor) => [x.mul(y), x.sum()], [a, b]) as Tensor[][];
    expect(J[0]![0]!.toArray()).toEqual([
      [3, 0],
      [0, 4],
    ]);
    expect(J[0]![1]!.toArray()).toEqual([
      [1, 0],
      [0, 2],
    ]);
    expect(J[1]![0]!.toArray()).toEqual([1, 1]);
    expect(J[1]![1]!.toArray()).toEqual([0, 0]); // unused input: zeros
    const F = jacobian((x: Tensor, y: Tensor) => [x.mul(y), x.sum()], [a, b], {
      strategy: 'forward',
    }) as Tensor[][];
    F.forEach((row, o) => {
      row.forEach((j, i) => {
        expect(j.toArray()).toEqual(J[o]![i]!.toArray());
      });
    });
  });

  it('works on Values: one number', () => {
    const J = jacobian((x: Value) => x.mul(x).tanh(), new Value(0.5));
    expect(J.data).toBeCloseTo(2 * 0.5 * (1 - Math.tanh(0.25) ** 2), 12);
    const Jf = jacobian((x: Value) => x.mul(x).tanh(), new Value(0.5), { strategy: 'forward' });
    expect(Jf.data).toBeCloseTo(J.data, 12);
  });

  it('with createGraph is differentiable again: d/dx Σ J(x) for J of x³ is 6x', () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    for (const strategy of ['reverse', 'forward'] as const) {
      const J = jacobian((v: Tensor) => v.pow(3), x, { createGraph: true, strategy });
      const [g] = grad(J.sum(), [x]);
      expect(g!.toArray()).toEqual([6, -12, 18]);
    }
  });

  it('refuses an unknown strategy', () => {
    expect(() => jacobian((x: Tensor) => x, tensor([1]), { strategy: 'sideways' as 'forward' })).toThrow(
      /strategy/,
    );
  });
});

describe('vjp and jvp', () => {
  testProp(
    [
      fc
        .integer({ min: 1, max: 4 })
        .chain((n) => fc.tuple(valuesArb([n], -2, 2), valuesArb([n], -2, 2), valuesArb([n], -2, 2)))
        .map(([x, u, v]) => [x, u, v].map((d) => tensorOf([d.length], d))),
    ],
    { numRuns: 20 },
  )('vjp is uᵀJ and jvp is J·v, with J from central differences', ([x, u, v]) => {
    const J = numericJacobian(wiggle, x!);
    const [y1, uJ] = vjp(wiggle, x!, u!);
    const [y2, Jv] = jvp(wiggle, x!, v!);
    expectClose(flat(y1 as Tensor), flat(wiggle(x!)), 1e-12);
    expectClose(flat(y2 as Tensor), flat(wiggle(x!)), 1e-12);
    const want1 = J[0]!.map((_, j) => J.reduce((s, row, i) => s + flat(u!)[i]! * row[j]!, 0));
    const want2 = J.map((row) => row.reduce((s, a, j) => s + a * flat(v!)[j]!, 0));
    expectClose(flat(uJ as Tensor), want1, 1e-5);
    expectClose(flat(Jv as Tensor), want2, 1e-5);
  });

  it('takes tuples of inputs, and v may be left out for one-element inputs and outputs', () => {
    const f = (x: Value, y: Value) => x.mul(y).add(x.sin());
    const [out, g] = vjp(f, [new Value(2), new Value(3)]);
    expect((out as Value).data).toBeCloseTo(6 + Math.sin(2), 12);
    expect((g as Value[]).map((v) => v.data)).toEqual([3 + Math.cos(2), 2]);
    const [, t] = jvp((x: Value) => x.exp(), new Value(1));
    expect((t as Value).data).toBeCloseTo(Math.E, 12);
    const [, tt] = jvp(f, [new Value(2), new Value(3)], [new Value(1), new Value(0)]);
    expect((tt as Value).data).toBeCloseTo(3 + Math.cos(2), 12);
  });

  it('leave the inputs alone and return detached outputs', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const [y] = vjp((v: Tensor) => v.mul(2).sum(), x);
    expect(x.grad).toBeNull();
    expect((y as Tensor).requiresGrad).toBe(false);
  });

  it('explain a missing or misshapen v', () => {
    expect(() => vjp((x: Tensor) => x.mul(2), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => jvp((x: Tensor) => x.mul(2), tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      /shape \[3\], expected \[2\]/,
    );
    expect(() => jvp((x: Tensor) => x, [tensor([1])], [])).toThrow(/one per input/);
  });

  it('give zeros for an output that does not depend on the inputs', () => {
    const [, g] = vjp((_x: Tensor) => tensor([5]).sum(), tensor([1, 2]));
    expect((g as Tensor).toArray()).toEqual([0, 0]);
    const [, t] = jvp((_x: Tensor) => tensor([5, 6]), tensor([1]), tensor([1]));
    expect((t as Tensor).toArray()).toEqual([0, 0]);
  });
});

describe('hessian and hvp', () => {
  testProp([vectorArb.chain((x) => fc.tuple(fc.constant(x), matrixFor(x.shape[0]!, x.shape[0]!)))], {
    numRuns: 20,
  })('of xᵀMx is M + Mᵀ; hvp is (M + Mᵀ)·v', ([x, M]) => {
    const f = (v: Tensor) => v.matmul(M.matmul(v));
    const H = hessian(f, x);
    const want = M.add(M.T);
    expect(H.shape).toEqual(M.shape);
    expectClose(flat(H), flat(want), 1e-12);
    const [, hv] = hvp(f, x, x);
    expectClose(flat(hv as Tensor), flat(want.matmul(x)), 1e-12);
  });

  testProp([shapeArb(2, 3).chain((s) => valuesArb(s, 0.2, 2, true).map((v) => tensorOf(s, v)))], {
    numRuns: 15,
  })('matches central differences of the gradient, on random shapes', (x) => {
    const f = (v: Tensor) => v.sin().mul(v.sigmoid()).sum().add(v.pow(2).sum().sqrt());
    const H = hessian(f, x);
    expect(H.shape).toEqual([...x.shape, ...x.shape]);
    const numeric = numericJacobian((v) => gradient(f, v), x).flat();
    expectClose(flat(H), numeric, 1e-5);
  });

  it('takes tuples: H[i][j] blocks, symmetric', () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b).sum().mul(a.sum());
    const [a, b] = [tensor([1, 2]), tensor([3, 5])];
    const H = hessian(f, [a, b]) as Tensor[][];
    // f = (a·b)(Σa): ∂²f/∂aₖ∂aₗ = bₖ + bₗ, ∂²f/∂aₖ∂bₗ = [k = l]·Σa + aₗ, ∂²f/∂b∂b = 0
    expect(H[0]![0]!.toArray()).toEqual([
      [6, 8],
      [8, 10],
    ]);
    expect(H[0]![1]!.toArray()).toEqual([
      [4, 2],
      [1, 5],
    ]);
    expect(H[1]![0]!.toArray()).toEqual([
      [4, 1],
      [2, 5],
    ]);
    expect(H[1]![1]!.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('works on Values', () => {
    expect(hessian((x: Value) => x.pow(3), new Value(2)).data).toBeCloseTo(12, 12);
    const [y, hv] = hvp((x: Value) => x.exp(), new Value(1), new Value(2));
    expect(y.data).toBeCloseTo(Math.E, 12);
    expect((hv as Value).data).toBeCloseTo(2 * Math.E, 12);
  });

  it('refuses a function with a many-element output', () => {
    expect(() => hessian((x: Tensor) => x.mul(x), tensor([1, 2]))).toThrow(/one-element/);
  });

  it("of the lesson's loss with respect to W¹ is the closed form mean ŷ(1 − ŷ)·a·aᵀ", () => {
    const data = loadTwoBlobs().slice(0, 12);
    const { X, y } = asTensors(data);
    const W0 = tensor([
      [0.5, -0.3],
      [0.2, 0.8],
      [-0.1, 0.4],
    ]);
    const W1 = tensor([[0.7], [-0.6], [0.1]]);
    const H = hessian((w1: Tensor) => binaryCrossEntropy(predict(X, W0, w1), y), W1);
    expect(H.shape).toEqual([3, 1, 3, 1]);
    // closed form: a = (σ(h1), σ(h2), 1) per row, ŷ = σ(a·W¹), H = (1/N) Σ ŷ(1 − ŷ) a aᵀ
    const A = noGrad(() => X.matmul(W0).sigmoid());
    const closed = [0, 1, 2].map((i) =>
      [0, 1, 2].map((j) => {
        let s = 0;
        for (let n = 0; n < data.length; n++) {
          const a = [A.array.data[2 * n]!, A.array.data[2 * n + 1]!, 1];
          const yHat = 1 / (1 + Math.exp(-(a[0]! * 0.7 - a[1]! * 0.6 + a[2]! * 0.1)));
          s += yHat * (1 - yHat) * a[i]! * a[j]!;
        }
        return s / data.length;
      }),
    );
    expectClose(flat(H), closed.flat(), 1e-12);
  });
});

describe('createGraph', () => {
  it('jvp: the tangent is differentiable again (reverse over forward): d/dx [3x²·v] = 6x·v', () => {
    const x = tensor([1, -2, 0.5], { requiresGrad: true });
    const [, t] = jvp((v: Tensor) => v.pow(3), x, tensor([1, 1, 2]), { createGraph: true });
    const [g] = grad((t as Tensor).sum(), [x]);
    expect(g!.toArray()).toEqual([6, -12, 6]);
  });

  it('hvp: H·v is differentiable again: for Σx⁴, d/dx Σ(12x²·v) = 24x·v', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const [, hv] = hvp((v: Tensor) => v.pow(4).sum(), x, tensor([1, 0.5]), { createGraph: true });
    expect((hv as Tensor).toArray()).toEqual([12, 24]);
    const [g] = grad((hv as Tensor).sum(), [x]);
    expect(g!.toArray()).toEqual([24, 24]);
  });

  it('hessian with createGraph gives third derivatives: d/dx Σ H(x) for Σx⁴ is 24x', () => {
    const x = tensor([1, -1], { requiresGrad: true });
    const H = hessian((v: Tensor) => v.pow(4).sum(), x, { createGraph: true });
    const [g] = grad(H.sum(), [x]);
    expect(g!.toArray()).toEqual([24, -24]);
  });
});

describe('valueAndGrad', () => {
  it('refuses an argument named twice in argnums (its second gradient came out as zeros)', () => {
    expect(() => valueAndGrad((w: Tensor) => w.sum(), [0, 0])).toThrow(
      'valueAndGrad: argnums [0, 0] names argument 0 twice; list each argument once',
    );
  });

  it('returns the value and the gradient of the chosen arguments', () => {
    const loss = (w: Tensor, x: Tensor) => w.mul(x).sum().tanh();
    const [w, x] = [tensor([0.1, 0.2]), tensor([3, 4])];
    const [value, dw] = valueAndGrad(loss)(w, x);
    const t = Math.tanh(0.3 + 0.8);
    expect(value.item()).toBeCloseTo(t, 12);
    expectClose(flat(dw as Tensor), [3 * (1 - t * t), 4 * (1 - t * t)], 1e-12);
    const [, both] = valueAndGrad(loss, [0, 1])(w, x);
    expectClose(flat((both as Tensor[])[1]!), [0.1 * (1 - t * t), 0.2 * (1 - t * t)], 1e-12);
  });

  it('names a bad argnums and a many-element output', () => {
    expect(() => valueAndGrad((w: Tensor) => w.sum(), 3)(tensor([1]))).toThrow(/argnums 3/);
    expect(() => valueAndGrad((w: Tensor) => w.mul(2))(tensor([1, 2]))).toThrow(/one-element/);
  });

  // Fixed, kept as a regression test: valueAndGrad(f, { argnums: [0, 1] }) (jax-js's form) threw the raw
  // "argnums is not iterable"; it is now read as valueAndGrad(f, [0, 1]).
  it('takes argnums as jax-js does too, { argnums }, and names anything else', () => {
    const loss = (w: Tensor, x: Tensor) => w.mul(x).sum();
    const [w, x] = [tensor([1, 2]), tensor([3, 4])];
    const [, both] = valueAndGrad(loss, { argnums: [0, 1] })(w, x);
    expect((both as Tensor[]).map((g) => g.toArray())).toEqual([
      [3, 4],
      [1, 2],
    ]);
    const [, dx] = valueAndGrad(loss, { argnums: 1 })(w, x);
    expect((dx as Tensor).toArray()).toEqual([1, 2]);
    expect((valueAndGrad(loss, {})(w, x)[1] as Tensor).toArray()).toEqual([3, 4]);
    expect(() => valueAndGrad(loss, '1' as never)).toThrow(
      'valueAndGrad: argnums must be a number, an array of numbers or { argnums } (got a string ("1")); pass e.g. valueAndGrad(f, [0, 1])',
    );
    expect(() => valueAndGrad(loss, { argnums: '1' } as never)).toThrow(
      /^valueAndGrad: option argnums must be a number or an array of numbers \(got a string \("1"\)\)/,
    );
  });
});

function withGrad(v: Tensor): Tensor {
  const c = v.detach();
  c.requiresGrad = true;
  return c;
}

/** ∇f(v) by reverse mode, as a plain tensor. */
function gradient(f: (v: Tensor) => Tensor, v: Tensor): Tensor {
  const x = withGrad(v);
  return grad(f(x), [x])[0]!;
}
