import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import * as K from '../../src/kernels/index.js';
import { arbSeed, expectClose, randomArray, size, testProp } from './helpers.js';

const { NDArray } = K;

/** C[m×n] = A[m×k]·B[k×n] by the textbook triple loop. */
function naiveGemm(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[] {
  const c = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

/** torch.matmul by its definition: promote 1-D operands, broadcast batches, multiply, drop the added axes. */
function naiveMatmul(a: K.NDArray, b: K.NDArray): { shape: number[]; data: number[] } {
  const as = a.ndim === 1 ? [1, ...a.shape] : [...a.shape];
  const bs = b.ndim === 1 ? [...b.shape, 1] : [...b.shape];
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1]!;
  const batch = K.broadcastShapes(as.slice(0, -2), bs.slice(0, -2), 'naive');
  const data: number[] = [];
  for (let t = 0; t < size(batch); t++) {
    // Read each batch index through broadcasting by hand.
    const idx: number[] = [];
    for (let d = batch.length - 1, r = t; d >= 0; d--) {
      idx.unshift(r % batch[d]!);
      r = Math.floor(r / batch[d]!);
    }
    const pick = (bshape: number[]) => {
      let off = 0;
      const lead = batch.length - bshape.length;
      for (let d = 0; d < bshape.length; d++) off = off * bshape[d]! + (bshape[d] === 1 ? 0 : idx[lead + d]!);
      return off;
    };
    const oa = pick(as.slice(0, -2)) * m * k;
    const ob = pick(bs.slice(0, -2)) * k * n;
    data.push(...naiveGemm(a.data.subarray(oa, oa + m * k), b.data.subarray(ob, ob + k * n), m, k, n));
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return { shape, data };
}

const SIZES = [1, 2, 3, 7, 13] as const;
const arbDim = fc.constantFrom(...SIZES);
const arbBatch = fc.array(fc.constantFrom(1, 2, 3), { maxLength: 2 });

describe('gemm', () => {
  testProp(
    [
      fc.constantFrom(1, 3, 31, 67, 130),
      fc.constantFrom(1, 4, 7, 67, 130),
      fc.constantFrom(1, 5, 31, 130, 300),
      arbSeed,
    ],
    {
      numRuns: 25,
    },
  )('accumulates A·B into C at the given offsets, blocked or not', (m, k, n, seed) => {
    const a = randomArray([m * k + 3], seed).data;
    const b = randomArray([k * n + 5], seed + 1).data;
    const c = new Float64Array(m * n + 2).fill(1);
    K.gemm(a, b, c, m, k, n, 3, 5, 2);
    const ref = naiveGemm(a.subarray(3), b.subarray(5), m, k, n);
    expect(c[0]).toBe(1);
    expect(c[1]).toBe(1);
    expectClose(
      c.subarray(2),
      ref.map((v) => v + 1),
      1e-11,
    );
  });
});

describe('matmul', () => {
  testProp([arbDim, arbDim, arbDim, arbSeed])(
    '2-D · 2-D, 1-D · 2-D, 2-D · 1-D, 1-D · 1-D',
    (m, k, n, seed) => {
      const cases = [
        [randomArray([m, k], seed), randomArray([k, n], seed + 1)],
        [randomArray([k], seed), randomArray([k, n], seed + 1)],
        [randomArray([m, k], seed), randomArray([k], seed + 1)],
        [randomArray([k], seed), randomArray([k], seed + 1)],
      ] as const;
      for (const [a, b] of cases) {
        const out = K.matmul(a, b);
        const ref = naiveMatmul(a, b);
        expect(out.shape).toEqual(ref.shape);
        expectClose(out.data, ref.data, 1e-12);
      }
      expect(K.matmul(cases[3][0], cases[3][1]).shape).toEqual([]);
    },
  );

  testProp([arbBatch, arbBatch, arbDim, arbDim, arbDim, fc.constantFrom(0, 1, 2), arbSeed])(
    'batched with broadcast batch axes, and 1-D with n-D',
    (ba, bb, m, k, n, oneD, seed) => {
      let batchOk = true;
      try {
        K.broadcastShapes(ba, bb, 'test');
      } catch {
        batchOk = false;
      }
      const a = randomArray(oneD === 1 ? [k] : [...ba, m, k], seed);
      const b = randomArray(oneD === 2 ? [k] : [...bb, k, n], seed + 1);
      if (!batchOk && oneD === 0) {
        expect(() => K.matmul(a, b)).toThrow(/^matmul: batch dimensions/);
        return;
      }
      fc.pre(batchOk);
      const out = K.matmul(a, b);
      const ref = naiveMatmul(a, b);
      expect(out.shape).toEqual(ref.shape);
      expectClose(out.data, ref.data, 1e-12);
    },
  );

  test('the torch examples', () => {
    expect(K.matmul(randomArray([2, 1, 3, 4], 1), randomArray([5, 4, 6], 2)).shape).toEqual([2, 5, 3, 6]);
    expect(K.matmul(randomArray([10, 3, 4], 1), randomArray([4], 2)).shape).toEqual([10, 3]);
    expect(K.matmul(randomArray([4], 1), randomArray([10, 4, 5], 2)).shape).toEqual([10, 5]);
    expect(K.matmul(randomArray([0, 4], 1), randomArray([4, 5], 2)).shape).toEqual([0, 5]);
    const dot = K.matmul(
      new NDArray(Float64Array.of(1, 2, 3), [3]),
      new NDArray(Float64Array.of(4, 5, 6), [3]),
    );
    expect(dot.data[0]).toBe(32);
    const empty = K.matmul(randomArray([2, 0], 1), randomArray([0, 3], 2));
    expect(Array.from(empty.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  testProp([fc.constantFrom(67, 130), fc.constantFrom(31, 130), fc.constantFrom(13, 130), arbSeed], {
    numRuns: 6,
  })('large sizes through the blocked path', (m, k, n, seed) => {
    const a = randomArray([m, k], seed);
    const b = randomArray([2, k, n], seed + 1);
    const out = K.matmul(a, b);
    const ref = naiveMatmul(a, b);
    expect(out.shape).toEqual([2, m, n]);
    expectClose(out.data, ref.data, 1e-11);
  });

  testProp([fc.constantFrom(3, 31, 130), arbSeed], { numRuns: 6 })(
    'float32 agrees with float64 within float32 rounding',
    (k, seed) => {
      const a64 = randomArray([7, k], seed);
      const b64 = randomArray([k, 13], seed + 1);
      const a32 = new NDArray(Float32Array.from(a64.data), a64.shape);
      const b32 = new NDArray(Float32Array.from(b64.data), b64.shape);
      const out = K.matmul(a32, b32);
      expect(out.dtype).toBe('float32');
      expect(K.matmul(a32, b64).dtype).toBe('float64');
      const ref = naiveMatmul(
        new NDArray(Float64Array.from(a32.data), a32.shape),
        new NDArray(Float64Array.from(b32.data), b32.shape),
      );
      // Each sum of k products rounds at most k times in float32; bound by the sum of |terms|.
      const absRef = naiveMatmul(K.abs(a64), K.abs(b64)).data;
      for (let i = 0; i < out.size; i++) {
        expect(Math.abs(out.data[i]! - ref.data[i]!)).toBeLessThanOrEqual(
          (k + 2) * 2 ** -23 * (absRef[i]! * 1.01 + 1e-30),
        );
      }
    },
  );

  test('shape errors name the op and both shapes', () => {
    expect(() => K.matmul(randomArray([3, 4], 1), randomArray([5, 2], 2))).toThrow(
      new ShapeError(
        'matmul',
        'inner dimensions differ: [3, 4] @ [5, 2] (4 vs 5)',
        'transpose one operand, or reshape it',
      ),
    );
    expect(() => K.matmul(randomArray([3], 1), randomArray([4], 2), 'dot')).toThrow(
      'dot: inner dimensions differ: [3] @ [4] (3 vs 4)',
    );
    expect(() => K.matmul(randomArray([], 1), randomArray([4], 2))).toThrow(
      'matmul: both arguments need at least 1 dimension, got [] and [4]',
    );
    expect(() => K.matmul(randomArray([2, 3, 4], 1), randomArray([5, 4, 2], 2))).toThrow(
      'matmul: batch dimensions [2] and [5] do not broadcast: [2, 3, 4] @ [5, 4, 2]',
    );
  });

  test('setGemm swaps the gemm matmul uses, and returns the previous one', () => {
    let calls = 0;
    const counting: K.GemmFn = (...args) => {
      calls++;
      K.gemm(...args);
    };
    const previous = K.setGemm(counting);
    try {
      const out = K.matmul(randomArray([2, 3, 4], 1), randomArray([2, 4, 5], 2));
      expect(calls).toBe(2);
      expect(out.shape).toEqual([2, 3, 5]);
    } finally {
      expect(K.setGemm(previous)).toBe(counting);
    }
  });

  test('inputs are not mutated', () => {
    const a = randomArray([3, 4], 1);
    const b = randomArray([4, 2], 2);
    const [da, db] = [Array.from(a.data), Array.from(b.data)];
    K.matmul(a, b);
    expect(Array.from(a.data)).toEqual(da);
    expect(Array.from(b.data)).toEqual(db);
  });
});
