/** @file The narrow-output gemm: the JS gemm's numbers to the bit, on strided operands, in either loop order. */

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { gemmStrided, NARROW } from '../../src/kernels/gemm-narrow.js';
import { type GemmFn, gemm, matmulNT, NDArray, setGemm } from '../../src/kernels/index.js';
import { arbDType, arbSeed, randomArray, testProp } from './helpers.js';

/**
 * C += A·B summed as the JS gemm documents it: per element, four products summed left to right and
 * then added to C, from p = 0; the last k mod 4 added one at a time. `at(i, p)`, `bt(p, j)` read A, B.
 */
function reference(
  at: (i: number, p: number) => number,
  bt: (p: number, j: number) => number,
  c: Float64Array | Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let p = 0;
      for (; p + 3 < k; p += 4) {
        c[i * n + j]! +=
          at(i, p) * bt(p, j) +
          at(i, p + 1) * bt(p + 1, j) +
          at(i, p + 2) * bt(p + 2, j) +
          at(i, p + 3) * bt(p + 3, j);
      }
      for (; p < k; p++) c[i * n + j]! += at(i, p) * bt(p, j);
    }
  }
}

const bits = (x: ArrayLike<number>) => Array.from(x, (v) => (Object.is(v, -0) ? '-0' : v));

// Inner sizes on both sides of LONG_K and of the gemm's blocks of 64 along k; columns narrow and wide.
const arbM = fc.constantFrom(1, 2, 3, 5, 9, 33);
const arbK = fc.constantFrom(0, 1, 2, 3, 4, 5, 8, 9, 13, 70, 131);
const arbN = fc.constantFrom(1, 2, 3, NARROW - 1, NARROW, 11);

testProp([arbM, arbK, arbN, arbDType, arbSeed])(
  'gemm sums each element in the documented order, narrow or wide, and adds to C',
  (m, k, n, dtype, seed) => {
    const a = randomArray([m, k], seed, dtype).data;
    const b = randomArray([k, n], seed + 1, dtype).data;
    const c0 = randomArray([m, n], seed + 2, dtype).data;
    const got = c0.slice();
    gemm(a, b, got, m, k, n);
    const want = c0.slice();
    reference(
      (i, p) => a[i * k + p]!,
      (p, j) => b[p * n + j]!,
      want,
      m,
      k,
      n,
    );
    expect(bits(got)).toEqual(bits(want));
  },
);

testProp([
  arbM,
  arbK,
  fc.integer({ min: 1, max: NARROW - 1 }),
  arbDType,
  fc.boolean(),
  fc.boolean(),
  arbSeed,
])(
  'gemmStrided reads transposed operands and offsets in place, with the same sums',
  (m, k, n, dtype, aT, bT, seed) => {
    // A stored as m×k or (transposed) k×m, B as k×n or n×k, each after 3 elements of padding.
    const a = randomArray([3 + m * k], seed, dtype).data;
    const b = randomArray([3 + k * n], seed + 1, dtype).data;
    const [ai, ap] = aT ? [1, m] : [k, 1];
    const [bp, bj] = bT ? [1, k] : [n, 1];
    const got = randomArray([2 + m * n], seed + 2, dtype).data;
    const want = got.slice(2);
    gemmStrided(a, b, got, m, k, n, 3, ai, ap, 3, bp, bj, 2);
    reference(
      (i, p) => a[3 + i * ai + p * ap]!,
      (p, j) => b[3 + p * bp + j * bj]!,
      want,
      m,
      k,
      n,
    );
    expect(bits(got.subarray(2))).toEqual(bits(want));
  },
);

test('setGemm puts a gemm back with what it said it hands to the JS gemm', () => {
  let calls = 0;
  const counting: GemmFn = (...args) => {
    calls++;
    gemm(...args);
  };
  const start = setGemm(counting, () => true); // hands everything on: narrow transposed products are read in place
  try {
    const a = new NDArray(new Float64Array(6).fill(1), [3, 2]);
    const b = new NDArray(new Float64Array(4).fill(2), [2, 2]);
    matmulNT(a, b);
    expect(calls).toBe(0);
    setGemm(gemm);
    setGemm(counting); // no second argument: it keeps what it said the first time
    matmulNT(a, b);
    expect(calls).toBe(0);
    setGemm(((...args) => counting(...args)) as GemmFn); // a gemm that said nothing is called
    matmulNT(a, b);
    expect(calls).toBe(1);
  } finally {
    setGemm(start);
  }
});
