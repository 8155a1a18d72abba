import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as K from '../../src/kernels/index.js';
import { arbShape, size, testProp } from './helpers.js';

describe('NDArray and its helpers', () => {
  testProp([arbShape(5, [0, 1, 2, 3, 7])])(
    'sizeOf, stridesOf and padShape agree with the definitions',
    (shape) => {
      expect(K.sizeOf(shape)).toBe(size(shape));
      const strides = K.stridesOf(shape);
      for (let d = 0; d < shape.length; d++) expect(strides[d]).toBe(size(shape.slice(d + 1)));
      const padded = K.padShape(shape, shape.length + 2);
      expect(padded).toEqual([1, 1, ...shape]);
      expect(K.checkShape(shape, 'test')).toEqual(shape);
    },
  );

  test('dtype follows the typed array, and resultDType promotes like PyTorch', () => {
    const f32 = new K.NDArray(new Float32Array(2), [2]);
    const f64 = new K.NDArray(new Float64Array(2), [2]);
    expect(f32.dtype).toBe('float32');
    expect(f64.ndim).toBe(1);
    expect(K.resultDType(f32, f32)).toBe('float32');
    expect(K.resultDType(f32, 2)).toBe('float32');
    expect(K.resultDType(f32, f64)).toBe('float64');
    expect(K.resultDType(1, 2)).toBe('float64');
    expect(K.alloc('float32', 3)).toBeInstanceOf(Float32Array);
    expect(K.sameShape([2, 3], [2, 3])).toBe(true);
    expect(K.sameShape([2, 3], [3, 2])).toBe(false);
  });

  testProp([fc.constantFrom(-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY)])(
    'checkShape rejects bad sizes',
    (bad) => {
      expect(() => K.checkShape([2, bad], 'zeros')).toThrow(RangeError);
      expect(() => K.checkShape([2, bad], 'zeros')).toThrow(`zeros: size ${bad} at axis 1`);
    },
  );

  test('index exports every kernel', () => {
    for (const name of [
      'add',
      'matmul',
      'sumTo',
      'fromNested',
      'formatArray',
      'Rng',
      'cat',
      'normalizeAxes',
    ]) {
      expect(typeof (K as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
