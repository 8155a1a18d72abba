import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { allAxes, keepdimShape, normalizeAxes, normalizeAxis, squeezeAxes } from '../../src/kernels/axes.js';
import { testProp } from './helpers.js';

describe('normalizeAxis', () => {
  testProp([
    fc
      .integer({ min: 1, max: 6 })
      .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: -n, max: n - 1 }))),
  ])('maps -ndim..ndim-1 onto 0..ndim-1, negatives from the end', ([ndim, axis]) => {
    const a = normalizeAxis(axis, ndim, 'sum');
    expect(a).toBe(axis < 0 ? axis + ndim : axis);
    expect(a >= 0 && a < ndim).toBe(true);
  });

  test('out of range names the op, axis, rank and valid range', () => {
    expect(() => normalizeAxis(3, 2, 'sum')).toThrow(
      new RangeError(
        'sum: axis 3 is out of range for a tensor of rank 2 (valid: -2..1); pass an axis in that range',
      ),
    );
    expect(() => normalizeAxis(-3, 2, 'max')).toThrow('max: axis -3 is out of range for a tensor of rank 2');
    expect(() => normalizeAxis(0, 0, 'sum')).toThrow('a 0-d tensor has no axes');
    expect(() => normalizeAxis(0.5, 2, 'sum')).toThrow(TypeError);
  });
});

describe('normalizeAxes', () => {
  test('undefined means every axis; a list is normalized and sorted', () => {
    expect(normalizeAxes(undefined, 3, 'sum')).toEqual([0, 1, 2]);
    expect(normalizeAxes(undefined, 0, 'sum')).toEqual([]);
    expect(normalizeAxes(-1, 3, 'sum')).toEqual([2]);
    expect(normalizeAxes([-1, 0], 3, 'sum')).toEqual([0, 2]);
    expect(normalizeAxes([], 3, 'sum')).toEqual([]);
  });

  test('an axis named twice is a RangeError, also as 1 and -1', () => {
    expect(() => normalizeAxes([1, -1], 2, 'sum')).toThrow(
      new RangeError('sum: axis 1 appears more than once in [1, -1] (rank 2); name each axis once'),
    );
    expect(() => normalizeAxes([0, 5], 2, 'sum')).toThrow(RangeError);
  });
});

describe('keepdimShape and squeezeAxes', () => {
  testProp([
    fc
      .array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 })
      .chain((s) => fc.tuple(fc.constant(s), fc.subarray(s.map((_, i) => i)))),
  ])('set reduced axes to 1, or remove them', ([shape, axes]) => {
    const kept = keepdimShape(shape, axes);
    const squeezed = squeezeAxes(shape, axes);
    expect(kept.length).toBe(shape.length);
    expect(squeezed.length).toBe(shape.length - axes.length);
    for (let i = 0, j = 0; i < shape.length; i++) {
      if (axes.includes(i)) expect(kept[i]).toBe(1);
      else {
        expect(kept[i]).toBe(shape[i]);
        expect(squeezed[j++]).toBe(shape[i]);
      }
    }
  });

  test('examples', () => {
    expect(keepdimShape([2, 3, 4], [1])).toEqual([2, 1, 4]);
    expect(squeezeAxes([2, 1, 4], [1])).toEqual([2, 4]);
    expect(squeezeAxes([2, 3], [0, 1])).toEqual([]);
  });
});

test('allAxes lists every axis in order, none for a 0-d array', () => {
  expect(allAxes(0)).toEqual([]);
  expect(allAxes(3)).toEqual([0, 1, 2]);
  expect(normalizeAxes(undefined, 4, 'sum')).toEqual([0, 1, 2, 3]);
});
