/** @file Elementwise Tensor ops (add sub mul div pow maximum minimum, neg exp log sqrt abs tanh sigmoid relu) against naive loops, with broadcasting, and their gradients. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, div, maximum, minimum, mul, pow, sub, type Tensor, tensor } from '../../src/index.js';
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
