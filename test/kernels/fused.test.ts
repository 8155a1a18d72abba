import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as K from '../../src/kernels/index.js';
import { arbBroadcastPair, arbDType, arbShape, testProp } from './helpers.js';

const { NDArray } = K;

/** What each rule computed before it was fused: the same kernels, one call per step. */
const COMPOSED: Record<K.FusedName, (dy: K.ArrayOrNumber, y: K.NDArray) => K.NDArray> = {
  sigmoidBackward: (dy, y) => K.mul(dy, K.mul(y, K.add(1, K.neg(y)))),
  tanhBackward: (dy, y) => K.mul(dy, K.add(1, K.neg(K.mul(y, y)))),
  reluBackward: (dy, y) => K.mul(dy, K.gt(y, 0)),
};
const FUSED: Record<K.FusedName, (dy: K.ArrayOrNumber, y: K.ArrayOrNumber) => K.NDArray> = {
  sigmoidBackward: K.sigmoidBackward,
  tanhBackward: K.tanhBackward,
  reluBackward: K.reluBackward,
};
const NAMES = Object.keys(FUSED) as K.FusedName[];

/** Any double, with the values a rule meets at its edges (±0, ±1, ±∞, NaN, outputs near 0 and 1) drawn often. */
const number = fc.oneof(
  fc.double(),
  fc.double({ min: -1.5, max: 1.5, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e-12, 1 - 2 ** -40, Number.NaN, Infinity, -Infinity),
);

/** An array of `shape` and `dtype` holding `values` (rounded to float32 on the way in when it is). */
function arrayOf(shape: readonly number[], dtype: K.DType, values: readonly number[]): K.NDArray {
  const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return new NDArray(data, shape.slice());
}

/** Bit for bit: Object.is per element (−0 is not 0; NaN is NaN), and the same shape and dtype. */
function expectIdentical(got: K.NDArray, want: K.NDArray): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  for (let i = 0; i < want.size; i++) {
    if (!Object.is(got.data[i], want.data[i])) {
      throw new Error(`element ${i}: fused ${got.data[i]} vs composed ${want.data[i]}`);
    }
  }
}

const arbSameShapeCase = arbShape(3).chain((shape) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = fc.array(number, { minLength: n, maxLength: n });
  return fc.tuple(fc.constant(shape), values, values, arbDType, arbDType);
});

describe('fused backward kernels', () => {
  testProp([arbSameShapeCase])(
    'equal the composed kernels bit for bit, in every dtype pairing',
    ([shape, dyValues, yValues, dyType, yType]) => {
      const dy = arrayOf(shape, dyType, dyValues);
      const y = arrayOf(shape, yType, yValues);
      const before = [Array.from(dy.data), Array.from(y.data)];
      for (const name of NAMES) expectIdentical(FUSED[name](dy, y), COMPOSED[name](dy, y));
      expect([Array.from(dy.data), Array.from(y.data)]).toEqual(before); // inputs are never mutated
    },
  );

  testProp([arbBroadcastPair(3), fc.integer({ min: 0, max: 2 ** 31 - 1 }), arbDType])(
    'take broadcast operands and plain numbers through the composed kernels',
    ([s, t], seed, dtype) => {
      const values = (n: number, k: number) =>
        Array.from({ length: n }, (_, i) => Math.sin(seed + 7 * i + k));
      const dy = arrayOf(
        s,
        dtype,
        values(
          s.reduce((a, b) => a * b, 1),
          1,
        ),
      );
      const y = arrayOf(
        t,
        dtype,
        values(
          t.reduce((a, b) => a * b, 1),
          2,
        ),
      );
      for (const name of NAMES) {
        expectIdentical(FUSED[name](dy, y), COMPOSED[name](dy, y));
        expectIdentical(FUSED[name](0.25, y), COMPOSED[name](0.25, y));
        expectIdentical(FUSED[name](dy, 0.75), COMPOSED[name](dy, new NDArray(Float64Array.of(0.75), [])));
      }
    },
  );

  test('the derivatives at known points', () => {
    const dy = new NDArray(Float64Array.of(2, 2, 2, -3), [2, 2]);
    const y = new NDArray(Float64Array.of(0.5, 0, 1, 0.25), [2, 2]);
    expect(Array.from(K.sigmoidBackward(dy, y).data)).toEqual([0.5, 0, 0, -0.5625]);
    expect(Array.from(K.tanhBackward(dy, y).data)).toEqual([1.5, 2, 0, -2.8125]);
    expect(Array.from(K.reluBackward(dy, y).data)).toEqual([2, 0, 2, -3]);
    expect(K.sigmoidBackward(dy, y).shape).toEqual([2, 2]);
  });

  test('an empty array gives an empty result of its shape', () => {
    const e = new NDArray(new Float32Array(0), [0, 3]);
    for (const name of NAMES) {
      const out = FUSED[name](e, e);
      expect(out.shape).toEqual([0, 3]);
      expect(out.dtype).toBe('float32');
    }
  });
});
