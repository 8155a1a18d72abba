/** @file Walks the rule table: every differentiable op against central differences, first and second order. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradcheck, Value } from '../../src/index.js';
import {
  DIFFERENTIABLE,
  type DifferentiableName,
  NON_DIFFERENTIABLE,
  OPS,
  type PrimitiveName,
} from '../../src/ops/table.js';
import { CASES, call, SCALAR_DOMAIN } from '../support/op-cases.js';

/** The methods a primitive is behind, where its name differs (so `-t max` finds maxTo's check). */
const METHOD_OF: Partial<Record<DifferentiableName, string>> = {
  maxTo: 'max',
  minTo: 'min',
  sumTo: 'sum',
  cast: 'to',
  sigmoidBackward: 'sigmoid',
  tanhBackward: 'tanh',
  reluBackward: 'relu',
  matmulNT: 'matmul',
  matmulTN: 'matmul',
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
