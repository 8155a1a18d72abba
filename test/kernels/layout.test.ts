import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import * as K from '../../src/kernels/index.js';
import {
  arbSeed,
  arbShape,
  broadcastSource,
  expectSame,
  randomArray,
  ravel,
  size,
  testProp,
  unravel,
} from './helpers.js';

const { NDArray } = K;

const arbPermuted = arbShape(5).chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    fc.shuffledSubarray(
      shape.map((_, i) => i),
      { minLength: shape.length, maxLength: shape.length },
    ),
  ),
);

describe('reshape', () => {
  testProp([arbShape(4), arbSeed])('keeps the data in order and shares it; -1 is inferred', (shape, seed) => {
    const x = randomArray(shape, seed);
    const flat = K.reshape(x, [-1]);
    expect(flat.shape).toEqual([size(shape)]);
    expect(flat.data).toBe(x.data);
    expect(K.reshape(flat, shape).shape).toEqual(shape);
    if (shape.length > 0)
      expect(K.reshape(x, [shape[0]!, -1]).shape).toEqual([shape[0]!, size(shape.slice(1))]);
  });

  test('errors', () => {
    const x = randomArray([2, 3], 1);
    expect(() => K.reshape(x, [4, 2])).toThrow(
      new ShapeError(
        'reshape',
        'cannot reshape [2, 3] (6 elements) into [4, 2] (8 elements)',
        'the sizes must multiply to the same number of elements',
      ),
    );
    expect(() => K.reshape(x, [-1, -1])).toThrow(RangeError);
    expect(() => K.reshape(x, [-2, -3])).toThrow('reshape: invalid size -2 in [-2, -3]');
    expect(() => K.reshape(x, [4, -1], 'view')).toThrow(
      /^view: cannot infer the -1 in \[4, -1\] for \[2, 3\]/,
    );
    expect(() => K.reshape(randomArray([0, 3], 1), [0, -1])).toThrow(ShapeError);
    expect(K.reshape(randomArray([1], 1), []).shape).toEqual([]);
  });
});

describe('permute', () => {
  testProp([arbPermuted, arbSeed])('output[i...] = input[i permuted back]', ([shape, dims], seed) => {
    const x = randomArray(shape, seed);
    const out = K.permute(x, dims);
    const outShape = dims.map((d) => shape[d]!);
    expect(out.shape).toEqual(outShape);
    const expected = Array.from({ length: x.size }, (_, i) => {
      const idx = unravel(i, outShape);
      const src = new Array<number>(shape.length);
      dims.forEach((d, j) => {
        src[d] = idx[j]!;
      });
      return x.data[ravel(src, shape)]!;
    });
    expectSame(out.data, expected);
    expect(out.data).not.toBe(x.data);
  });

  testProp([fc.constantFrom(1, 31, 67), fc.constantFrom(1, 33, 130), arbSeed], { numRuns: 9 })(
    'blocked 2-D transpose',
    (r, c, seed) => {
      const x = randomArray([r, c], seed);
      const t = K.permute(x, [1, 0]);
      for (let i = 0; i < r; i++)
        for (let j = 0; j < c; j++)
          if (t.data[j * r + i] !== x.data[i * c + j]) throw new Error(`at ${i},${j}`);
      expect(t.shape).toEqual([c, r]);
      expectSame(K.permute(t, [-1, -2]).data, x.data);
    },
  );

  test('dims that are not a permutation', () => {
    const x = randomArray([2, 3], 1);
    expect(() => K.permute(x, [0, 0])).toThrow(
      'permute: dims [0, 0] are not a permutation of the 2 axes of [2, 3]; list each axis 0..1 once',
    );
    expect(() => K.permute(x, [0])).toThrow(RangeError);
    expect(() => K.permute(x, [0, 2])).toThrow('permute: axis 2 is out of range for a tensor of rank 2');
  });
});

