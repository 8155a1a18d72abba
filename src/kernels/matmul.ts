/** @file Matrix products: a cache-blocked gemm, swappable for a faster one, and torch.matmul's shape rules on top. */

import { fmt, ShapeError } from '../errors.js';
import { broadcastOffsets, broadcastShapes } from './broadcast.js';
import { alloc, type Data, NDArray, resultDType, sizeOf } from './ndarray.js';

/** A gemm: C[m×n] += A[m×k] · B[k×n], row-major, each matrix starting at its offset. */
export type GemmFn = (
  a: Data,
  b: Data,
  c: Data,
  m: number,
  k: number,
  n: number,
  aOff?: number,
  bOff?: number,
  cOff?: number,
) => void;

// A tile of B (KB rows × NB columns, 128 KiB in float64) stays in L2 while every row of A passes over it.
const KB = 64;
const NB = 256;

/** C[i0..i1, j0..j1] += A[i0..i1, p0..p1] · B[p0..p1, j0..j1], four rows of B per pass over a row of C. */
function tile(
  a: Data,
  b: Data,
  c: Data,
  k: number,
  n: number,
  aOff: number,
  bOff: number,
  cOff: number,
  m: number,
  p0: number,
  p1: number,
  j0: number,
  j1: number,
): void {
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * n;
    const ai = aOff + i * k;
    let p = p0;
    for (; p + 3 < p1; p += 4) {
      const a0 = a[ai + p]!;
      const a1 = a[ai + p + 1]!;
      const a2 = a[ai + p + 2]!;
      const a3 = a[ai + p + 3]!;
      const b0 = bOff + p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = j0; j < j1; j++) {
        c[ci + j]! += a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
      }
    }
    for (; p < p1; p++) {
      const ap = a[ai + p]!;
      const bp = bOff + p * n;
      for (let j = j0; j < j1; j++) c[ci + j]! += ap * b[bp + j]!;
    }
  }
}

/**
 * C[m×n] += A[m×k] · B[k×n], row-major, i-k-j order with the innermost loop running along a row.
 * Blocks over k and n only when B does not fit one tile, so small products pay no blocking cost.
 *
 * @example gemm(a, b, c, 2, 3, 4); // c (2×4) += a (2×3) · b (3×4)
 */
export const gemm: GemmFn = (a, b, c, m, k, n, aOff = 0, bOff = 0, cOff = 0) => {
  if (k <= KB && n <= NB) {
    tile(a, b, c, k, n, aOff, bOff, cOff, m, 0, k, 0, n);
    return;
  }
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = Math.min(j0 + NB, n);
    for (let p0 = 0; p0 < k; p0 += KB)
      tile(a, b, c, k, n, aOff, bOff, cOff, m, p0, Math.min(p0 + KB, k), j0, j1);
  }
};

let active: GemmFn = gemm;

/** Replaces the gemm that matmul uses (e.g. with a WebAssembly one); returns the previous one. */
export function setGemm(fn: GemmFn): GemmFn {
  const previous = active;
  active = fn;
  return previous;
}

/**
 * torch.matmul: 1-D·1-D is a dot product (0-d result); a 1-D operand is a row (left) or column
 * (right) vector whose axis is removed afterwards; batch axes (all but the last two) broadcast.
 *
 * @example matmul(a, b); // [2, 1, 3, 4] @ [5, 4, 6] → [2, 5, 3, 6]
 */
export function matmul(a: NDArray, b: NDArray, op = 'matmul'): NDArray {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      op,
      `both arguments need at least 1 dimension, got ${fmt(a.shape)} and ${fmt(b.shape)}`,
      'use mul to scale by a 0-d tensor',
    );
  }
  const aShape = a.ndim === 1 ? [1, a.shape[0]!] : a.shape;
  const bShape = b.ndim === 1 ? [b.shape[0]!, 1] : b.shape;
  const m = aShape[aShape.length - 2]!;
  const k = aShape[aShape.length - 1]!;
  const k2 = bShape[bShape.length - 2]!;
  const n = bShape[bShape.length - 1]!;
  if (k !== k2) {
    throw new ShapeError(
      op,
      `inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)} (${k} vs ${k2})`,
      'transpose one operand, or reshape it',
    );
  }
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes(batchA, batchB, op);
  } catch {
    throw new ShapeError(
      op,
      `batch dimensions ${fmt(batchA)} and ${fmt(batchB)} do not broadcast: ${fmt(a.shape)} @ ${fmt(b.shape)}`,
      'make the batch sizes equal, or 1 on one side',
    );
  }
  const count = sizeOf(batch);
  const c = alloc(resultDType(a, b), count * m * n);
  const gemmFn = active;
  if (sizeOf(batchB) === 1) {
    gemmFn(a.data, b.data, c, count * m, k, n); // B is shared: stack A's matrices into one tall one
  } else {
    const offA = broadcastOffsets(batchA, batch);
    const offB = broadcastOffsets(batchB, batch);
    for (let t = 0; t < count; t++)
      gemmFn(a.data, b.data, c, m, k, n, offA[t]! * m * k, offB[t]! * k * n, t * m * n);
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return new NDArray(c, shape);
}
