/** @file Matrix products: a cache-blocked gemm, swappable for a faster one, and torch.matmul's shape rules on top. */

import { fmt, ShapeError } from '../errors.js';
import { broadcastOffsets, broadcastShapes } from './broadcast.js';
import { gemmStrided, NARROW } from './gemm-narrow.js';
import { transpose2d } from './layout.js';
import { alloc, allocate, type Data, NDArray, resultDType, sizeOf } from './ndarray.js';

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
 * A narrow C (fewer than `NARROW` columns) goes to `gemmStrided` instead, which sums the same way.
 *
 * @example gemm(a, b, c, 2, 3, 4); // c (2×4) += a (2×3) · b (3×4)
 */
export const gemm: GemmFn = (a, b, c, m, k, n, aOff = 0, bOff = 0, cOff = 0) => {
  if (n < NARROW) {
    gemmStrided(a, b, c, m, k, n, aOff, k, 1, bOff, n, 1, cOff);
    return;
  }
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

/**
 * Whether a gemm hands the product of these operands to the JS `gemm` (see `setGemm`).
 * @example const small: TakesJs = (a, b, c, m, k, n) => 2 * m * k * n < 4096;
 */
export type TakesJs = (a: Data, b: Data, c: Data, m: number, k: number, n: number) => boolean;

/**
 * C[m×n] += Aᵀ·B with `at` = Aᵀ ([k×m], row-major) read in place, giving the numbers its gemm gives
 * on a transposed copy of `at`; returns false, computing nothing, for a product it does not take
 * (then `matmulTN` transposes into a copy).
 */
export type GemmTN = (at: Data, b: Data, c: Data, m: number, k: number, n: number) => boolean;

const ALWAYS: TakesJs = () => true;
const NEVER: TakesJs = () => false;
const takesJsOf = new WeakMap<GemmFn, TakesJs>([[gemm, ALWAYS]]);
const transposedAOf = new WeakMap<GemmFn, GemmTN>();

let active: GemmFn = gemm;
let takesJs: TakesJs = ALWAYS;
let activeTN: GemmTN | null = null;
let version = 0;

/**
 * A number that changes whenever `setGemm` runs: what `stridedProduct` answered before a change may
 * not hold after it (`compile` lowers a captured step again).
 * @example const seen = gemmVersion(); useKernels('js'); gemmVersion() !== seen; // true
 */
export function gemmVersion(): number {
  return version;
}

/**
 * Replaces the gemm that matmul uses (e.g. with a WebAssembly one); returns the previous one.
 * `jsFor` says which products the new gemm passes on to the JS `gemm` (the JS gemm itself: all;
 * otherwise none unless told): for those, `matmulNT`/`matmulTN` read the transposed operand in place,
 * which gives the JS gemm's numbers without copying it. `transposedA`, if given, runs the products
 * of `matmulTN` it takes as `fn` would on a transposed copy, without the copy. Putting a gemm back
 * restores its `jsFor` and `transposedA`.
 *
 * @example setGemm(pick, (a, b, c, m, k, n) => 2 * m * k * n < 4096);
 */
export function setGemm(fn: GemmFn, jsFor?: TakesJs, transposedA?: GemmTN): GemmFn {
  if (jsFor !== undefined) takesJsOf.set(fn, jsFor);
  if (transposedA !== undefined) transposedAOf.set(fn, transposedA);
  const previous = active;
  active = fn;
  takesJs = takesJsOf.get(fn) ?? NEVER;
  activeTN = transposedAOf.get(fn) ?? null;
  version++;
  return previous;
}

/**
 * A product as `gemmStrided` computes it: C[m×n] (contiguous, from 0) += A·B with A[i, p] at
 * `a[i·ai + p·ap]` and B[p, j] at `b[p·bp + j·bj]`.
 */
export interface StridedProduct {
  readonly a: Data;
  readonly b: Data;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly ai: number;
  readonly ap: number;
  readonly bp: number;
  readonly bj: number;
}

/** The three matrix-product kernels. */
export type ProductKind = 'matmul' | 'matmulNT' | 'matmulTN';

/**
 * How `matmul` (B one matrix, shared by every row of A), `matmulNT` or `matmulTN` of `a` and `b` into `c` runs
 * when it goes to `gemmStrided` (a narrow C the active gemm hands to the JS gemm), or null when it
 * runs elsewhere. `matmulNT` and `matmulTN` ask this to choose (matmul's JS gemm sends a narrow C to
 * `gemmStrided` itself, with these strides), and `compile` to fuse such a product into a loop with
 * the same sums (compile/fuse.ts).
 *
 * @example stridedProduct('matmulNT', g, w, c); // g [m, k] @ w [n, k]ᵀ: { ai: k, ap: 1, bp: 1, bj: k, … }
 */
export function stridedProduct(kind: ProductKind, a: NDArray, b: NDArray, c: Data): StridedProduct | null {
  // matmul stacks A's matrices only when B is one matrix (no batch axes, or all of size 1)
  if (b.ndim < 2 || (kind === 'matmul' && sizeOf(b.shape.slice(0, -2)) !== 1)) return null;
  const [r, s] = [b.shape.at(-2)!, b.shape.at(-1)!];
  const n = kind === 'matmulNT' ? r : s;
  const k = kind === 'matmulNT' ? s : r;
  const m = c.length / n;
  if (n === 0 || n >= NARROW || !takesJs(a.data, b.data, c, m, k, n)) return null;
  if (kind === 'matmul') return { a: a.data, b: b.data, m, k, n, ai: k, ap: 1, bp: n, bj: 1 };
  if (kind === 'matmulNT') return { a: a.data, b: b.data, m, k, n, ai: k, ap: 1, bp: 1, bj: k };
  return { a: a.data, b: b.data, m, k, n, ai: 1, ap: m, bp: n, bj: 1 };
}

/** Runs `p` into `c` (see `stridedProduct`). */
function runStrided(p: StridedProduct, c: Data): void {
  gemmStrided(p.a, p.b, c, p.m, p.k, p.n, 0, p.ai, p.ap, 0, p.bp, p.bj);
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

/**
 * The transposed operands of `matmulNT`/`matmulTN` are written here rather than into a new array:
 * one buffer per dtype, grown on demand up to `SCRATCH_LIMIT` elements (larger operands get an
 * array of their own, whose cost is small next to their product). Read only inside one gemm call,
 * never handed out.
 */
const SCRATCH_LIMIT = 1 << 16;
let scratch64 = new Float64Array(0);
let scratch32 = new Float32Array(0);

/**
 * The r×c matrix `x` transposed (c×r), in the scratch buffer of its dtype when it fits there. A larger
 * one gets an array that no allocation hook sees: it is scratch too, and whether a product needs it
 * depends on the kernel path (the WebAssembly gemm reads aᵀ in place), which may change between a
 * compiled step's capture and its replays.
 */
function transposed(x: Data, r: number, c: number): Data {
  const n = r * c;
  let t: Data;
  if (n > SCRATCH_LIMIT) {
    t = allocate(x instanceof Float32Array ? 'float32' : 'float64', n, 'matmul');
  } else if (x instanceof Float32Array) {
    if (scratch32.length < n) scratch32 = new Float32Array(Math.max(n, 2 * scratch32.length));
    t = scratch32;
  } else {
    if (scratch64.length < n) scratch64 = new Float64Array(Math.max(n, 2 * scratch64.length));
    t = scratch64;
  }
  transpose2d(x, t, r, c);
  return t;
}

/** The two matrices of a transposed product, checked: 2-D each, inner sizes equal. */
function matrices(a: NDArray, b: NDArray, op: string, form: string): void {
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new ShapeError(
      op,
      `${form} takes two matrices, got ${fmt(a.shape)} and ${fmt(b.shape)}`,
      'use matmul',
    );
  }
}

/**
 * a @ bᵀ for matrices a [m×k] and b [n×k], as `matmul(a, transpose(b))` computes it to the bit (the
 * same gemm on the same numbers) but without a transposed array: what matmul's rule needs for g @ bᵀ.
 *
 * @example matmulNT(a, b); // [2, 3] @ [4, 3]ᵀ → [2, 4]
 */
export function matmulNT(a: NDArray, b: NDArray, op = 'matmulNT'): NDArray {
  matrices(a, b, op, 'a @ bᵀ');
  const [m, k] = a.shape as [number, number];
  const [n, k2] = b.shape as [number, number];
  if (k !== k2) {
    throw new ShapeError(
      op,
      `inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)}ᵀ (${k} vs ${k2})`,
      'use matmul',
    );
  }
  const c = alloc(resultDType(a, b), m * n);
  const strided = stridedProduct('matmulNT', a, b, c);
  if (strided !== null) runStrided(strided, c);
  else active(a.data, transposed(b.data, n, k), c, m, k, n);
  return new NDArray(c, [m, n]);
}

/**
 * aᵀ @ b for matrices a [k×m] and b [k×n], as `matmul(transpose(a), b)` computes it to the bit,
 * without a transposed array: what matmul's rule needs for aᵀ @ g.
 *
 * @example matmulTN(a, b); // [3, 2]ᵀ @ [3, 4] → [2, 4]
 */
export function matmulTN(a: NDArray, b: NDArray, op = 'matmulTN'): NDArray {
  matrices(a, b, op, 'aᵀ @ b');
  const [k, m] = a.shape as [number, number];
  const [k2, n] = b.shape as [number, number];
  if (k !== k2) {
    throw new ShapeError(
      op,
      `inner dimensions differ: ${fmt(a.shape)}ᵀ @ ${fmt(b.shape)} (${k} vs ${k2})`,
      'use matmul',
    );
  }
  const c = alloc(resultDType(a, b), m * n);
  const strided = stridedProduct('matmulTN', a, b, c);
  if (strided !== null) runStrided(strided, c);
  else if (activeTN === null || !activeTN(a.data, b.data, c, m, k, n)) {
    active(transposed(a.data, k, m), b.data, c, m, k, n);
  }
  return new NDArray(c, [m, n]);
}