describe('expand', () => {
  testProp([arbShape(3), fc.array(fc.constantFrom(1, 2, 3), { maxLength: 2 }), arbSeed])(
    'repeats size-1 axes and adds leading axes',
    (shape, lead, seed) => {
      const x = randomArray(
        shape.map((d, i) => (i % 2 === 0 ? 1 : d)),
        seed,
      );
      const target = [...lead, ...shape];
      const out = K.expand(x, target);
      expect(out.shape).toEqual(target);
      expectSame(
        out.data,
        Array.from({ length: size(target) }, (_, i) => x.data[broadcastSource(unravel(i, target), x.shape)]!),
      );
      expect(K.expand(x, [...lead, ...x.shape.map(() => -1)]).shape).toEqual([...lead, ...x.shape]);
    },
  );

  test('errors', () => {
    const x = randomArray([2, 1], 1);
    expect(() => K.expand(x, [3, 4])).toThrow(
      new ShapeError(
        'expand',
        'cannot expand [2, 1] to [3, 4] (axis 0: 2 vs 3)',
        'only size-1 axes can grow',
      ),
    );
    expect(() => K.expand(x, [1])).toThrow(ShapeError);
    expect(() => K.expand(x, [-1, 2, 1])).toThrow(
      'expand: cannot expand [2, 1] to [-1, 2, 1] (axis 0: invalid size -1)',
    );
  });
});

describe('slice', () => {
  testProp([
    arbShape(4).filter((s) => s.length > 0),
    arbSeed,
    fc.integer({ min: -15, max: 15 }),
    fc.integer({ min: -15, max: 15 }),
    fc.nat(),
  ])('copies [start, end) along an axis, Python-style bounds', (shape, seed, start, end, pick) => {
    const axis = pick % shape.length;
    const x = randomArray(shape, seed);
    const out = K.slice(x, axis, start, end);
    const n = shape[axis]!;
    const kept = Array.from({ length: n }, (_, i) => i).slice(start, end);
    const outShape = shape.slice();
    outShape[axis] = kept.length;
    expect(out.shape).toEqual(outShape);
    const expected = Array.from({ length: size(outShape) }, (_, i) => {
      const idx = unravel(i, outShape);
      idx[axis] = kept[idx[axis]!]!;
      return x.data[ravel(idx, shape)]!;
    });
    expectSame(out.data, expected);
  });
});

describe('cat', () => {
  testProp([
    arbShape(3).filter((s) => s.length > 0),
    fc.array(fc.constantFrom(0, 1, 3), { minLength: 1, maxLength: 4 }),
    fc.nat(),
    arbSeed,
  ])('joins along an axis; slicing each part back gives the inputs', (shape, lens, pick, seed) => {
    const axis = pick % shape.length;
    const xs = lens.map((len, i) => {
      const s = shape.slice();
      s[axis] = len;
      return randomArray(s, seed + i, i % 2 === 0 ? 'float32' : 'float64');
    });
    const out = K.cat(xs, axis - shape.length);
    expect(out.dtype).toBe(xs.length > 1 ? 'float64' : 'float32');
    expect(out.shape[axis]).toBe(lens.reduce<number>((p, q) => p + q, 0));
    let at = 0;
    for (const x of xs) {
      expectSame(K.slice(out, axis, at, at + x.shape[axis]!).data, x.data);
      at += x.shape[axis]!;
    }
  });

  test('errors name the shapes and axis', () => {
    const a = randomArray([2, 3], 1);
    expect(() => K.cat([a, randomArray([2, 4], 2)], 0)).toThrow(
      new ShapeError(
        'cat',
        'tensor 1 has shape [2, 4], tensor 0 has [2, 3]: sizes differ on axis 1 (joining on axis 0)',
        'all sizes except the joined axis must match',
      ),
    );
    expect(() => K.cat([a, randomArray([6], 2)], 0)).toThrow(/ranks differ/);
    expect(() => K.cat([], 0)).toThrow(
      new TypeError('cat: expected a non-empty list of tensors (got 0); pass at least one'),
    );
    expect(() => K.cat([new NDArray(Float64Array.of(1), [])], 0)).toThrow(RangeError);
  });
});
