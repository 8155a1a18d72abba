/** @file Elementwise Tensor ops (add sub mul div pow maximum minimum, neg exp log sqrt abs tanh sigmoid relu) against naive loops, with broadcasting, and their gradients. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, div, grad, maximum, minimum, mul, pow, sub, type Tensor, tensor } from '../../src/index.js';
import { BINARY_REFERENCE } from '../support/reference.js';
import {
  arbBroadcastPair,
  arbSeed,
  arbShape,
  broadcast,
  expectTensor,
  flat,
  readIndex,
  rt,
  sizeOf,
  testProp,
  unravel,
  zipWith,
} from './naive.js';

const RUNS = { numRuns: 40 };

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
const BINARY_NAMES: BinaryName[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];
const REF: Record<BinaryName, (x: number, y: number) => number> = BINARY_REFERENCE;
const METHOD: Record<BinaryName, (a: Tensor, b: Tensor | number) => Tensor> = {
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
  pow: (a, b) => a.pow(b),
  maximum: (a, b) => a.maximum(b),
  minimum: (a, b) => a.minimum(b),
};
const FN: Record<BinaryName, (a: Tensor | number, b: Tensor | number) => Tensor> = {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
};

/** Values each op is defined on without NaN: positive bases for pow, positive divisors for div. */
const leftKind = (op: BinaryName) => (op === 'pow' ? 'positive' : 'reals');
const rightKind = (op: BinaryName) => (op === 'div' ? 'positive' : 'reals');

describe('elementwise with broadcasting', () => {
  testProp([arbBroadcastPair(), arbSeed, fc.constantFrom(...BINARY_NAMES), fc.boolean()], RUNS)(
    'tensor op tensor, as a method and as a free function, equals the naive broadcast loop',
    ([sa, sb], seed, op, asFn) => {
      const a = rt(sa, seed, leftKind(op));
      const b = rt(sb, seed + 1, rightKind(op));
      const out = asFn ? FN[op](a, b) : METHOD[op](a, b);
      const ref = zipWith(flat(a), sa, flat(b), sb, REF[op]);
      expectTensor(out, ref.shape, ref.data);
    },
  );

  testProp(
    [
      arbShape(),
      arbSeed,
      fc.constantFrom(...BINARY_NAMES),
      fc.double({ min: 0.25, max: 3, noNaN: true }),
      fc.boolean(),
    ],
    RUNS,
  )('a plain number on either side broadcasts as a 0-d tensor', (s, seed, op, mag, negative) => {
    const n = op === 'pow' || op === 'div' || !negative ? mag : -mag;
    const t = rt(s, seed, op === 'pow' ? 'positive' : 'reals');
    const data = flat(t);
    expectTensor(
      METHOD[op](t, n),
      s,
      data.map((x) => REF[op](x, n)),
    );
    expectTensor(
      FN[op](t, n),
      s,
      data.map((x) => REF[op](x, n)),
    );
    expectTensor(
      FN[op](n, t),
      s,
      data.map((x) => REF[op](n, x)),
    );
  });

  const UNARY: Record<string, [(t: Tensor) => Tensor, (x: number) => number]> = {
    neg: [(t) => t.neg(), (x) => -x],
    exp: [(t) => t.exp(), Math.exp],
    log: [(t) => t.log(), Math.log],
    sqrt: [(t) => t.sqrt(), Math.sqrt],
    abs: [(t) => t.abs(), Math.abs],
    tanh: [(t) => t.tanh(), Math.tanh],
    sigmoid: [(t) => t.sigmoid(), (x) => 1 / (1 + Math.exp(-x))],
    relu: [(t) => t.relu(), (x) => Math.max(x, 0)],
  };
  testProp([arbShape(), arbSeed, fc.constantFrom(...Object.keys(UNARY))], RUNS)(
    'unary ops equal Math on every element (NaN outside the domain, as torch)',
    (s, seed, name) => {
      const t = rt(s, seed);
      const [f, ref] = UNARY[name]!;
      expectTensor(f(t), s, flat(t).map(ref));
    },
  );

  testProp([arbBroadcastPair(), arbSeed], RUNS)(
    'gradients of a broadcast product are summed back to each input shape',
    ([sa, sb], seed) => {
      const x = rt(sa, seed, 'reals', true);
      const y = rt(sb, seed + 1, 'reals', true);
      const so = broadcast(sa, sb);
      const w = rt(so, seed + 2);
      x.mul(y).mul(w).sum().backward();
      const gx = new Array<number>(sizeOf(sa)).fill(0);
      const gy = new Array<number>(sizeOf(sb)).fill(0);
      const [xd, yd, wd] = [flat(x), flat(y), flat(w)];
      for (let j = 0; j < sizeOf(so); j++) {
        const idx = unravel(j, so);
        const [ix, iy] = [readIndex(idx, sa), readIndex(idx, sb)];
        gx[ix]! += yd[iy]! * wd[j]!;
        gy[iy]! += xd[ix]! * wd[j]!;
      }
      expectTensor(x.grad!, sa, gx, 1e-11);
      expectTensor(y.grad!, sb, gy, 1e-11);
    },
  );

  // Fixed, kept as a regression test: div is computed as x · (1/y) (backends.ts: mul by a reciprocal, or by pow(y, -1)), not as an IEEE
  // division: tensor([3]).div(5) is 0.6000000000000001 and div(3, tensor([5])) too; torch's 3 / 5 is exactly 0.6.
  it('div is correctly rounded, as torch: 3 / 5 is exactly 0.6', () => {
    expect(tensor([3]).div(5).item()).toBe(0.6);
    expect(
      tensor([3])
        .div(tensor([5]))
        .item(),
    ).toBe(0.6);
    expect(div(3, tensor([10])).item()).toBe(0.3);
  });

  // Fixed, kept as a regression test: the reciprocal of a subnormal divisor overflows: tensor([1e-300]).div(1e-310) is Infinity (torch: 1e10),
  // and tensor([0]).div(tensor([-5e-324])) is NaN (torch: -0).
  it('division by a subnormal number does not overflow', () => {
    expect(tensor([1e-300]).div(1e-310).item()).toBeCloseTo(1e10, -1);
    expect(
      Number.isNaN(
        tensor([0])
          .div(tensor([-5e-324]))
          .item(),
      ),
    ).toBe(false);
  });

  it('relu and abs take gradient 0 at the kink, as torch', () => {
    const x = tensor([-1, 0, 2], { requiresGrad: true });
    x.relu().add(x.abs()).sum().backward();
    expect(x.grad!.toArray()).toEqual([-1, 0, 2]);
  });

  it('sqrt at 0 has an infinite derivative, as torch', () => {
    const x = tensor([0, 4], { requiresGrad: true });
    x.sqrt().sum().backward();
    expect(x.grad!.toArray()).toEqual([Number.POSITIVE_INFINITY, 0.25]);
  });

  // Fixed, kept as a regression test: d/dx x^0 at x = 0 is 0·0^(-1) = NaN in chainrule; torch's pow_backward returns 0 where the exponent is 0.
  it('x.pow(0) has gradient 0 at x = 0, as torch', () => {
    const x = tensor([0, 3], { requiresGrad: true });
    x.pow(0).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0]);
  });

  // Fixed, kept as a regression test: d/dy x^y at x = 0, y ≥ 0 is 0·log 0 = NaN in chainrule; torch's pow_backward_exponent masks it to 0.
  it('the exponent gradient of x^y is 0 where x = 0 and y ≥ 0, as torch', () => {
    const x = tensor([0, 2]);
    const y = tensor([2, 2], { requiresGrad: true });
    x.pow(y).sum().backward();
    expect((y.grad!.toArray() as number[])[0]).toBe(0);
    expect((y.grad!.toArray() as number[])[1]).toBeCloseTo(4 * Math.log(2), 12);
  });
});

