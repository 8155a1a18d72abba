/** @file The rule table's random cases, one per differentiable op: shared by the gradient and tangent checks. */

import fc from 'fast-check';
import { graph } from '../../src/engine/graph-backend.js';
import type { Node } from '../../src/engine/node.js';
import { NDArray, sizeOf } from '../../src/kernels/ndarray.js';
import type { DifferentiableName, ScalarName } from '../../src/ops/table.js';
import { broadcastPairArb, distinctArb, type Shape, shapeArb, tensorOf, valuesArb } from './arbitraries.js';

/** One random case of an op: its inputs and how to apply it to them. */
export interface Case {
  readonly inputs: Node[];
  readonly apply: (...xs: Node[]) => Node;
  /** A larger finite-difference step, for ops whose values round to float32 (exact for linear ops). */
  readonly eps?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: ops take differing attributes; the case supplies them
export const B = graph as any;
export const call =
  (name: string, attrs?: unknown) =>
  (...xs: Node[]) =>
    attrs === undefined ? B[name](...xs) : B[name](...xs, attrs);

/** An elementwise unary op on a random shape with values from its domain. */
const unary = (name: string, lo: number, hi: number, signed = false): fc.Arbitrary<Case> =>
  shapeArb().chain((s) =>
    valuesArb(s, lo, hi, signed).map((v) => ({ inputs: [tensorOf(s, v)], apply: call(name) })),
  );

/** An elementwise binary op on a random broadcastable pair of shapes. */
const binary = (
  name: string,
  lo: [number, number],
  hi: [number, number],
  signedY = true,
): fc.Arbitrary<Case> =>
  broadcastPairArb.chain(([s, t]) =>
    fc
      .tuple(valuesArb(s, lo[0], hi[0], true), valuesArb(t, lo[1], hi[1], signedY))
      .map(([a, b]) => ({ inputs: [tensorOf(s, a), tensorOf(t, b)], apply: call(name) })),
  );

/** A backward primitive (dy, y): one shape, as its rule calls it (the fused loop), or broadcast (the composed path). */
const backwardPrimitive = (name: string, lo: number, hi: number): fc.Arbitrary<Case> =>
  fc.oneof(
    shapeArb().chain((s) =>
      fc
        .tuple(valuesArb(s, 0, 3, true), valuesArb(s, lo, hi, true))
        .map(([a, b]) => ({ inputs: [tensorOf(s, a), tensorOf(s, b)], apply: call(name) })),
    ),
    binary(name, [0, lo], [3, hi]),
  );

/** A transposed matrix product (a @ bᵀ or aᵀ @ b) of random matrices whose inner sizes agree. */
const transposedProduct = (name: 'matmulNT' | 'matmulTN'): fc.Arbitrary<Case> =>
  fc
    .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
    .chain(([m, k, n]) => {
      const [s, t] =
        name === 'matmulNT'
          ? [
              [m, k],
              [n, k],
            ]
          : [
              [k, m],
              [k, n],
            ];
      return fc.tuple(valuesArb(s!, -2, 2), valuesArb(t!, -2, 2)).map(([a, b]) => ({
        inputs: [tensorOf(s!, a), tensorOf(t!, b)],
        apply: call(name),
      }));
    });

/** maximum/minimum on distinct values, so no tie sits inside a finite-difference step. */
const extremum = (name: string): fc.Arbitrary<Case> =>
  broadcastPairArb.chain(([s, t]) => {
    const n = s.reduce((a, b) => a * b, 1);
    const m = t.reduce((a, b) => a * b, 1);
    return distinctArb(n + m).map((v) => ({
      inputs: [tensorOf(s, v.slice(0, n)), tensorOf(t, v.slice(n))],
      apply: call(name),
    }));
  });

const reduceCase = (name: 'maxTo' | 'minTo'): fc.Arbitrary<Case> =>
  shapeArb()
    .filter((s) => s.length > 0)
    .chain((s) =>
      fc
        .tuple(distinctArb(s.reduce((a, b) => a * b, 1)), fc.subarray([...s.keys()], { minLength: 1 }))
        .map(([v, axes]) => ({
          inputs: [tensorOf(s, v)],
          apply: call(name, { axes: axes.sort(), evenTies: false }),
        })),
    );

/** A shape of rank ≥ 1 and one of its axes. */
const axisCase: fc.Arbitrary<[Shape, number]> = shapeArb()
  .filter((s) => s.length > 0)
  .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 })));

