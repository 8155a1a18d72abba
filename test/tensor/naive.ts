/** @file Reference implementations for the Tensor tests: index arithmetic, broadcasting, matmul and reductions by plain loops. */

import fc from 'fast-check';
import { expect } from 'vitest';
import { fromTypedArray, type Nested, type Tensor } from '../../src/index.js';

import { ravel, sizeOf, unravel } from '../support/reference.js';

export { testProp } from '../support/property.js';
export { ravel, sizeOf, unravel };

export type Shape = number[];

/** Size-1, small, odd and prime sizes: the cases fast paths and remainders get wrong. */
export const SIZES = [1, 2, 3, 5, 7] as const;

/** NumPy broadcasting, written out again for the tests. */
export function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`naive: ${a} vs ${b}`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Where element `outIdx` of the broadcast result reads from in an array of `shape`. */
export function readIndex(outIdx: readonly number[], shape: readonly number[]): number {
  const lead = outIdx.length - shape.length;
  return ravel(
    shape.map((d, i) => (d === 1 ? 0 : outIdx[lead + i]!)),
    shape,
  );
}

/** `f` applied elementwise with broadcasting. */
export function zipWith(
  a: ArrayLike<number>,
  as: readonly number[],
  b: ArrayLike<number>,
  bs: readonly number[],
  f: (x: number, y: number) => number,
): { shape: number[]; data: number[] } {
  const shape = broadcast(as, bs);
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    data.push(f(a[readIndex(idx, as)]!, b[readIndex(idx, bs)]!));
  }
  return { shape, data };
}

/** torch.matmul by its definition: lift 1-D operands, broadcast batch axes, triple loop, drop the lifted axes. */
export function matmulNaive(
  a: ArrayLike<number>,
  sa: readonly number[],
  b: ArrayLike<number>,
  sb: readonly number[],
): { shape: number[]; data: number[] } {
  const as = sa.length === 1 ? [1, sa[0]!] : [...sa];
  const bs = sb.length === 1 ? [sb[0]!, 1] : [...sb];
  const m = as[as.length - 2]!;
  const k = as[as.length - 1]!;
  const n = bs[bs.length - 1]!;
  if (bs[bs.length - 2] !== k) throw new Error('naive matmul: inner sizes');
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const batch = broadcast(ab, bb);
  const data: number[] = [];
  for (let t = 0; t < sizeOf(batch); t++) {
    const idx = unravel(t, batch);
    const oa = readIndex(idx, ab) * m * k;
    const ob = readIndex(idx, bb) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[oa + i * k + p]! * b[ob + p * n + j]!;
        data.push(s);
      }
    }
  }
  const shape = [...batch, ...(sa.length === 1 ? [] : [m]), ...(sb.length === 1 ? [] : [n])];
  return { shape, data };
}

/** Axes a reduction covers: all when undefined, negatives counted from the end, sorted. */
export function axesOf(axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return [...Array(ndim).keys()];
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return list.map((a) => (a < 0 ? a + ndim : a)).sort((p, q) => p - q);
}

/** A reduction by grouping every element under its output position. */
export function reduceNaive(
  x: ArrayLike<number>,
  shape: readonly number[],
  axis: number | readonly number[] | undefined,
  keepdim: boolean,
  kind: 'sum' | 'mean' | 'max' | 'min',
): { shape: number[]; data: number[] } {
  const axes = axesOf(axis, shape.length);
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: sizeOf(kept) }, () => []);
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape).map((v, d) => (axes.includes(d) ? 0 : v));
    groups[ravel(idx, kept)]!.push(x[i]!);
  }
  const data = groups.map((g) => {
    if (kind === 'sum') return g.reduce((s, v) => s + v, 0);
    if (kind === 'mean') return g.reduce((s, v) => s + v, 0) / g.length;
    return kind === 'max' ? Math.max(...g) : Math.min(...g);
  });
  return { shape: keepdim ? kept : shape.filter((_, i) => !axes.includes(i)), data };
}

