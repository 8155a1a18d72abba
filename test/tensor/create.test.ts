/** @file Making tensors: tensor, fromTypedArray, constants, ranges, eye, seeded random numbers, *Like. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arange,
  eye,
  fromTypedArray,
  full,
  linspace,
  manualSeed,
  ones,
  onesLike,
  rand,
  randn,
  tensor,
  zeros,
  zerosLike,
} from '../../src/index.js';
import { arbShape, flat, flatten, sizeOf, testProp } from './naive.js';

describe('tensor()', () => {
  it('a number makes a 0-d tensor', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(2.5);
    expect(t.requiresGrad).toBe(false);
  });

  testProp([arbShape(1, 4), fc.integer({ min: 0, max: 1000 })], { numRuns: 30 })(
    'nested arrays give their shape and row-major data, and toArray gives them back',
    (s, seed) => {
      const data = Array.from({ length: sizeOf(s) }, (_, i) => ((i * 7 + seed) % 11) - 5.5);
      let nested: unknown = data;
      for (let d = s.length - 1; d > 0; d--) {
        const rows: unknown[] = [];
        const arr = nested as unknown[];
        for (let i = 0; i < arr.length; i += s[d]!) rows.push(arr.slice(i, i + s[d]!));
        nested = rows;
      }
      const t = tensor(nested);
      expect(t.shape).toEqual(s);
      expect(flat(t)).toEqual(data);
      expect(t.toArray()).toEqual(nested);
    },
  );

  it('typed arrays may stand for rows at any level, and are copied', () => {
    const row = new Float64Array([3, 4]);
    const t = tensor([new Float32Array([1, 2]), row]);
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    row[0] = 99;
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor(new Int32Array([5, 6])).toArray()).toEqual([5, 6]);
  });

  it('copies nested arrays (mutating the source changes nothing)', () => {
    const src = [
      [1, 2],
      [3, 4],
    ];
    const t = tensor(src);
    src[0]![0] = 100;
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('dtype float32 rounds to float32; float64 is the default', () => {
    const t = tensor([0.1, 1 / 3], { dtype: 'float32' });
    expect(t.dtype).toBe('float32');
    expect(flat(t)).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expect(tensor([0.1]).dtype).toBe('float64');
    expect(tensor([0.1]).item()).toBe(0.1);
  });

  it('keeps NaN and ±Infinity; an empty array is shape [0]', () => {
    const t = tensor([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    const [a, b, c] = flat(t);
    expect(Number.isNaN(a)).toBe(true);
    expect(b).toBe(Number.POSITIVE_INFINITY);
    expect(c).toBe(Number.NEGATIVE_INFINITY);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('options: requiresGrad and label', () => {
    const t = tensor([1], { requiresGrad: true, label: 'w' });
    expect(t.requiresGrad).toBe(true);
    expect(t.label).toBe('w');
    expect(t.grad).toBeNull();
  });
});

describe('fromTypedArray()', () => {
  it('shares memory with the array (as torch.from_numpy)', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = fromTypedArray(data, [2, 3]);
    data[0] = 9;
    expect(t.toArray()).toEqual([
      [9, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.array.data).toBe(data);
  });

  it('a Float32Array gives a float32 tensor; options pass through', () => {
    const t = fromTypedArray(new Float32Array(4), [4], { requiresGrad: true, label: 'v' });
    expect(t.dtype).toBe('float32');
    expect(t.requiresGrad).toBe(true);
    expect(t.label).toBe('v');
  });

  it('checks the shape against the length', () => {
    expect(() => fromTypedArray(new Float64Array(5), [2, 3])).toThrow(RangeError);
    expect(() => fromTypedArray(new Float64Array(5), [2, 3])).toThrow(
      /fromTypedArray: shape \[2, 3\] holds 6 elements, the array has 5/,
    );
    expect(() => fromTypedArray(new Float64Array(2), [-2])).toThrow(RangeError);
  });

  it('rejects other arrays with a TypeError', () => {
    expect(() => fromTypedArray(new Int32Array(6) as unknown as Float64Array, [6])).toThrow(TypeError);
    expect(() => fromTypedArray([1, 2] as unknown as Float64Array, [2])).toThrow(
      /fromTypedArray: data must be a Float64Array or a Float32Array/,
    );
  });
});

describe('zeros, ones, full', () => {
  testProp([arbShape(0, 4), fc.double({ min: -5, max: 5, noNaN: true })], { numRuns: 30 })(
    'fill a shape given as an array (or one number) with a value',
    (s, v) => {
      expect(zeros(s).shape).toEqual(s);
      expect(flat(zeros(s)).every((x) => x === 0)).toBe(true);
      expect(flat(ones(s)).every((x) => x === 1)).toBe(true);
      const f = full(s, v);
      expect(f.shape).toEqual(s);
      expect(flat(f).every((x) => x === v)).toBe(true);
    },
  );

  it('a single number is a 1-D shape; options give dtype, requiresGrad and label', () => {
    expect(zeros(3).shape).toEqual([3]);
    expect(ones(2, { dtype: 'float32' }).dtype).toBe('float32');
    const f = full([2, 2], 7, { requiresGrad: true, label: 'c' });
    expect(f.toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(f.requiresGrad).toBe(true);
    expect(f.label).toBe('c');
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([]).item()).toBe(0);
  });

  it('bad sizes: RangeError for negative, fractional or NaN; TypeError for non-numbers', () => {
    expect(() => zeros([-1])).toThrow(RangeError);
    expect(() => zeros([-1])).toThrow(/zeros: size -1 at axis 0 is not a non-negative integer/);
    expect(() => ones([2, 2.5])).toThrow(/ones: size 2\.5 at axis 1 is not a non-negative integer/);
    expect(() => full([Number.NaN], 1)).toThrow(RangeError);
    expect(() => zeros(['a' as unknown as number])).toThrow(TypeError);
    expect(() => zeros(['a' as unknown as number])).toThrow(/zeros: size at axis 0 is a string/);
    expect(() => full([2], '1' as unknown as number)).toThrow(TypeError);
  });

  it('zeros(2, 3) (torch style) is a TypeError that shows the array form', () => {
    expect(() => (zeros as (...a: unknown[]) => unknown)(2, 3)).toThrow(TypeError);
    expect(() => (zeros as (...a: unknown[]) => unknown)(2, 3)).toThrow(
      /pass the shape as an array, e\.g\. zeros\(\[2, 3\]\)/,
    );
  });
});

describe('arange and linspace, as torch', () => {
  it('arange(5) counts 0 to 4', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
  });

  it('fractional and negative steps; the end is excluded', () => {
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -1.5).toArray()).toEqual([5, 3.5, 2, 0.5]);
    expect(arange(0, 1, 0.3).size).toBe(4);
    expect(arange(-3, 3).toArray()).toEqual([-3, -2, -1, 0, 1, 2]);
    expect(arange(1, 1).shape).toEqual([0]);
  });

  testProp(
    [
      fc.double({ min: -10, max: 10, noNaN: true }),
      fc.double({ min: 0.05, max: 3, noNaN: true }),
      fc.integer({ min: 0, max: 40 }),
      fc.boolean(),
    ],
    { numRuns: 40 },
  )(
    'arange(start, end, step) has ceil((end − start)/step) elements start + i·step',
    (start, mag, n, down) => {
      const step = down ? -mag : mag;
      const end = start + step * n + step / 2;
      const t = arange(start, end, step);
      const count = Math.ceil((end - start) / step);
      expect(t.size).toBe(count);
      flat(t).forEach((v, i) => {
        expect(v === start + i * step).toBe(true);
      });
    },
  );

  it('arange errors: zero step, a step away from the end, non-finite bounds', () => {
    expect(() => arange(0, 1, 0)).toThrow(RangeError);
    expect(() => arange(0, 1, 0)).toThrow(/arange: step must be nonzero/);
    expect(() => arange(0, 5, -1)).toThrow(RangeError);
    expect(() => arange(0, 5, -1)).toThrow(/arange: step -1 goes away from end/);
    expect(() => arange(Number.NaN)).toThrow(TypeError);
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow(/arange: end must be a finite number/);
  });

  it('linspace includes both ends', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(-1, 1, 3).toArray()).toEqual([-1, 0, 1]);
    expect(linspace(2, 2, 4).toArray()).toEqual([2, 2, 2, 2]);
    expect(linspace(3, 7, 1).toArray()).toEqual([3]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(linspace(0, 1, 3, { dtype: 'float32' }).dtype).toBe('float32');
  });

  testProp(
    [
      fc.double({ min: -100, max: 100, noNaN: true }),
      fc.double({ min: -100, max: 100, noNaN: true }),
      fc.integer({ min: 2, max: 50 }),
    ],
    { numRuns: 40 },
  )('linspace(start, end, n) ends exactly at end and is evenly spaced', (a, b, n) => {
    const v = flat(linspace(a, b, n));
    expect(v.length).toBe(n);
    expect(v[0] === a).toBe(true);
    expect(v[n - 1] === b).toBe(true);
    const step = (b - a) / (n - 1);
    v.forEach((x, i) => {
      expect(Math.abs(x - (a + i * step))).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(a) + Math.abs(b)));
    });
  });

  it('linspace errors on a negative or fractional count', () => {
    expect(() => linspace(0, 1, -1)).toThrow(RangeError);
    expect(() => linspace(0, 1, 2.5)).toThrow(/linspace: steps must be an integer >= 0 \(got 2\.5\)/);
  });
});

describe('eye', () => {
  it('n×n and n×m identities', () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(3, 1).toArray()).toEqual([[1], [0], [0]]);
    expect(eye(0).shape).toEqual([0, 0]);
  });

  it('bad sizes are RangeErrors naming the argument', () => {
    expect(() => eye(-1)).toThrow(RangeError);
    expect(() => eye(-1)).toThrow(/eye: n must be an integer >= 0 \(got -1\)/);
    expect(() => eye(2, 1.5)).toThrow(/eye: m must be an integer >= 0 \(got 1\.5\)/);
  });
});

describe('rand and randn with manualSeed', () => {
  it('the same seed gives the same numbers', () => {
    manualSeed(123);
    const a = flat(randn([5, 3]));
    const u = flat(rand([4]));
    manualSeed(123);
    expect(flat(randn([5, 3]))).toEqual(a);
    expect(flat(rand([4]))).toEqual(u);
    manualSeed(124);
    expect(flat(randn([5, 3]))).not.toEqual(a);
  });

  it('pins the first numbers of seeds 0 and 42 (a change in the generator is caught)', () => {
    manualSeed(0);
    expect(flat(rand([4]))).toEqual([
      0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111,
    ]);
    manualSeed(0);
    expect(flat(randn([4]))).toEqual([
      0.7871846599200555, 0.0016309335012816644, 0.43143961704601397, 0.5649690575787788,
    ]);
    manualSeed(42);
    expect(flat(rand([3]))).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('rand is uniform in [0, 1), randn has mean ≈ 0 and std ≈ 1', () => {
    manualSeed(7);
    const u = flat(rand([20000]));
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const mu = u.reduce((s, v) => s + v, 0) / u.length;
    expect(Math.abs(mu - 0.5)).toBeLessThan(0.01);
    const z = flat(randn([20000]));
    const m = z.reduce((s, v) => s + v, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - m) ** 2, 0) / z.length);
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });

  it('float32 rand stays below 1 and is float32; shapes, options and errors', () => {
    manualSeed(0);
    const r = rand([1000], { dtype: 'float32' });
    expect(r.dtype).toBe('float32');
    expect(flat(r).every((v) => v >= 0 && v < 1)).toBe(true);
    expect(randn(3, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(rand([2, 0]).shape).toEqual([2, 0]);
    expect(() => rand([-2])).toThrow(RangeError);
    expect(() => manualSeed(1.5)).toThrow(TypeError);
    expect(() => manualSeed(1.5)).toThrow(/manualSeed: seed must be an integer \(got 1\.5\)/);
  });
});

describe('zerosLike, onesLike', () => {
  it("take the tensor's shape and dtype, not its gradient flag; options override", () => {
    const t = tensor([[1, 2, 3]], { dtype: 'float32', requiresGrad: true });
    const z = zerosLike(t);
    expect(z.shape).toEqual([1, 3]);
    expect(z.dtype).toBe('float32');
    expect(z.requiresGrad).toBe(false);
    expect(flatten(z.toArray())).toEqual([0, 0, 0]);
    const o = onesLike(t, { dtype: 'float64', requiresGrad: true });
    expect(o.dtype).toBe('float64');
    expect(o.requiresGrad).toBe(true);
    expect(flatten(o.toArray())).toEqual([1, 1, 1]);
  });
});
