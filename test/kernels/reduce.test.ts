import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import * as K from '../../src/kernels/index.js';
import {
  arbDType,
  arbSeed,
  arbShape,
  expectSame,
  randomArray,
  ravel,
  size,
  testProp,
  unravel,
} from './helpers.js';

const { NDArray } = K;

/** A shape and a target that broadcasts to it: some leading axes dropped, some sizes set to 1. */
const arbSumTo = arbShape(4).chain((shape) =>
  fc
    .tuple(fc.nat(shape.length), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }))
    .map(([drop, ones]) => [shape, shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop)] as const),
);

/** A shape and a sorted subset of its axes. */
const arbAxes = arbShape(4).chain((shape) =>
  fc.tuple(fc.constant(shape), fc.subarray(shape.map((_, i) => i))),
);

/** Naive sumTo: add each element into the target index its multi-index maps to. */
function naiveSumTo(x: K.NDArray, target: readonly number[]): number[] {
  const out = new Array<number>(size(target)).fill(0);
  const lead = x.ndim - target.length;
  for (let i = 0; i < x.size; i++) {
    const idx = unravel(i, x.shape).slice(lead);
    out[
      ravel(
        idx.map((v, d) => (target[d] === 1 ? 0 : v)),
        target,
      )
    ]! += x.data[i]!;
  }
  return out;
}

/** Naive max/min over axes with keepdim: the first extreme (or first NaN) of each block, in row-major order. */
function naiveExtreme(
  x: K.NDArray,
  axes: readonly number[],
  dir: 1 | -1,
): { values: number[]; index: number[] } {
  const keep = K.keepdimShape(x.shape, axes);
  const index = new Array<number>(size(keep)).fill(-1);
  for (let i = 0; i < x.size; i++) {
    const j = ravel(
      unravel(i, x.shape).map((v, d) => (axes.includes(d) ? 0 : v)),
      keep,
    );
    const cur = index[j]!;
    const v = x.data[i]!;
    if (cur < 0) index[j] = i;
    else if (Number.isNaN(x.data[cur]!)) continue;
    else if (Number.isNaN(v) || dir * v > dir * x.data[cur]!) index[j] = i;
  }
  return { values: index.map((i) => x.data[i]!), index };
}