/** The elements of a permuted copy: output axis i is input axis dims[i]. */
export function permuteNaive(
  x: ArrayLike<number>,
  shape: readonly number[],
  dims: readonly number[],
): number[] {
  const outShape = dims.map((d) => shape[d]!);
  const out: number[] = [];
  for (let i = 0; i < sizeOf(outShape); i++) {
    const o = unravel(i, outShape);
    const src = new Array<number>(shape.length);
    dims.forEach((d, j) => {
      src[d] = o[j]!;
    });
    out.push(x[ravel(src, shape)]!);
  }
  return out;
}

/** Deterministic values from a seed: small integers (so ties happen) or spread-out reals. */
export function values(n: number, seed: number, kind: 'ints' | 'reals' | 'positive' = 'reals'): Float64Array {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = next();
    out[i] = kind === 'ints' ? Math.floor(u * 5) - 2 : kind === 'positive' ? 0.5 + 2.5 * u : 6 * u - 3;
  }
  return out;
}

/** A tensor of `shape` holding `values(...)`. */
export function rt(
  shape: readonly number[],
  seed: number,
  kind: 'ints' | 'reals' | 'positive' = 'reals',
  requiresGrad = false,
): Tensor {
  return fromTypedArray(values(sizeOf(shape), seed, kind), shape, { requiresGrad });
}

export function flat(t: Tensor): number[] {
  return Array.from(t.array.data);
}

/** Nested arrays flattened in row-major order. */
export function flatten(v: Nested): number[] {
  return Array.isArray(v) ? v.flatMap((e) => flatten(e)) : [v];
}

/** Same shape and every element within `tol` (absolute + relative), NaN matching NaN, ±∞ exact. */
export function expectTensor(
  t: Tensor,
  shape: readonly number[],
  data: ArrayLike<number>,
  tol = 1e-12,
): void {
  expect([...t.shape]).toEqual([...shape]);
  expectClose(flat(t), data, tol);
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `element ${i}: ${a} vs ${e}`).toBe(
        true,
      );
    } else if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
      expect.fail(`element ${i}: got ${a}, expected ${e} (tol ${tol})`);
    }
  }
}

export const arbShape = (minRank = 0, maxRank = 4, sizes: readonly number[] = SIZES): fc.Arbitrary<Shape> =>
  fc.array(fc.constantFrom(...sizes), { minLength: minRank, maxLength: maxRank });

/** Two shapes that broadcast: each drops some leading axes of a common shape and turns some sizes into 1. */
export const arbBroadcastPair = (maxRank = 4): fc.Arbitrary<[Shape, Shape]> =>
  arbShape(0, maxRank, [1, 2, 3, 5]).chain((out) => {
    const part = fc
      .tuple(fc.nat(out.length), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
      .map(([drop, ones]) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc.tuple(part, part);
  });

export const arbSeed = fc.integer({ min: 1, max: 2 ** 31 - 1 });

/** Gradients of Σ W ⊙ matmul(a, b) with respect to a and b, by the same loops as matmulNaive. */
export function matmulGradNaive(
  a: ArrayLike<number>,
  sa: readonly number[],
  b: ArrayLike<number>,
  sb: readonly number[],
  w: ArrayLike<number>,
): { ga: number[]; gb: number[] } {
  const as = sa.length === 1 ? [1, sa[0]!] : [...sa];
  const bs = sb.length === 1 ? [sb[0]!, 1] : [...sb];
  const m = as[as.length - 2]!;
  const k = as[as.length - 1]!;
  const n = bs[bs.length - 1]!;
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const batch = broadcast(ab, bb);
  const ga = new Array<number>(sizeOf(sa)).fill(0);
  const gb = new Array<number>(sizeOf(sb)).fill(0);
  let o = 0;
  for (let t = 0; t < sizeOf(batch); t++) {
    const idx = unravel(t, batch);
    const oa = readIndex(idx, ab) * m * k;
    const ob = readIndex(idx, bb) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++, o++) {
        for (let p = 0; p < k; p++) {
          ga[oa + i * k + p]! += w[o]! * b[ob + p * n + j]!;
          gb[ob + p * n + j]! += w[o]! * a[oa + i * k + p]!;
        }
      }
    }
  }
  return { ga, gb };
}
