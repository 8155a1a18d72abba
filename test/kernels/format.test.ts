import { describe, expect, test } from 'vitest';
import * as K from '../../src/kernels/index.js';

/** What PyTorch prints for torch.tensor(value) (float64 adds a dtype suffix there, which is the caller's). */
const repr = (value: unknown) => `tensor(${K.formatArray(K.fromNested(value))})`;

describe('formatArray', () => {
  test('integer-valued floats print as `1.`, aligned', () => {
    expect(
      repr([
        [1, 2],
        [3, 4],
      ]),
    ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(repr([0, 0, 0])).toBe('tensor([0., 0., 0.])');
    expect(repr([0, Number.NaN, Number.POSITIVE_INFINITY, -1])).toBe('tensor([ 0., nan, inf, -1.])');
    expect(repr([-0])).toBe('tensor([-0.])');
    expect(repr([10, -200])).toBe('tensor([  10., -200.])');
  });

  test('four decimals for moderate values', () => {
    expect(repr([1.5, 2.25, -3])).toBe('tensor([ 1.5000,  2.2500, -3.0000])');
    expect(repr(3.5)).toBe('tensor(3.5000)');
    expect(repr([0.1, 0.2])).toBe('tensor([0.1000, 0.2000])');
    expect(repr([0.03125, 1])).toBe('tensor([0.0312, 1.0000])'); // a tie rounds to even, as Python does
    expect(repr([0.09375, 1])).toBe('tensor([0.0938, 1.0000])');
  });

  test('scientific notation for a wide range, huge or tiny values', () => {
    expect(repr([1e5, 1, 0.5])).toBe('tensor([1.0000e+05, 1.0000e+00, 5.0000e-01])');
    expect(repr([1e-5, 1])).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(repr([123456789])).toBe('tensor([1.2346e+08])');
    expect(repr([-2.5e-7, 0])).toBe('tensor([-2.5000e-07,  0.0000e+00])');
    expect(repr([1e120, 1])).toBe('tensor([1.0000e+120,  1.0000e+00])');
    expect(repr([1.03125, 1e5])).toBe('tensor([1.0312e+00, 1.0000e+05])'); // a tie, to even
    expect(repr([1.09375, 1e5])).toBe('tensor([1.0938e+00, 1.0000e+05])');
  });

  test('3-d arrays leave a blank line between blocks and indent each level', () => {
    expect(
      repr([
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ]),
    ).toBe('tensor([[[1., 2.],\n         [3., 4.]],\n\n        [[5., 6.],\n         [7., 8.]]])');
  });

  test('long rows wrap at 80 columns', () => {
    expect(`tensor(${K.formatArray(K.arange(0, 30))})`).toBe(
      'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n' +
        '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n' +
        '        28., 29.])',
    );
  });

  test('more than 1000 elements: 3 first and last per axis around ...', () => {
    expect(`tensor(${K.formatArray(K.arange(0, 1200))})`).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.1970e+03, 1.1980e+03,\n        1.1990e+03])',
    );
    const x = K.reshape(K.arange(100, 1200), [100, 11]);
    const lines = `tensor(${K.formatArray(x)})`.split('\n');
    expect(lines[0]).toBe('tensor([[ 100.,  101.,  102.,  ...,  108.,  109.,  110.],');
    expect(lines[3]).toBe('        ...,');
    expect(lines[6]).toBe('        [1189., 1190., 1191.,  ..., 1197., 1198., 1199.]])');
    expect(lines.length).toBe(7);
  });

  test('indent aligns rows under the first; empty and float32 arrays', () => {
    const x = K.fromNested([
      [1, 2],
      [3, 4],
    ]);
    expect(K.formatArray(x, 0)).toBe('[[1., 2.],\n [3., 4.]]');
    expect(K.formatArray(K.fromNested([]))).toBe('[]');
    expect(K.formatArray(K.fromNested([0.1], 'tensor', 'float32'))).toBe('[0.1000]');
  });
});
