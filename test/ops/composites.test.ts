/** @file Every composite (ops built from primitives) against central differences, first and second order. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graph } from '../../src/engine/graph-backend.js';
import type { Node } from '../../src/engine/node.js';
import { gradcheck, Value } from '../../src/index.js';
import * as C from '../../src/ops/composites.js';
import type { Backend } from '../../src/ops/op.js';
import {
  broadcastPairArb,
  distinctArb,
  type Shape,
  shapeArb,
  tensorOf,
  valuesArb,
} from '../support/arbitraries.js';

/**
 * Every composite: each export of ops/composites.ts, and `sub`, which backends compose from add and
 * neg. A composite added there without a case below does not compile.
 */
type CompositeName = keyof typeof C | 'sub';

/** One random case of a composite: its inputs and how to apply it to them. */
interface Case {
  readonly inputs: Node[];
  readonly apply: (...xs: Node[]) => Node;
}

const B = graph as Backend<Node>;
const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** A shape, values from [-2, 2] and what to do with them, as one case. */
const onOne = (
  shapes: fc.Arbitrary<Shape>,
  how: (s: Shape) => fc.Arbitrary<(x: Node) => Node>,
  values: (s: Shape) => fc.Arbitrary<Float64Array> = (s) => valuesArb(s, -2, 2, true),
): fc.Arbitrary<Case> =>
  shapes.chain((s) =>
    fc.tuple(values(s), how(s)).map(([v, f]) => ({ inputs: [tensorOf(s, v)], apply: f as Case['apply'] })),
  );

/** An axis argument for a reduction: none, one axis (maybe negative), or a list of distinct axes. */
const axisArb = (s: Shape): fc.Arbitrary<number | number[] | undefined> =>
  s.length === 0
    ? fc.constantFrom(undefined, 0, -1)
    : fc.oneof(
        fc.constant(undefined),
        fc.integer({ min: -s.length, max: s.length - 1 }),
        fc.shuffledSubarray([...s.keys()], { minLength: 1 }),
      );

const CASES: Record<CompositeName, fc.Arbitrary<Case>> = {
  sub: fc.oneof(
    broadcastPairArb.chain(([s, t]) =>
      fc.tuple(valuesArb(s, -2, 2, true), valuesArb(t, -2, 2, true)).map(([a, b]) => ({
        inputs: [tensorOf(s, a), tensorOf(t, b)],
        apply: (x: Node, y: Node) => B.sub(x, y),
      })),
    ),
    onOne(shapeArb(), () => fc.double({ min: -3, max: 3, noNaN: true }).map((c) => (x: Node) => B.sub(x, c))),
  ),
  sum: onOne(shapeArb(), (s) =>
    fc.tuple(axisArb(s), fc.boolean()).map(
      ([axis, keep]) =>
        (x: Node) =>
          C.sum(B, x, axis, keep),
    ),
  ),
  mean: onOne(shapeArb(), (s) =>
    fc.tuple(axisArb(s), fc.boolean()).map(
      ([axis, keep]) =>
        (x: Node) =>
          C.mean(B, x, axis, keep),
    ),
  ),
  // NOTE: distinct values, so that no tie sits inside a finite-difference step
  extreme: onOne(
    shapeArb(),
    (s) =>
      fc.tuple(axisArb(s), fc.boolean(), fc.constantFrom('max' as const, 'min' as const)).map(
        ([axis, keep, kind]) =>
          (x: Node) =>
            C.extreme(B, x, axis, keep, kind),
      ),
    (s) => distinctArb(size(s)),
  ),
  logSoftmax: onOne(shapeArb(), (s) =>
    fc
      .integer({ min: -Math.max(s.length, 1), max: Math.max(s.length, 1) - 1 })
      .map((axis) => (x: Node) => C.logSoftmax(B, x, axis)),
  ),
  softmax: onOne(shapeArb(), (s) =>
    fc
      .integer({ min: -Math.max(s.length, 1), max: Math.max(s.length, 1) - 1 })
      .map((axis) => (x: Node) => C.softmax(B, x, axis)),
  ),
  transpose: onOne(
    shapeArb().filter((s) => s.length >= 2),
    (s) =>
      fc
        .tuple(fc.integer({ min: -s.length, max: s.length - 1 }), fc.integer({ min: 0, max: s.length - 1 }))
        .map(
          ([a, b]) =>
            (x: Node) =>
              C.transpose(B, x, a, b),
        ),
  ),
  squeeze: onOne(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 4 }), (s) =>
    (s.length === 0
      ? fc.constant(undefined)
      : fc.oneof(fc.constant(undefined), fc.shuffledSubarray([...s.keys()], { minLength: 1 }))
    ).map((axes) => (x: Node) => C.squeeze(B, x, axes)),
  ),
  unsqueeze: onOne(shapeArb(), (s) =>
    fc.integer({ min: -(s.length + 1), max: s.length }).map((axis) => (x: Node) => C.unsqueeze(B, x, axis)),
  ),
  stack: shapeArb().chain((s) =>
    fc
      .tuple(
        fc.array(valuesArb(s, -2, 2, true), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: -(s.length + 1), max: s.length }),
      )
      .map(([vs, axis]) => ({
        inputs: vs.map((v) => tensorOf(s, v)),
        apply: (...xs: Node[]) => C.stack(B, xs, axis),
      })),
  ),
  // NOTE: bounds halfway between the (distinct, 0.5 apart) values, so none sits at a kink
  clamp: shapeArb().chain((s) =>
    fc
      .tuple(
        distinctArb(size(s)),
        fc.option(fc.integer({ min: -4, max: 4 })),
        fc.option(fc.integer({ min: -4, max: 4 })),
      )
      .filter(([, lo, hi]) => lo !== null || hi !== null)
      .map(([v, lo, hi]) => {
        const jitter = v.length > 0 ? v[0]! - Math.round(v[0]! * 2) / 2 : 0;
        const bound = (k: number | null) => (k === null ? undefined : k * 0.5 + 0.25 + jitter);
        return { inputs: [tensorOf(s, v)], apply: (x: Node) => C.clamp(B, x, bound(lo), bound(hi)) };
      }),
  ),
};

describe('composites', () => {
  it('has a case for every composite', () => {
    expect(Object.keys(CASES).sort()).toEqual([...Object.keys(C), 'sub'].sort());
  });

  for (const name of Object.keys(CASES) as CompositeName[]) {
    it(`${name === 'extreme' ? 'extreme (max, min)' : name}: tensor gradients match central differences, first and second order`, () => {
      fc.assert(
        fc.property(CASES[name], ({ inputs, apply }) => {
          expect(gradcheck(apply, inputs).message).toBe('gradcheck passed');
        }),
        { numRuns: 25 },
      );
    });
  }

  it('sub: Value gradients match central differences, first and second order', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (a, b) => {
          const report = gradcheck((x: Node, y: Node) => B.sub(x, y), [new Value(a), new Value(b)]);
          expect(report.message).toBe('gradcheck passed');
        },
      ),
      { numRuns: 50 },
    );
  });
});