/** A shape, an axis and an index array for gather on it (repeats and negative indices included). */
const gatherCase: fc.Arbitrary<[Shape, number, NDArray]> = axisCase.chain(([s, axis]) =>
  fc.tuple(...s.map((d, a) => fc.integer({ min: 1, max: a === axis ? 4 : d }))).chain((ishape) =>
    fc
      .array(fc.integer({ min: -s[axis]!, max: s[axis]! - 1 }), {
        minLength: sizeOf(ishape),
        maxLength: sizeOf(ishape),
      })
      .map((k): [Shape, number, NDArray] => [s, axis, new NDArray(Float64Array.from(k), ishape)]),
  ),
);

export const CASES: Record<DifferentiableName, fc.Arbitrary<Case>> = {
  neg: unary('neg', -3, 3),
  exp: unary('exp', -3, 3),
  log: unary('log', 0.1, 5),
  tanh: unary('tanh', -3, 3),
  sigmoid: unary('sigmoid', -6, 6),
  relu: unary('relu', 0.1, 3, true), // NOTE: away from the kink at 0; its value there is tested by value
  sigmoidBackward: backwardPrimitive('sigmoidBackward', 0, 1.5),
  tanhBackward: backwardPrimitive('tanhBackward', 0, 1.5),
  reluBackward: backwardPrimitive('reluBackward', 0.1, 3), // NOTE: x away from the kink at 0, as relu
  abs: unary('abs', 0.1, 3, true),
  sqrt: unary('sqrt', 0.1, 5),
  sin: unary('sin', -3, 3, true),
  cos: unary('cos', -3, 3, true),
  log1p: unary('log1p', -0.5, 3),
  expm1: unary('expm1', -3, 3),
  softplus: unary('softplus', -5, 5),
  cumsum: axisCase.chain(([s, axis]) =>
    valuesArb(s, -2, 2).map((v) => ({ inputs: [tensorOf(s, v)], apply: call('cumsum', axis) })),
  ),
  gather: gatherCase.chain(([s, axis, index]) =>
    valuesArb(s, -2, 2).map((v) => ({ inputs: [tensorOf(s, v)], apply: call('gather', { axis, index }) })),
  ),
  scatterAdd: gatherCase.chain(([s, axis, index]) =>
    valuesArb([...index.shape], -2, 2).map((v) => ({
      inputs: [tensorOf([...index.shape], v)],
      apply: call('scatterAdd', { axis, index, shape: s }),
    })),
  ),
  add: binary('add', [0, 0], [3, 3]),
  mul: binary('mul', [0, 0], [3, 3]),
  div: binary('div', [0, 0.5], [3, 3]),
  cast: unary('neg', -3, 3).map((c) => ({
    ...c,
    apply: (x: Node) => B.cast(B.mul(B.cast(x, 'float32'), 3), 'float64'),
    eps: 1e-2,
  })),
  // NOTE: exponents away from exactly 0, where the masked derivative (as PyTorch's) has no second derivative
  pow: binary('pow', [0.5, 0.1], [2, 2]).map((c) => ({ ...c, inputs: [B.abs(c.inputs[0]), c.inputs[1]!] })),
  maximum: extremum('maximum'),
  minimum: extremum('minimum'),
  where: broadcastPairArb.chain(([s, t]) =>
    fc.tuple(valuesArb(s, 0, 1), valuesArb(t, -2, 2), valuesArb(s, -2, 2)).map(([c, a, b]) => ({
      inputs: [tensorOf(t, a), tensorOf(s, b)],
      apply: (x: Node, y: Node) =>
        B.where(
          tensorOf(
            s,
            c.map((v) => (v > 0.5 ? 1 : 0)),
          ),
          x,
          y,
        ),
    })),
  ),
  matmul: fc
    .tuple(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom('1x1', '2x2', '1x2', '2x1', 'batched', 'broadcast'),
    )
    .chain(([m, k, n, form]) => {
      const shapes: Record<string, [number[], number[]]> = {
        '1x1': [[k], [k]],
        '2x2': [
          [m, k],
          [k, n],
        ],
        '1x2': [[k], [k, n]],
        '2x1': [[m, k], [k]],
        batched: [
          [2, m, k],
          [2, k, n],
        ],
        broadcast: [
          [2, 1, m, k],
          [3, k, n],
        ],
      };
      const [s, t] = shapes[form]!;
      return fc.tuple(valuesArb(s, -2, 2), valuesArb(t, -2, 2)).map(([a, b]) => ({
        inputs: [tensorOf(s, a), tensorOf(t, b)],
        apply: call('matmul'),
      }));
    }),
  matmulNT: transposedProduct('matmulNT'),
  matmulTN: transposedProduct('matmulTN'),
  sumTo: broadcastPairArb.chain(([s, t]) => {
    const [big, small] =
      s.length >= t.length && s.every((d, i) => d >= (t[i - s.length + t.length] ?? 1)) ? [s, t] : [t, s];
    return valuesArb(big, -2, 2).map((v) => ({ inputs: [tensorOf(big, v)], apply: call('sumTo', small) }));
  }),
  expand: broadcastPairArb.chain(([s, t]) => {
    const [big, small] =
      s.length >= t.length && s.every((d, i) => d >= (t[i - s.length + t.length] ?? 1)) ? [s, t] : [t, s];
    return valuesArb(small, -2, 2).map((v) => ({ inputs: [tensorOf(small, v)], apply: call('expand', big) }));
  }),
  reshape: shapeArb().chain((s) =>
    valuesArb(s, -2, 2).map((v) => ({ inputs: [tensorOf(s, v)], apply: call('reshape', [...s].reverse()) })),
  ),
  permute: shapeArb().chain((s) =>
    fc
      .tuple(
        valuesArb(s, -2, 2),
        fc.shuffledSubarray([...s.keys()], { minLength: s.length, maxLength: s.length }),
      )
      .map(([v, dims]) => ({ inputs: [tensorOf(s, v)], apply: call('permute', dims) })),
  ),
  maxTo: reduceCase('maxTo'),
  minTo: reduceCase('minTo'),
  slice: shapeArb()
    .filter((s) => s.length > 0)
    .chain((s) =>
      fc.integer({ min: 0, max: s.length - 1 }).chain((axis) =>
        fc
          .tuple(
            valuesArb(s, -2, 2),
            fc.integer({ min: 0, max: s[axis]! }),
            fc.integer({ min: 0, max: s[axis]! }),
          )
          .filter(([, a, b]) => a < b)
          .map(([v, a, b]) => ({
            inputs: [tensorOf(s, v)],
            apply: call('slice', { axis, start: Math.min(a, b), end: Math.max(a, b) }),
          })),
      ),
    ),
  cat: shapeArb()
    .filter((s) => s.length > 0)
    .chain((s) =>
      fc
        .tuple(
          fc.integer({ min: 0, max: s.length - 1 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
        )
        .chain(([axis, n1, n2]) => {
          const s1 = s.map((d, i) => (i === axis ? n1 : d));
          const s2 = s.map((d, i) => (i === axis ? n2 : d));
          return fc
            .tuple(valuesArb(s, -2, 2), valuesArb(s1, -2, 2), valuesArb(s2, -2, 2))
            .map(([a, b, c]) => ({
              inputs: [tensorOf(s, a), tensorOf(s1, b), tensorOf(s2, c)],
              apply: (...xs: Node[]) => B.cat(xs, axis),
            }));
        }),
    ),
};

/**
 * Value domains for the differentiable ops that `Value` runs (those with a scalar forward): keyed by
 * type, so a missing domain does not compile.
 */
export const SCALAR_DOMAIN: Record<ScalarName & DifferentiableName, [number, number, boolean]> = {
  neg: [-3, 3, false],
  exp: [-3, 3, false],
  log: [0.1, 5, false],
  tanh: [-3, 3, false],
  sigmoid: [-6, 6, false],
  relu: [0.1, 3, true],
  sigmoidBackward: [-3, 3, false],
  tanhBackward: [-3, 3, false],
  reluBackward: [0.1, 3, true],
  abs: [0.1, 3, true],
  sqrt: [0.1, 5, false],
  sin: [-3, 3, true],
  cos: [-3, 3, true],
  log1p: [-0.5, 3, false],
  expm1: [-3, 3, false],
  softplus: [-5, 5, true],
  add: [-3, 3, false],
  mul: [-3, 3, false],
  div: [0.5, 3, true],
  where: [0.5, 3, true],
  pow: [0.5, 2, false],
  maximum: [-3, 3, false],
  minimum: [-3, 3, false],
};
