/** @file gradcheck itself: it passes correct derivatives and catches wrong ones, naming input and values. */

import { describe, expect, it } from 'vitest';
import { apply } from '../../src/engine/apply.js';
import { customOp, elementwiseOp, gradcheck, randn, type Tensor, tensor, Value } from '../../src/index.js';
import { defineOp } from '../../src/ops/op.js';
import { exp } from '../../src/ops/unary.js';

describe('gradcheck', () => {
  it('catches a rule that ignores its upstream gradient, even on a one-number output (it seeded exactly 1)', () => {
    const sq = customOp({
      name: 'sqIgnoresG',
      forward: (B, x) => B.mul(x, x),
      backward: (B, _g, { ins: [x] }) => [B.mul(x!, 2)],
    });
    const reports = [
      gradcheck((x: Value) => sq(x), [new Value(0.7)], { secondOrder: false }),
      gradcheck((x: Tensor) => sq(x), [tensor(0.7)], { secondOrder: false }),
    ];
    for (const report of reports) {
      expect(report.ok).toBe(false);
      // the derivative is 1.4; the rule gives 2x whatever its upstream gradient, seen at an upstream of 2
      expect(report.message).toMatch(/^order 1: input 0, element 0: analytic 0.7, numeric 1.4/);
    }
  });
  it('passes a correct composite, on Values and on Tensors', () => {
    expect(gradcheck((x) => (x as Value).tanh().mul(x as Value), [new Value(0.3)]).ok).toBe(true);
    const r = gradcheck(
      (a, b) => (a as Tensor).matmul(b as Tensor).sigmoid(),
      [randn([2, 3]), randn([3, 2])],
    );
    expect(r.message).toBe('gradcheck passed');
  });

  it('catches a wrong first derivative and names the input and both values', () => {
    const wrong = defineOp({
      ...exp,
      name: 'wrongExp',
      backward: (B, g, { out }) => [B.mul(g, B.mul(out, 2))],
    });
    const r = gradcheck((x) => apply(wrong, [x]), [new Value(0.5)]);
    expect(r.ok).toBe(false);
    expect(r.mismatches[0]).toMatchObject({ order: 1, input: 0, index: 0 });
    expect(r.mismatches[0]!.analytic).toBeCloseTo(2 * Math.exp(0.5), 8);
    expect(r.mismatches[0]!.numeric).toBeCloseTo(Math.exp(0.5), 6);
    expect(r.message).toMatch(/^order 1: input 0, element 0: analytic 3\.29\d+, numeric 1\.64\d+/);
  });

  // Fixed, kept as a regression test: the second-order check ran after a failed first order, and for an
  // elementwiseOp without d2f it threw "pass d2f", hiding the first-order report (2.1 vs 1.4).
  it('reports a wrong first derivative before checking second order, which it then skips', () => {
    const bad = elementwiseOp({ name: 'bad', f: (x) => x * x, df: (x) => 3 * x });
    const r = gradcheck((v) => bad(v), [new Value(0.7)]);
    expect(r.ok).toBe(false);
    expect(r.mismatches).toHaveLength(1);
    expect(r.mismatches[0]).toMatchObject({ order: 1, input: 0, index: 0 });
    expect(r.message).toMatch(/^order 1: input 0, element 0: analytic 2\.09\d+, numeric 1\.4\d*\n/);
    expect(r.message).toContain(
      'order 2: not checked, the first derivatives disagree; fix the first-order rule',
    );
    expect(gradcheck((v) => bad(v), [new Value(0.7)], { secondOrder: false }).message).not.toContain(
      'order 2',
    );
  });

  it('catches a first derivative that is right in value but not differentiable as written (second order)', () => {
    // the right number, computed from a detached output: first order passes, second order cannot
    const frozen = defineOp({
      ...exp,
      name: 'frozenExp',
      backward: (B, g, { out }) => [B.mul(g, B.detach(out))],
    });
    const r = gradcheck((x) => apply(frozen, [x]), [new Value(0.5)]);
    expect(r.mismatches.every((m) => m.order === 2)).toBe(true);
    expect(r.ok).toBe(false);
  });

  it('checks every element of a tensor input', () => {
    const wrong = defineOp({
      ...exp,
      name: 'wrongExp',
      backward: (B, g, { out }) => [B.mul(g, B.add(out, 1))],
    });
    const r = gradcheck((x) => apply(wrong, [x]), [randn([2, 2])], { secondOrder: false });
    expect(r.mismatches.map((m) => m.index)).toEqual([0, 1, 2, 3]);
  });
});
