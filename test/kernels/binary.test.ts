import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import * as K from '../../src/kernels/index.js';
import { BINARY_REFERENCE } from '../support/reference.js';
import {
  arbBroadcastPair,
  arbDType,
  arbSeed,
  broadcastSource,
  expectSame,
  randomArray,
  size,
  testProp,
  unravel,
} from './helpers.js';

const { NDArray } = K;

const REFERENCE: Record<K.BinaryName, (a: number, b: number) => number> = BINARY_REFERENCE;
const KERNEL = {
  add: K.add,
  sub: K.sub,
  mul: K.mul,
  div: K.div,
  pow: K.pow,
  maximum: K.maximum,
  minimum: K.minimum,
  gt: K.gt,
  ge: K.ge,
  lt: K.lt,
  le: K.le,
  eq: K.eq,
} satisfies Record<K.BinaryName, unknown>;
const NAMES = Object.keys(KERNEL) as K.BinaryName[];

/** Each element is the wanted one, by Object.is: NaN equals NaN, and 0 is not −0. */
function expectBits(got: ArrayLike<number>, want: readonly number[]): void {
  expect(Array.from(got, (v, i) => Object.is(v, want[i]) || `${i}: ${v}, want ${want[i]}`)).toEqual(
    want.map(() => true),
  );
}

/** The naive reference: for each output multi-index, read each operand through its broadcast index. */
function naive(name: K.BinaryName, a: K.NDArray, b: K.NDArray, shape: readonly number[]): Float64Array {
  const f = REFERENCE[name];
  const round = promoted(a, b) === 'float32' ? Math.fround : (v: number) => v;
  return Float64Array.from({ length: size(shape) }, (_, i) => {
    const idx = unravel(i, shape);
    return round(f(a.data[broadcastSource(idx, a.shape)]!, b.data[broadcastSource(idx, b.shape)]!));
  });
}

/** PyTorch's promotion: dimensioned operands decide, 0-d ones only among themselves; float64 wins. */
function promoted(a: K.NDArray, b: K.NDArray): K.DType {
  const pool = a.ndim > 0 && b.ndim === 0 ? [a] : b.ndim > 0 && a.ndim === 0 ? [b] : [a, b];
  return pool.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
}