describe('sumTo', () => {
  testProp([arbSumTo, arbSeed, arbDType])(
    'matches the naive adjoint of broadcasting to the bit (float64 sums in element order, then the dtype)',
    ([shape, target], seed, dtype) => {
      const x = randomArray(shape, seed, dtype);
      const out = K.sumTo(x, target);
      expect(out.shape).toEqual(target);
      expect(out.dtype).toBe(dtype);
      const round = dtype === 'float32' ? Math.fround : (v: number) => v;
      expect(Array.from(out.data)).toEqual(naiveSumTo(x, target).map(round));
    },
  );

  testProp([fc.constantFrom([67, 31], [31, 67], [13, 1, 7], [3, 13, 7, 2], [131, 3], [5, 67, 2]), arbSeed], {
    numRuns: 12,
  })(
    'fast paths: leading rows, everything, the last axis, a middle axis, short rows; to the bit',
    (shape, seed) => {
      const x = randomArray(shape, seed);
      const targets = [
        shape.slice(1),
        [],
        [...shape.slice(0, -1), 1],
        shape.map((d, i) => (i === 1 ? 1 : d)),
      ];
      for (const t of targets) expect(Array.from(K.sumTo(x, t).data)).toEqual(naiveSumTo(x, t));
    },
  );

  test('examples, a copy for the same shape, and an empty input', () => {
    const x = new NDArray(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    expect(Array.from(K.sumTo(x, [3]).data)).toEqual([5, 7, 9]);
    expect(Array.from(K.sumTo(x, [2, 1]).data)).toEqual([6, 15]);
    expect(Array.from(K.sumTo(x, []).data)).toEqual([21]);
    expect(K.sumTo(x, [1, 1]).shape).toEqual([1, 1]);
    const same = K.sumTo(x, [2, 3]);
    expect(same.data).not.toBe(x.data);
    expect(Array.from(same.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(K.sumTo(new NDArray(new Float64Array(0), [0, 3]), [3]).data)).toEqual([0, 0, 0]);
  });

  test('a target that does not broadcast to the input is a ShapeError', () => {
    const x = new NDArray(new Float64Array(6), [2, 3]);
    expect(() => K.sumTo(x, [2])).toThrow(ShapeError);
    expect(() => K.sumTo(x, [2])).toThrow(/^sumTo: cannot sum \[2, 3\] down to \[2\]/);
    expect(() => K.sumTo(x, [1, 2, 3])).toThrow(ShapeError);
  });
});

describe('maxTo and minTo', () => {
  testProp([arbAxes, arbSeed, arbDType])(
    'match the naive first-extreme reference',
    ([shape, axes], seed, dtype) => {
      fc.pre(axes.every((a) => shape[a]! > 0));
      const x = randomArray(shape, seed, dtype);
      for (const [dir, fn] of [
        [1, K.maxTo],
        [-1, K.minTo],
      ] as const) {
        const { values, index } = fn(x, axes);
        const ref = naiveExtreme(x, axes, dir);
        expect(values.shape).toEqual(K.keepdimShape(shape, axes));
        expect(values.dtype).toBe(dtype);
        expect(Array.from(index)).toEqual(ref.index);
        expectSame(values.data, ref.values);
      }
    },
  );

  testProp([arbAxes, arbSeed])('NaN wins at its first position', ([shape, axes], seed) => {
    const x = randomArray(shape, seed);
    fc.pre(x.size > 0);
    const data = x.data.slice();
    const rng = new K.Rng(seed);
    for (let i = 0; i < data.length; i++) if (rng.next() < 0.3) data[i] = Number.NaN;
    const y = new NDArray(data, shape);
    const { values, index } = K.maxTo(y, axes);
    const ref = naiveExtreme(y, axes, 1);
    expect(Array.from(index)).toEqual(ref.index);
    expectSame(values.data, ref.values);
  });

  test('ties go to the first element; -Infinity everywhere still has an index', () => {
    const x = new NDArray(Float64Array.of(3, 1, 3, 2, 2, 0), [2, 3]);
    expect(Array.from(K.maxTo(x, [1]).index)).toEqual([0, 3]);
    expect(Array.from(K.minTo(x, [0, 1]).index)).toEqual([5]);
    const inf = new NDArray(new Float64Array(4).fill(Number.NEGATIVE_INFINITY), [4]);
    expect(Array.from(K.maxTo(inf, [0]).index)).toEqual([0]);
  });

  test('reducing over an empty axis is a ShapeError naming the op', () => {
    const x = new NDArray(new Float64Array(0), [2, 0]);
    expect(() => K.maxTo(x, [1])).toThrow(
      'max: cannot reduce over axis 1 of size 0 (shape [2, 0]); the max of no elements is undefined',
    );
    expect(() => K.minTo(x, [0, 1], 'amin')).toThrow(/^amin: /);
    expect(K.maxTo(x, [0]).values.shape).toEqual([1, 0]);
  });
});

describe('selectMask and tieMask', () => {
  testProp([arbAxes, arbSeed])('selectMask puts a 1 where max took each value', ([shape, axes], seed) => {
    fc.pre(axes.every((a) => shape[a]! > 0));
    const x = randomArray(shape, seed);
    const { values, index } = K.maxTo(x, axes);
    const mask = K.selectMask(x, axes, index, values.size);
    expect(mask.shape).toEqual(x.shape);
    let ones = 0;
    for (let i = 0; i < mask.size; i++) {
      if (mask.data[i] === 1) ones++;
      else expect(mask.data[i]).toBe(0);
    }
    expect(ones).toBe(values.size);
    for (const i of index) expect(mask.data[i]).toBe(1);
  });

  test('selectMask rejects a wrong output size', () => {
    const x = new NDArray(new Float64Array(6), [2, 3]);
    expect(() => K.selectMask(x, [1], new Float64Array(3), 3)).toThrow(/selectMask: got 3 outputs/);
  });

  test('tieMask shares evenly among equal elements, and NaN matches NaN', () => {
    const x = new NDArray(Float64Array.of(3, 1, 3, 3), [2, 2]);
    const all = K.maxTo(x, [0, 1]).values;
    expect(Array.from(K.tieMask(x, all).data)).toEqual([1 / 3, 0, 1 / 3, 1 / 3]);
    expect(K.tieMask(x, all).shape).toEqual([2, 2]);
    const n = new NDArray(Float32Array.of(Number.NaN, 1, Number.NaN), [3]);
    expect(Array.from(K.tieMask(n, K.maxTo(n, [0]).values).data)).toEqual([0.5, 0, 0.5]);
  });

  test('tieMask shares within each block of a partial reduction', () => {
    // blocks over axes [1, 2] of a [2, 2, 2]: [[5, 5], [1, 5]] and [[2, 0], [2, 2]]
    const x = new NDArray(Float64Array.of(5, 5, 1, 5, 2, 0, 2, 2), [2, 2, 2]);
    const max = K.maxTo(x, [1, 2]).values;
    expect(Array.from(K.tieMask(x, max).data)).toEqual([1 / 3, 1 / 3, 0, 1 / 3, 1 / 3, 0, 1 / 3, 1 / 3]);
    // over axis 0 only: pairs (5, 2), (5, 0), (1, 2), (5, 2)
    const min = K.minTo(x, [0]).values;
    expect(Array.from(K.tieMask(x, min).data)).toEqual([0, 0, 1, 0, 1, 1, 0, 1]);
  });
});

describe('argmaxAlong and argminAlong', () => {
  testProp([arbShape(4), arbSeed, fc.boolean()])(
    'give the position along the axis',
    (shape, seed, keepdim) => {
      fc.pre(shape.length > 0 && size(shape) > 0);
      const x = randomArray(shape, seed);
      for (let axis = -shape.length; axis < shape.length; axis++) {
        const a = axis < 0 ? axis + shape.length : axis;
        const out = K.argmaxAlong(x, axis, keepdim);
        const ref = naiveExtreme(x, [a], 1);
        expect(out.dtype).toBe('float64');
        expect(out.shape).toEqual(keepdim ? K.keepdimShape(shape, [a]) : K.squeezeAxes(shape, [a]));
        expect(Array.from(out.data)).toEqual(ref.index.map((i) => unravel(i, shape)[a]));
        const outMin = K.argminAlong(x, axis, keepdim);
        expect(Array.from(outMin.data)).toEqual(
          naiveExtreme(x, [a], -1).index.map((i) => unravel(i, shape)[a]),
        );
      }
    },
  );

  test('no axis: the flat index, as a 0-d array', () => {
    const x = new NDArray(Float64Array.of(1, 5, 2, 5, 0, 0), [2, 3]);
    const out = K.argmaxAlong(x);
    expect(out.shape).toEqual([]);
    expect(out.data[0]).toBe(1);
    expect(K.argminAlong(x).data[0]).toBe(4);
    expect(K.argmaxAlong(x, undefined, true).shape).toEqual([1, 1]);
    expect(() => K.argmaxAlong(x, 2)).toThrow(/^argmax: axis 2 is out of range/);
    expect(() => K.argmaxAlong(new NDArray(new Float64Array(0), [0]))).toThrow(/^argmax: cannot reduce/);
  });
});