const [I, N] = [Number.POSITIVE_INFINITY, Number.NaN];

/** Each element of `got` is the wanted one, by Object.is: NaN equals NaN, and 0 is not −0. */
function expectBits(got: Tensor, want: readonly number[], what: string): void {
  const data = Array.from(got.array.data);
  expect(
    data.map((v, i) => Object.is(v, want[i]) || `${i}: ${v}, want ${want[i]}`),
    what,
  ).toEqual(want.map(() => true));
}

/** x^y with its gradients, first and second order (the Hessian of each element, whose four entries). */
function powDerivatives(xs: readonly number[], ys: readonly number[], dtype: 'float64' | 'float32') {
  const x = tensor([...xs], { dtype, requiresGrad: true });
  const y = tensor([...ys], { dtype, requiresGrad: true });
  const z = x.pow(y);
  const [gx, gy] = grad(z.sum(), [x, y], { createGraph: true });
  const [hxx, hxy] = grad(gx!.sum(), [x, y]);
  const [hyx, hyy] = grad(gy!.sum(), [x, y]);
  return { z, gx: gx!, gy: gy!, hxx: hxx!, hxy: hxy!, hyx: hyx!, hyy: hyy! };
}

describe('pow at the points where JavaScript’s ** is not C’s pow, and where its rule masks', () => {
  // Fixed, kept as a regression test: x ** y is NaN at 1^NaN, 1^±∞ and (−1)^±∞ (ECMAScript), so pow and
  // both its gradients were NaN there; torch (C's pow) gives 1, and y·x^(y−1), x^y·ln x from it.
  // Torch 1.13: x, y with requires_grad, z = x.pow(y), then autograd.grad of z.sum() and of each gradient's sum.
  const xs = [1, 1, 1, -1, -1, -1, 2, 0.5, -2];
  const ys = [N, I, -I, I, -I, N, 3, -I, I];
  const TORCH = {
    float64: { gy: 5.545177444479562, hxy: 12.317766166719343, hyy: 3.843624111345611 },
    float32: { gy: 5.545177459716797, hxy: 12.317766189575195, hyy: 3.8436241149902344 },
  };
  for (const dtype of ['float64', 'float32'] as const) {
    it(`gives torch's values and derivatives, first and second order, bit for bit (${dtype})`, () => {
      const d = powDerivatives(xs, ys, dtype);
      const t = TORCH[dtype];
      expectBits(d.z, [1, 1, 1, 1, 1, N, 8, I, I], 'x^y');
      expectBits(d.gx, [N, I, -I, I, -I, N, 12, -I, I], '∂/∂x');
      expectBits(d.gy, [0, 0, 0, N, N, N, t.gy, -I, N], '∂/∂y');
      expectBits(d.hxx, [N, I, I, I, I, N, 12, I, I], '∂²/∂x²');
      expectBits(d.hxy, [N, N, N, N, N, N, t.hxy, I, N], '∂²/∂x∂y');
      expectBits(d.hyx, [N, N, N, N, N, N, t.hxy, I, N], '∂²/∂y∂x');
      expectBits(d.hyy, [0, 0, 0, N, N, N, t.hyy, I, N], '∂²/∂y²');
    });

    it(`x.pow(±∞) at ±1 and pow(1, y) at y = ±∞, NaN are 1, with torch's gradients (${dtype})`, () => {
      for (const [e, want, gx, hxx] of [
        [I, [1, 1, 0, I, 0], [I, I, N, I, N], [I, I, N, I, N]],
        [-I, [1, 1, I, 0, I], [-I, -I, -I, N, -I], [I, I, I, N, I]],
      ] as const) {
        const x = tensor([1, -1, 0, 2, 0.5], { dtype, requiresGrad: true });
        const z = x.pow(e);
        const [g] = grad(z.sum(), [x], { createGraph: true });
        expectBits(z, want, `x.pow(${e})`);
        expectBits(g!, gx, `∂/∂x x.pow(${e})`);
        expectBits(grad(g!.sum(), [x])[0]!, hxx, `∂²/∂x² x.pow(${e})`);
      }
      const y = tensor([I, -I, N, 2], { dtype, requiresGrad: true });
      const z = pow(1, y);
      const [g] = grad(z.sum(), [y], { createGraph: true });
      expectBits(z, [1, 1, 1, 1], 'pow(1, y)');
      expectBits(g!, [0, 0, 0, 0], '∂/∂y pow(1, y)');
      expectBits(grad(g!.sum(), [y])[0]!, [0, 0, 0, 0], '∂²/∂y² pow(1, y)');
    });

    // Fixed, kept as a regression test: the rule where(y = 0, 0, y·x^(y−1)) was differentiated through the
    // branch it discards, whose derivative y·(y−1)·x^(y−2) is 0·∞ at x = 0 (or tiny x, or NaN): x.pow(0)'s
    // second derivative was NaN there. Its first derivative is a constant 0 (torch's, for a number exponent).
    it(`x.pow(0) has second (and third) derivative 0 at x = 0, −0, tiny x and NaN x (${dtype})`, () => {
      const x = tensor([0, -0, 1e-300, 5e-324, N, 2, -3], { dtype, requiresGrad: true });
      for (const exponent of [0, tensor([0], { dtype })]) {
        const [g] = grad(x.pow(exponent).sum(), [x], { createGraph: true });
        expectBits(g!, [0, 0, 0, 0, 0, 0, 0], '∂/∂x');
        const [h] = grad(g!.sum(), [x], { createGraph: true });
        expectBits(h!, [0, 0, 0, 0, 0, 0, 0], '∂²/∂x²');
        expectBits(grad(h!.sum(), [x])[0]!, [0, 0, 0, 0, 0, 0, 0], '∂³/∂x³');
      }
    });

    // Fixed, kept as a regression test: the exponent's rule where(x = 0 ∧ y ≥ 0, 0, x^y·ln x) had the same trap
    // (0·ln 0 and 0/0 in its derivative). At x = 0, y > 0, x^y = 0 for every y, so ∂²/∂y² = 0; ∂/∂x(x²·ln x)
    // = 2x·ln x + x = 0 at x = 0. Torch gives NaN at these (the same trap in pow_backward_exponent); the
    // other entries are torch's. At y = 0.5, ∂/∂x(√x·ln x) → −∞: NaN, as torch.
    it(`the exponent's gradient has the derivatives of x^y·ln x at x = 0, not NaN (${dtype})`, () => {
      const d = powDerivatives([0, 0, 0, 0, -0, 3], [0, 0.5, 2, -1, 2, 0], dtype);
      expectBits(d.z, [1, 0, 0, I, 0, 1], 'x^y');
      expectBits(d.gx, [0, I, 0, -I, -0, 0], '∂/∂x');
      expectBits(d.gy.detach().slice(0, 0, 5), [0, 0, 0, -I, 0], '∂/∂y');
      expectBits(d.hxx, [0, -I, 2, I, 2, 0], '∂²/∂x²');
      expectBits(d.hxy, [0, N, 0, I, 0, 0], '∂²/∂x∂y');
      expectBits(d.hyx.detach().slice(0, 0, 5), [0, N, 0, I, 0], '∂²/∂y∂x');
      expectBits(d.hyy.detach().slice(0, 0, 5), [0, 0, 0, I, 0], '∂²/∂y²');
    });
  }
});
