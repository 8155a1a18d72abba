/**
 * @file Products with a narrow output (fewer than `NARROW` columns), in the loop order that keeps
 * the long loop innermost, on operands read through strides (so a transposed operand needs no copy).
 */

import type { Data } from './ndarray.js';

/**
 * Below this many columns of C, `gemm`'s row-at-a-time tile runs inner loops too short to pay.
 * @example if (n < NARROW) gemmStrided(a, b, c, m, k, n, 0, k, 1, 0, n, 1);
 */
export const NARROW = 8;

/** Past this many terms per element, each element's sum runs innermost; up to it, the rows do. */
export const LONG_K = 8;

/**
 * C[m×n] += A[m×k] · B[k×n] with A[i, p] at `a[aOff + i·ai + p·ap]`, B[p, j] at `b[bOff + p·bp + j·bj]`
 * and C contiguous from `cOff`: to the bit what `gemm` computes on the same matrices laid out
 * contiguously, since each element adds the same terms in the same grouping (four products summed,
 * then added to C, from p = 0; the last k mod 4 one at a time). Only the order in which elements are
 * visited changes: a short k runs over rows innermost (the lesson's [400, 2] @ [2, 3]), a long k
 * runs each element's dot product innermost (the weight gradient Xᵀ @ G, [2, 400] @ [400, 3]).
 *
 * @example gemmStrided(a, b, c, 400, 2, 3, 0, 2, 1, 0, 3, 1); // c (400×3) += a (400×2) · b (2×3)
 */
export function gemmStrided(
  a: Data,
  b: Data,
  c: Data,
  m: number,
  k: number,
  n: number,
  aOff: number,
  ai: number,
  ap: number,
  bOff: number,
  bp: number,
  bj: number,
  cOff = 0,
): void {
  if (k > LONG_K) {
    // Long k: one element at a time. The sum is kept in C itself, as `gemm` keeps it, so a float32 C
    // rounds after every group as there (a local double would be more precise and differ in the last bit).
    const a4 = 4 * ap;
    const b4 = 4 * bp;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const o = cOff + i * n + j;
        let x = aOff + i * ai;
        let y = bOff + j * bj;
        let p = 0;
        for (; p + 3 < k; p += 4, x += a4, y += b4) {
          c[o]! +=
            a[x]! * b[y]! +
            a[x + ap]! * b[y + bp]! +
            a[x + 2 * ap]! * b[y + 2 * bp]! +
            a[x + 3 * ap]! * b[y + 3 * bp]!;
        }
        for (; p < k; p++, x += ap, y += bp) c[o]! += a[x]! * b[y]!;
      }
    }
    return;
  }
  // Short k: for each group of rows of B and each column, one pass down the rows of A and C.
  let p = 0;
  for (; p + 3 < k; p += 4) {
    for (let j = 0; j < n; j++) {
      const y = bOff + p * bp + j * bj;
      const b0 = b[y]!;
      const b1 = b[y + bp]!;
      const b2 = b[y + 2 * bp]!;
      const b3 = b[y + 3 * bp]!;
      for (let i = 0, x = aOff + p * ap, o = cOff + j; i < m; i++, x += ai, o += n) {
        c[o]! += a[x]! * b0 + a[x + ap]! * b1 + a[x + 2 * ap]! * b2 + a[x + 3 * ap]! * b3;
      }
    }
  }
  for (; p < k; p++) {
    for (let j = 0; j < n; j++) {
      const bv = b[bOff + p * bp + j * bj]!;
      for (let i = 0, x = aOff + p * ap, o = cOff + j; i < m; i++, x += ai, o += n) c[o]! += a[x]! * bv;
    }
  }
}
