/** @file Walks the rule table: every op's forward-mode rule is the adjoint of its reverse rule, ⟨u, J v⟩ = ⟨Jᵀ u, v⟩. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/engine/node.js';
import { jvp, type Tensor, Value, vjp } from '../../src/index.js';
import { DIFFERENTIABLE, OPS, type PrimitiveName } from '../../src/ops/table.js';
import { tangentRule } from '../../src/ops/tangent.js';
import { tensorOf, valuesArb } from '../support/arbitraries.js';
import { CASES, call, SCALAR_DOMAIN } from '../support/op-cases.js';

type Fn = (...xs: Tensor[]) => Tensor;

const dot = (a: Node, b: Node): number => {
  const [x, y] = [a.raw, b.raw];
  if (typeof x === 'number') return x * (y as number);
  if (typeof y === 'number') throw new Error('mixed kinds');
  let s = 0;
  for (let i = 0; i < x.size; i++) s += x.data[i]! * y.data[i]!;
  return s;
};

/** A random vector of each shape, from a seed, so fast-check can shrink the case and keep the vectors. */
const randomLike = (x: Tensor, seed: number): Tensor => {
  let state = seed >>> 0 || 1;
  const data = Float64Array.from({ length: x.size }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
  return tensorOf([...x.shape], data);
};

describe('forward mode on the rule table', () => {
  it('has a forward-mode rule for every op with a reverse rule', () => {
    for (const name of DIFFERENTIABLE) expect(tangentRule(OPS[name]), name).not.toBeNull();
  });

  for (const name of DIFFERENTIABLE) {
    it(`${name}: ⟨u, J v⟩ = ⟨Jᵀ u, v⟩ on random shapes, recorded or not`, () => {
      fc.assert(
        fc.property(CASES[name], fc.integer(), ({ inputs, apply, eps }, seed) => {
          const xs = inputs as Tensor[];
          const vs = xs.map((x, i) => randomLike(x, seed + i));
          const out = apply(...xs) as Tensor;
          const u = randomLike(out, seed - 1);
          const [, Jv] = jvp(apply as unknown as Fn, xs, vs);
          const [, JTu] = vjp(apply as unknown as Fn, xs, u);
          const lhs = dot(u, Jv as Tensor);
          const rhs = (JTu as Tensor[]).reduce((s, g, i) => s + dot(g, vs[i]!), 0);
          const tol = eps === undefined ? 1e-9 : 1e-5; // float32 rounding in the cast case
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(tol * (1 + Math.abs(lhs)));
          const [, recorded] = jvp(apply as unknown as Fn, xs, vs, { createGraph: true });
          expect(Math.abs(dot(u, recorded as Tensor) - lhs)).toBeLessThanOrEqual(tol * (1 + Math.abs(lhs)));
        }),
        { numRuns: 25 },
      );
    });
  }

  for (const [name, [lo, hi, signed]] of Object.entries(SCALAR_DOMAIN)) {
    const arity = OPS[name as PrimitiveName].arity;
    it(`${name}: on Values, the tangent equals the gradient times the direction`, () => {
      const v = fc
        .tuple(fc.double({ min: lo, max: hi, noNaN: true }), fc.boolean())
        .map(([m, s]) => (signed && s ? -m : m));
      fc.assert(
        fc.property(
          fc.array(v, { minLength: arity, maxLength: arity }),
          valuesArb([arity], -2, 2),
          (xs, dir) => {
            fc.pre(arity < 2 || Math.abs(xs[0]! - xs[1]!) > 1e-3);
            const f = call(name) as (...xs: Value[]) => Value;
            const ins = xs.map((x) => new Value(x));
            const [, t] = jvp(
              f,
              ins,
              [...dir].map((d) => new Value(d)),
            );
            const [, g] = vjp(f, ins);
            const want = (g as Value[]).reduce((s, gi, i) => s + gi.data * dir[i]!, 0);
            expect((t as Value).data).toBeCloseTo(want, 10);
          },
        ),
        { numRuns: 30 },
      );
    });
  }
});
