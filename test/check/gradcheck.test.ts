/** @file gradcheck itself: it passes correct derivatives and catches wrong ones, naming input and values. */

import { describe, expect, it } from 'vitest';
import { apply } from '../../src/engine/apply.js';
import { gradcheck, randn, type Tensor, Value } from '../../src/index.js';
import { defineOp } from '../../src/ops/op.js';
import { exp } from '../../src/ops/unary.js';

describe('gradcheck', () => {
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
