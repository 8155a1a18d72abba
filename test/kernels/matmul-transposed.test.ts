/** @file matmulNT and matmulTN: the numbers of matmul with a transposed operand, to the bit, on every kernel path and dtype. */

import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import {
  type DType,
  kernelPath,
  matmul,
  matmulNT,
  matmulTN,
  NDArray,
  permute,
  useKernels,
} from '../../src/kernels/index.js';
import { testProp } from '../support/property.js';

const start = kernelPath();
afterAll(() => useKernels(start));

/** A seeded r×c matrix of normal-ish numbers. */
function matrix(r: number, c: number, seed: number, dtype: DType): NDArray {
  const data = dtype === 'float32' ? new Float32Array(r * c) : new Float64Array(r * c);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32 - 0.5) * 4;
  }
  return new NDArray(data, [r, c]);
}

const T = (x: NDArray) => permute(x, [1, 0]);
const bits = (x: NDArray) => [x.dtype, x.shape, [...x.data].map((v) => (Object.is(v, -0) ? '-0' : v))];

describe.each(['js', 'wasm', 'auto'] as const)('on the %s kernel path', (path) => {
  testProp([
    fc.integer({ min: 1, max: 40 }),
    fc.integer({ min: 1, max: 40 }),
    fc.integer({ min: 1, max: 40 }),
    fc.constantFrom<DType>('float64', 'float32'),
    fc.constantFrom<DType>('float64', 'float32'),
    fc.nat(),
  ])('a @ bᵀ and aᵀ @ b equal matmul with a transposed copy', (m, k, n, da, db, seed) => {
    useKernels(path);
    const a = matrix(m, k, seed, da);
    const b = matrix(n, k, seed + 1, db);
    expect(bits(matmulNT(a, b))).toEqual(bits(matmul(a, T(b))));
    const at = matrix(k, m, seed + 2, da);
    const c = matrix(k, n, seed + 3, db);
    expect(bits(matmulTN(at, c))).toEqual(bits(matmul(T(at), c)));
  });

  test("operands larger than the reused buffer and than the WebAssembly gemm's blocks, and a small one after them", () => {
    useKernels(path);
    for (const [m, k, n] of [
      [3, 300, 260],
      [70, 300, 40], // more rows than one packed block of A (64), a longer k than one slab (256)
      [2, 3, 2],
      [0, 5, 3], // empty products
      [4, 0, 3],
      [4, 5, 0],
    ] as const) {
      const a = matrix(m, k, 7, 'float64');
      const b = matrix(n, k, 8, 'float64');
      expect(bits(matmulNT(a, b))).toEqual(bits(matmul(a, T(b))));
      const at = matrix(k, m, 9, 'float64');
      const c = matrix(k, n, 10, 'float64');
      expect(bits(matmulTN(at, c))).toEqual(bits(matmul(T(at), c)));
      expect(bits(matmulTN(T(b), c))).toEqual(bits(matmul(b, c)));
    }
  });
});

test('shapes are checked: matrices only, inner sizes equal', () => {
  const a = matrix(2, 3, 1, 'float64');
  expect(() => matmulNT(a, matrix(4, 2, 2, 'float64'))).toThrow(ShapeError);
  expect(() => matmulTN(a, matrix(3, 2, 2, 'float64'))).toThrow(/inner dimensions differ/);
  expect(() => matmulNT(new NDArray(new Float64Array(3), [3]), a)).toThrow(/two matrices/);
});
