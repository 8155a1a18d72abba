/**
 * @file Rules written input by input (`perInput`): a first-order `Value` pass calls them one input at a
 * time, and gets to the bit what the list form gives (which a traced pass and `createGraph` still run).
 */

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { apply } from '../../src/engine/apply.js';
import { traceBackward, Value } from '../../src/index.js';
import { numberBackend } from '../../src/ops/backends.js';
import { type AnyOp, inputRules, perInput } from '../../src/ops/op.js';
import { OPS } from '../../src/ops/table.js';
import { testProp } from '../support/property.js';

/** Every op whose rule was written with perInput and which runs on numbers. */
const PER_INPUT = (Object.values(OPS) as AnyOp[]).filter((op) => inputRules(op) && op.scalar);

const arbNumber = fc.oneof(
  fc.double({ min: -4, max: 4, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 0.5, 2, 1e-300),
);

describe('perInput rules', () => {
  test('are what every op of Value with a gradient uses, one per input', () => {
    const scalarOps = (Object.values(OPS) as AnyOp[]).filter((op) => op.scalar && op.backward !== null);
    expect(PER_INPUT.map((op) => op.name)).toEqual(scalarOps.map((op) => op.name));
    for (const op of PER_INPUT) expect(inputRules(op)).toHaveLength(op.arity);
  });

  testProp([
    fc.constantFrom(...PER_INPUT),
    fc.array(arbNumber, { minLength: 3, maxLength: 3 }),
    fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    fc.double({ min: -3, max: 3, noNaN: true }),
  ])(
    'a plain backward() gives the gradients of the traced pass (the list form) to the bit',
    (op, values, requires, upstream) => {
      const run = (traced: boolean): (number | null)[] => {
        const ins = values.slice(0, op.arity).map((v, i) => new Value(v, { requiresGrad: requires[i]! }));
        const out = apply(op, ins, undefined) as Value;
        const root = out.mul(upstream);
        if (!root.requiresGrad) return ins.map(() => null);
        if (traced) traceBackward(root);
        else root.backward();
        return ins.map((x) => x.grad);
      };
      const plain = run(false);
      const traced = run(true);
      expect(plain.map((g) => (Object.is(g, -0) ? '-0' : g))).toEqual(
        traced.map((g) => (Object.is(g, -0) ? '-0' : g)),
      );
    },
  );

  test('as a list: null where need says no, and for an input without a rule', () => {
    const rule = perInput<undefined, 2>((_B, g) => g, null);
    const ctx = { ins: [1, 2] as const, out: 3, attrs: undefined, need: [true, true] };
    expect(rule(numberBackend, 5, ctx)).toEqual([5, null]);
    expect(rule(numberBackend, 5, { ...ctx, need: [false, true] })).toEqual([null, null]);
    expect(rule.each).toHaveLength(2);
  });
});
