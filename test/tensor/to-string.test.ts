/** @file Tensor.toString, as PyTorch prints tensors (requiresGrad / gradFn / dtype adapted). */

import { describe, expect, it } from 'vitest';
import { arange, type Tensor, tensor, zeros } from '../../src/index.js';

const _RUNS = { numRuns: 40 };

describe('toString, as PyTorch prints (requiresGrad / gradFn / dtype adapted)', () => {
  const cases: [string, () => Tensor, string][] = [
    [
      'integers, 2-D, leaf with requiresGrad',
      () =>
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { requiresGrad: true },
        ),
      'tensor([[1., 2.],\n        [3., 4.]], requiresGrad=true)',
    ],
    ['0-d float', () => tensor(3.5), 'tensor(3.5000)'],
    ['0-d integer', () => tensor(3), 'tensor(3.)'],
    ['signed, aligned', () => tensor([1, 2.5, -3]), 'tensor([ 1.0000,  2.5000, -3.0000])'],
    ['wide range: scientific', () => tensor([1e-5, 1, 1000]), 'tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])'],
    ['-0 keeps its sign', () => tensor([-0, 1]), 'tensor([-0., 1.])'],
    [
      'nan and inf',
      () => tensor([Number.NaN, 1.5, Number.POSITIVE_INFINITY]),
      'tensor([   nan, 1.5000,    inf])',
    ],
    [
      'integers of different widths',
      () =>
        tensor([
          [1, -20],
          [300, 4],
        ]),
      'tensor([[  1., -20.],\n        [300.,   4.]])',
    ],
    ['float32', () => tensor([1, 2], { dtype: 'float32' }), 'tensor([1., 2.], dtype=float32)'],
    [
      'float32 leaf with requiresGrad',
      () => tensor([1.5], { dtype: 'float32', requiresGrad: true }),
      'tensor([1.5000], dtype=float32, requiresGrad=true)',
    ],
    ['gradFn', () => tensor([1, 2], { requiresGrad: true }).mul(2), 'tensor([2., 4.], gradFn=<mul>)'],
    [
      '3-D: a blank line between blocks',
      () => arange(1, 9).reshape([2, 2, 2]),
      'tensor([[[1., 2.],\n         [3., 4.]],\n\n        [[5., 6.],\n         [7., 8.]]])',
    ],
    [
      'a long row wraps at 80 columns',
      () => arange(30),
      'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n' +
        '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n' +
        '        28., 29.])',
    ],
    [
      'over 1000 elements: summarized',
      () => arange(2000),
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
    ],
    ['empty 1-D', () => zeros([0]), 'tensor([])'],
  ];
  for (const [name, make, want] of cases) {
    it(name, () => {
      expect(make().toString()).toBe(want);
    });
  }

  // Fixed, kept as a regression test: torch prints the size of an empty tensor that is not 1-D: `tensor([], size=(2, 0))`; chainrule prints `tensor([])`.
  it('an empty [2, 0] tensor shows its size, as torch', () => {
    expect(zeros([2, 0]).toString()).toMatch(/^tensor\(\[\], size=[[(]2, 0[\])]\)$/);
  });

  // Fixed, kept as a regression test: gradFn names the last primitive a composite was built from, not the method the user called:
  // torch prints SumBackward0 / SubBackward0 / MeanBackward0 / MaxBackward1; chainrule prints <sumTo>, <add>, <mul>, <reshape>.
  const composites: [string, (x: Tensor) => Tensor, string][] = [
    ['sum', (x) => x.sum(), 'sum'],
    ['sub', (x) => x.sub(1), 'sub'],
    ['mean', (x) => x.mean(), 'mean'],
    ['max', (x) => x.max(), 'max'],
  ];
  for (const [name, f, want] of composites) {
    it(`x.${name}() prints gradFn=<${want}>, the method's name`, () => {
      expect(f(tensor([1, 2], { requiresGrad: true })).toString()).toContain(`gradFn=<${want}>`);
    });
  }
});
