import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as K from '../../src/kernels/index.js';
import { arbSeed, arbShape, randomArray, testProp } from './helpers.js';

describe('fromNested and toNested', () => {
  testProp([arbShape(4, [0, 1, 2, 3, 7]), arbSeed])('round-trip through nested arrays', (shape, seed) => {
    fc.pre(shape.slice(0, -1).every((d) => d > 0)); // [] cannot say that it came from [0, 0]
    const x = randomArray(shape, seed);
    const nested = K.toNested(x);
    const y = K.fromNested(nested);
    expect(y.shape).toEqual(shape);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(K.toNested(y)).toEqual(nested);
  });

  test('examples', () => {
    const x = K.fromNested([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe('float64');
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(K.toNested(x)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(K.fromNested(2.5).shape).toEqual([]);
    expect(K.toNested(K.fromNested(2.5))).toBe(2.5);
    expect(K.fromNested([]).shape).toEqual([0]);
    expect(K.fromNested([[], []]).shape).toEqual([2, 0]);
    expect(K.toNested(K.fromNested([[], []]))).toEqual([[], []]);
    expect(K.fromNested([1, 2], 'tensor', 'float32').dtype).toBe('float32');
  });

  test('typed arrays at the innermost level, and NaN / Infinity kept', () => {
    const x = K.fromNested([Float32Array.of(1, 2), [3, Number.NaN]]);
    expect(x.shape).toEqual([2, 2]);
    expect(Array.from(x.data)).toEqual([1, 2, 3, Number.NaN]);
    expect(Array.from(K.fromNested(Float64Array.of(Number.POSITIVE_INFINITY, -1)).data)).toEqual([
      Number.POSITIVE_INFINITY,
      -1,
    ]);
  });

  test('ragged input says where', () => {
    expect(() =>
      K.fromNested([
        [1, 2, 3],
        [4, 5],
      ]),
    ).toThrow(
      new TypeError(
        'tensor: ragged nested array at [1]: expected length 3, got length 2; every row must have the same length',
      ),
    );
    expect(() =>
      K.fromNested(
        [
          [[1], [2]],
          [[3], [4, 5]],
        ],
        'param',
      ),
    ).toThrow(/^param: ragged nested array at \[1, 1\]: expected length 1, got length 2/);
    expect(() => K.fromNested([[1, 2], 3])).toThrow(
      'tensor: ragged nested array at [1]: expected length 2, got a number (3)',
    );
    expect(() => K.fromNested([1, [2]])).toThrow(
      'tensor: element at [1] is an array of length 1, expected a number; every row must have the same depth',
    );
  });

  test('non-numbers name the path and the value', () => {
    expect(() => K.fromNested([[1, 2, 'a']])).toThrow(
      new TypeError('tensor: element at [0, 2] is a string ("a"), expected a number; pass numbers only'),
    );
    expect(() => K.fromNested([null])).toThrow('tensor: element at [0] is null, expected a number');
    expect(() => K.fromNested([true])).toThrow(
      'tensor: element at [0] is a boolean (true), expected a number',
    );
    expect(() => K.fromNested('x')).toThrow(
      'tensor: data is a string ("x"), expected a number or nested arrays of numbers',
    );
    expect(() => K.fromNested([BigInt64Array.of(1n)])).toThrow(TypeError);
  });

  test('nesting as deep as PyTorch allows (64) works; deeper, or an array that contains itself, is refused', () => {
    let v: K.Nested = 7;
    for (let i = 0; i < 64; i++) v = [v];
    const x = K.fromNested(v);
    expect(x.ndim).toBe(64);
    expect(x.data[0]).toBe(7);
    let back = K.toNested(x);
    for (let i = 0; i < 64; i++) back = (back as K.Nested[])[0]!;
    expect(back).toBe(7);
    expect(() => K.fromNested([v])).toThrow(/tensor: data nests deeper than 64 levels/);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => K.fromNested(cyclic)).toThrow(TypeError);
  });
});