describe('binary kernels', () => {
  testProp([arbBroadcastPair(4), arbSeed, arbDType, arbDType])(
    'every op matches the naive broadcast reference',
    ([sa, sb], seed, da, db) => {
      const a = randomArray(sa, seed, da);
      const b = randomArray(sb, seed + 1, db);
      const shape = K.broadcastShapes(sa, sb, 'test');
      for (const name of NAMES) {
        const out = KERNEL[name](a, b);
        expect(out.shape).toEqual(shape);
        expect(out.dtype).toBe(promoted(a, b));
        expectSame(out.data, naive(name, a, b, shape));
      }
    },
  );

  testProp([fc.constantFrom([67, 31], [31, 67], [1, 67], [13, 7, 3]), arbSeed], { numRuns: 12 })(
    'fast paths: same shape, scalar on either side, row and column broadcast',
    (shape, seed) => {
      const x = randomArray(shape, seed);
      const rows = randomArray([shape[shape.length - 1]!], seed + 1);
      const cols = randomArray([...shape.slice(0, -1), 1], seed + 2);
      const one = randomArray([1], seed + 3);
      const y = randomArray(shape, seed + 4);
      for (const other of [y, rows, cols, one]) {
        const s = K.broadcastShapes(shape, other.shape, 'test');
        expectSame(K.div(x, other).data, naive('div', x, other, s));
        expectSame(K.div(other, x).data, naive('div', other, x, s));
      }
    },
  );

  test('plain numbers act as 0-d float64 arrays, and keep float32 arrays float32', () => {
    const x = new NDArray(Float32Array.of(1, 2, 3), [3]);
    const y = K.mul(x, 2);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.data)).toEqual([2, 4, 6]);
    expect(Array.from(K.div(6, x).data)).toEqual([6, 3, 2]);
    const z = K.add(2, 3);
    expect(z.shape).toEqual([]);
    expect(z.dtype).toBe('float64');
    expect(z.data[0]).toBe(5);
    expect(K.pow(x, 0.5).data[3 - 1]).toBeCloseTo(Math.sqrt(3), 6);
  });

  // Fixed, kept as a regression test: the kernel computed x ** y, which is NaN at 1^NaN, 1^±∞ and (−1)^±∞
  // (ECMAScript's rule); C's pow and torch give 1 there.
  test('pow is C’s pow, as torch: 1^NaN, 1^±∞ and (−1)^±∞ are 1, whichever way the exponent is laid out', () => {
    const [I, N] = [Number.POSITIVE_INFINITY, Number.NaN];
    for (const Arr of [Float64Array, Float32Array]) {
      const x = new NDArray(Arr.from([1, -1, 0.5, 1, -1, 0.5, 1, -1, 0.5, 1, -1, 0.5]), [4, 3]);
      const y = new NDArray(Arr.from([2, I, N, -I]), [4, 1]);
      // torch.tensor([[1, -1, .5]] * 4).pow(torch.tensor([[2], [inf], [nan], [-inf]])), float64 and float32
      const want = [1, 1, 0.25, 1, 1, 0, 1, N, N, 1, 1, I];
      expectBits(K.pow(x, y).data, want); // one exponent per row
      expectBits(K.pow(x, K.expand(y, [4, 3])).data, want); // an exponent per element
      expectBits(K.pow(x, I).data, [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0]);
      expectBits(K.pow(x, -I).data, [1, 1, I, 1, 1, I, 1, 1, I, 1, 1, I]);
      expectBits(K.pow(1, new NDArray(Arr.from([N, I, -I]), [3])).data, [1, 1, 1]);
    }
    expectBits(
      [K.powOf(1, N), K.powOf(-1, N), K.powOf(N, 0), K.powOf(-1, I), K.powOf(2, -I)],
      [1, N, 1, 1, 0],
    );
  });

  test('comparisons give 1 and 0 and treat NaN as unequal', () => {
    const a = new NDArray(Float64Array.of(1, 2, Number.NaN), [3]);
    expect(Array.from(K.gt(a, 1).data)).toEqual([0, 1, 0]);
    expect(Array.from(K.ge(a, 1).data)).toEqual([1, 1, 0]);
    expect(Array.from(K.eq(a, a).data)).toEqual([1, 1, 0]);
    expect(Array.from(K.maximum(a, 1.5).data)).toEqual([1.5, 2, Number.NaN]);
  });

  test('a shape mismatch names the op passed in', () => {
    const a = new NDArray(new Float64Array(6), [2, 3]);
    const b = new NDArray(new Float64Array(4), [4]);
    expect(() => K.add(a, b)).toThrow(
      new ShapeError(
        'add',
        'cannot broadcast [2, 3] with [4] (axis -1: 3 vs 4)',
        'make the sizes equal, or 1 on one side',
      ),
    );
    expect(() => K.mul(a, b, 'addcmul')).toThrow(/^addcmul: cannot broadcast/);
  });

  test('inputs are not mutated, and zero-size results work', () => {
    const a = randomArray([2, 3], 1);
    const before = Array.from(a.data);
    K.add(a, a);
    expect(Array.from(a.data)).toEqual(before);
    const empty = K.add(new NDArray(new Float64Array(0), [0, 3]), a.data.length);
    expect(empty.shape).toEqual([0, 3]);
    expect(empty.size).toBe(0);
  });
});

describe('where', () => {
  testProp([arbBroadcastPair(3), fc.constantFrom([], [1], [3], [2, 1]), arbSeed])(
    'picks a where cond != 0, else b, all three broadcast',
    ([sa, sb], sc, seed) => {
      const a = randomArray(sa, seed);
      const b = randomArray(sb, seed + 1);
      const cond = randomArray(sc, seed + 2);
      let shape: number[];
      try {
        shape = K.broadcastShapes(sc, K.broadcastShapes(sa, sb, 'test'), 'test');
      } catch {
        expect(() => K.where(cond, a, b)).toThrow(ShapeError);
        return;
      }
      const out = K.where(cond, a, b);
      expect(out.shape).toEqual(shape);
      const expected = Array.from({ length: size(shape) }, (_, i) => {
        const idx = unravel(i, shape);
        return cond.data[broadcastSource(idx, sc)] !== 0
          ? a.data[broadcastSource(idx, sa)]!
          : b.data[broadcastSource(idx, sb)]!;
      });
      expectSame(out.data, expected);
    },
  );

  test('numbers for a and b', () => {
    const cond = new NDArray(Float32Array.of(1, 0, -2), [3]);
    const out = K.where(cond, 5, -5);
    expect(out.dtype).toBe('float64');
    expect(Array.from(out.data)).toEqual([5, -5, 5]);
  });
});
