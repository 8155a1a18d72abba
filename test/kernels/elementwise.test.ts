import { describe, expect, test } from 'vitest';
import * as K from '../../src/kernels/index.js';
import { arbDType, arbSeed, arbShape, expectClose, expectSame, randomArray, testProp } from './helpers.js';

const { NDArray } = K;

// exp and log are the kernels' own (fast-math.ts, within 1 ulp of Math.exp/Math.log: fast-math.test.ts).
const REFERENCE: Record<K.UnaryName, (v: number) => number> = {
  exp: K.expOf,
  log: K.logOf,
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  relu: (v) => (v > 0 ? v : Number.isNaN(v) ? v : 0),
  abs: Math.abs,
  sqrt: Math.sqrt,
  neg: (v) => -v,
  sign: (v) => (v > 0 ? 1 : v < 0 ? -1 : Number.isNaN(v) ? v : 0),
  sin: Math.sin,
  cos: Math.cos,
  log1p: Math.log1p,
  expm1: Math.expm1,
  softplus: (v) => (v > 30 ? v : Math.log1p(Math.exp(v))),
};
const KERNEL: Record<K.UnaryName, (x: K.NDArray) => K.NDArray> = {
  exp: K.exp,
  log: K.log,
  tanh: K.tanh,
  sigmoid: K.sigmoid,
  relu: K.relu,
  abs: K.abs,
  sqrt: K.sqrt,
  neg: K.neg,
  sign: K.sign,
  sin: K.sin,
  cos: K.cos,
  log1p: K.log1p,
  expm1: K.expm1,
  softplus: K.softplus,
};
const NAMES = Object.keys(KERNEL) as K.UnaryName[];

describe('unary kernels', () => {
  testProp([arbShape(3), arbSeed, arbDType])(
    'each matches Math elementwise, keeping shape and dtype',
    (shape, seed, dtype) => {
      const x = randomArray(shape, seed, dtype);
      const before = Array.from(x.data);
      for (const name of NAMES) {
        const out = KERNEL[name](x);
        expect(out.shape).toEqual(x.shape);
        expect(out.dtype).toBe(dtype);
        expect(out.data).not.toBe(x.data);
        const f = REFERENCE[name];
        const expected = dtype === 'float32' ? Float32Array.from(x.data, f) : Float64Array.from(x.data, f);
        if (name === 'sigmoid' || name === 'softplus') expectClose(out.data, expected, 1e-6);
        else expectSame(out.data, expected);
      }
      expectSame(x.data, before); // inputs are never mutated
    },
  );

  test('special values', () => {
    const x = new NDArray(
      Float64Array.of(-0, 0, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
      [5],
    );
    expect(Array.from(K.sign(x).data)).toEqual([0, 0, Number.NaN, -1, 1]);
    expect(Object.is(K.sign(x).data[0], 0)).toBe(true);
    expect(Array.from(K.relu(x).data)).toEqual([0, 0, Number.NaN, 0, Number.POSITIVE_INFINITY]);
    expect(Object.is(K.relu(x).data[0], 0)).toBe(true);
    expect(Array.from(K.sigmoid(x).data)).toEqual([0.5, 0.5, Number.NaN, 0, 1]);
  });

  test('sigmoid is stable for large |x|', () => {
    const x = new NDArray(Float64Array.of(-800, -40, 40, 800), [4]);
    const y = K.sigmoid(x).data;
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(Math.exp(-40), 30);
    expect(y[1]! > 0).toBe(true);
    expect(y[2]).toBe(1);
    expect(y[3]).toBe(1);
  });

  test('0-d arrays stay 0-d', () => {
    const y = K.exp(new NDArray(Float64Array.of(1), []));
    expect(y.shape).toEqual([]);
    expect(y.data[0]).toBeCloseTo(Math.E, 15);
  });

  test('softplus does not overflow where log(1 + eˣ) would, nor cancel where eˣ is tiny', () => {
    const out = K.softplus(new NDArray(Float64Array.of(-700, 0, 800), [3])).data;
    expect(Array.from(out)).toEqual([Math.log1p(Math.exp(-700)), Math.LN2, 800]);
  });
});
