/** @file cumsum, gather, indexSelect, integer indexing, split and chunk: PyTorch's values, and gradients. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cat, gradcheck, type Tensor, tensor } from '../../src/index.js';
import { shapeArb, tensorOf, valuesArb } from '../support/arbitraries.js';
import { testProp } from '../support/property.js';

const passes = (f: (x: Tensor) => Tensor, x: Tensor) =>
  expect(gradcheck(f, [x]).message).toBe('gradcheck passed');

const caseArb = shapeArb()
  .filter((s) => s.length > 0)
  .chain((s) =>
    fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 }), valuesArb(s, -2, 2, true)),
  )
  .map(([s, axis, v]) => ({ x: tensorOf(s, v), axis }));

describe('cumsum', () => {
  it('is a running sum along the axis', () => {
    expect(tensor([1, 2, 3]).cumsum(0).toArray()).toEqual([1, 3, 6]);
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ])
        .cumsum(-1)
        .toArray(),
    ).toEqual([
      [1, 3],
      [3, 7],
    ]);
    expect(tensor(5).cumsum(0).toArray()).toBe(5);
  });

  testProp([caseArb], { numRuns: 25 })(
    'its last slice is the sum; gradients first and second order',
    ({ x, axis }) => {
      const n = x.shape.at(axis)!;
      const last = x
        .cumsum(axis)
        .slice(axis, n - 1, n)
        .squeeze(axis);
      expect(Array.from(last.array.data)).toEqual(
        Array.from(x.sum(axis).array.data).map((v, i) => expect.closeTo(v, 12) && last.array.data[i]),
      );
      passes((t) => t.cumsum(axis).mul(t), x);
    },
  );
});

describe('gather and indexSelect', () => {
  it('gather follows torch.gather', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(
      x
        .gather(1, [
          [0, 0],
          [1, 0],
        ])
        .toArray(),
    ).toEqual([
      [1, 1],
      [4, 3],
    ]);
    expect(x.gather(0, [[1, 0]]).toArray()).toEqual([[3, 2]]);
  });

  it('repeated indices add up in the gradient', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.gather(0, [0, 0, 2, 0]).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 0, 1]);
  });

  testProp([caseArb, fc.array(fc.nat(), { minLength: 1, maxLength: 5 })], { numRuns: 25 })(
    'indexSelect picks whole slices in order (negative indices count from the end); gradients first and second order',
    ({ x, axis }, raw) => {
      const n = x.shape.at(axis)!;
      const idx = raw.map((k) => (k % (2 * n)) - n);
      const got = x.indexSelect(axis, idx);
      const want = cat(
        idx.map((k) => x.slice(axis, k < 0 ? k + n : k, (k < 0 ? k + n : k) + 1)),
        axis,
      );
      expect(got.toArray()).toEqual(want.toArray());
      passes((t) => t.indexSelect(axis, idx).mul(t.indexSelect(axis, idx)), x);
    },
  );

  it('integer-array indexing is x[index]: shape index.shape ++ x.shape[1:]', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const y = x.index([
      [2, 0],
      [1, 1],
    ]);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(y.toArray()).toEqual([
      [
        [5, 6],
        [1, 2],
      ],
      [
        [3, 4],
        [3, 4],
      ],
    ]);
    expect(x.index(tensor([-1])).toArray()).toEqual([[5, 6]]);
    expect(tensor([1, 2], { requiresGrad: true }).index([1]).gradFn).toBe('index');
  });

  it('explain bad indices', () => {
    const x = tensor([1, 2, 3]);
    expect(() => x.indexSelect(0, [3])).toThrow(/index 3 is out of range for axis 0 of size 3/);
    expect(() => x.gather(0, [0.5])).toThrow(/whole numbers/);
    expect(() => x.gather(0, [[0]])).toThrow(/rank/);
    expect(() => x.indexSelect(0, [[0]])).toThrow(/1-D/);
  });
});

describe('split and chunk', () => {
  it('follow torch.split and torch.chunk', () => {
    const x = tensor([1, 2, 3, 4, 5]);
    expect(x.split(2).map((t) => t.toArray())).toEqual([[1, 2], [3, 4], [5]]);
    expect(x.split([1, 4]).map((t) => t.toArray())).toEqual([[1], [2, 3, 4, 5]]);
    expect(x.chunk(2).map((t) => t.toArray())).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(tensor([1, 2, 3, 4, 5, 6]).chunk(4).length).toBe(3); // ⌈6/4⌉ = 2 each, as torch
    expect(() => x.split([1, 1])).toThrow(/add up to 2, but axis 0 of \[5\] has 5/);
  });

  testProp([caseArb, fc.integer({ min: 1, max: 4 })], { numRuns: 25 })(
    'pieces cat back to the whole; gradients first and second order',
    ({ x, axis }, k) => {
      const pieces = x.chunk(k, axis);
      expect(cat(pieces, axis).toArray()).toEqual(x.toArray());
      passes((t) => cat(t.split(1, axis).reverse(), axis).mul(t), x);
    },
  );
});

describe('slice', () => {
  it("follows Python's start:end on the axis (torch x[start:end]): negative from the end, clamped", () => {
    const x = tensor([0, 1, 2, 3, 4]);
    // what torch.arange(5)[s:e].tolist() prints for each (s, e)
    const cases: [number, number, number[]][] = [
      [0, 5, [0, 1, 2, 3, 4]],
      [-3, -1, [2, 3]],
      [2, 100, [2, 3, 4]],
      [-100, 2, [0, 1]],
      [4, 2, []],
      [5, 5, []],
      [-1, 5, [4]],
    ];
    for (const [s, e, want] of cases) expect(x.slice(0, s, e).toArray(), `${s}:${e}`).toEqual(want);
  });

  testProp([caseArb, fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 })], { numRuns: 25 })(
    'gradients first and second order, whatever the bounds',
    ({ x, axis }, start, end) => {
      passes((t) => t.slice(axis, start, end).mul(t.slice(axis, start, end)), x);
    },
  );
});
