/** @file Walks the rule table: every differentiable op against central differences, first and second order. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graph } from '../../src/engine/graph-backend.js';
import type { Node } from '../../src/engine/node.js';
import { gradcheck, Value } from '../../src/index.js';
import {
  DIFFERENTIABLE,
  type DifferentiableName,
  NON_DIFFERENTIABLE,
  OPS,
  type PrimitiveName,
  type ScalarName,
} from '../../src/ops/table.js';
import { broadcastPairArb, distinctArb, shapeArb, tensorOf, valuesArb } from '../support/arbitraries.js';

/** One random case of an op: its inputs and how to apply it to them. */
interface Case {
  readonly inputs: Node[];
  readonly apply: (...xs: Node[]) => Node;
  /** A larger finite-difference step, for ops whose values round to float32 (exact for linear ops). */
  readonly eps?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: ops take differing attributes; the case supplies them
const B = graph as any;
const call =
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

const CASES: Record<DifferentiableName, fc.Arbitrary<Case>> = {
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
const SCALAR_DOMAIN: Record<ScalarName & DifferentiableName, [number, number, boolean]> = {
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
  add: [-3, 3, false],
  mul: [-3, 3, false],
  div: [0.5, 3, true],
  where: [0.5, 3, true],
  pow: [0.5, 2, false],
  maximum: [-3, 3, false],
  minimum: [-3, 3, false],
};

/** The methods a primitive is behind, where its name differs (so `-t max` finds maxTo's check). */
const METHOD_OF: Partial<Record<DifferentiableName, string>> = {
  maxTo: 'max',
  minTo: 'min',
  sumTo: 'sum',
  cast: 'to',
  sigmoidBackward: 'sigmoid',
  tanhBackward: 'tanh',
  reluBackward: 'relu',
};

describe('the rule table', () => {
  it('has a gradient-check case for every differentiable op, and a scalar domain for every op Value runs', () => {
    expect(Object.keys(CASES).sort()).toEqual([...DIFFERENTIABLE].sort());
    const scalarOps = DIFFERENTIABLE.filter((n) => OPS[n].scalar !== undefined);
    expect(Object.keys(SCALAR_DOMAIN).sort()).toEqual([...scalarOps].sort());
  });

  it('files each op under its own name', () => {
    for (const [key, op] of Object.entries(OPS)) expect(op.name, `OPS.${key}`).toBe(key);
  });

  it('has a rule exactly for the differentiable ops', () => {
    for (const name of DIFFERENTIABLE) expect(OPS[name].backward).not.toBeNull();
    for (const name of NON_DIFFERENTIABLE) expect(OPS[name].backward).toBeNull();
  });

  for (const name of DIFFERENTIABLE) {
    it(`${name}${METHOD_OF[name] ? ` (${METHOD_OF[name]})` : ''}: tensor gradients match central differences, first and second order`, () => {
      fc.assert(
        fc.property(CASES[name], ({ inputs, apply, eps }) => {
          const report = gradcheck(apply, inputs, { eps });
          expect(report.message).toBe('gradcheck passed');
        }),
        { numRuns: 25 },
      );
    });
  }

  for (const [name, [lo, hi, signed]] of Object.entries(SCALAR_DOMAIN)) {
    const arity = OPS[name as PrimitiveName].arity;
    it(`${name}: Value gradients match central differences, first and second order`, () => {
      const v = fc
        .tuple(fc.double({ min: lo, max: hi, noNaN: true }), fc.boolean())
        .map(([m, s]) => (signed && s ? -m : m));
      fc.assert(
        fc.property(fc.array(v, { minLength: arity, maxLength: arity }), (xs) => {
          fc.pre(arity < 2 || Math.abs(xs[0]! - xs[1]!) > 1e-3);
          const report = gradcheck(
            call(name),
            xs.map((x) => new Value(x)),
          );
          expect(report.message).toBe('gradcheck passed');
        }),
        { numRuns: 50 },
      );
    });
  }
});
