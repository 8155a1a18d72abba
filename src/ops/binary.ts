/** @file Elementwise two-input ops with broadcasting; the engine sums broadcast axes back. */

import * as K from '../kernels/index.js';
import type { Backend, ScalarOp } from './op.js';

// ∂(x + y)/∂x = 1, ∂(x + y)/∂y = 1
export const add: ScalarOp<2> = {
  name: 'add',
  label: '+',
  arity: 2,
  jvp: 'linear',
  scalar: (x, y) => x + y,
  array: ([x, y]) => K.add(x, y, 'add'),
  backward: (_B, g) => [g, g],
};

// ∂(x·y)/∂x = y, ∂(x·y)/∂y = x; each formed only for an input that takes a gradient (`need`), as below
export const mul: ScalarOp<2> = {
  name: 'mul',
  label: '*',
  arity: 2,
  jvp: 'elementwise',
  scalar: (x, y) => x * y,
  array: ([x, y]) => K.mul(x, y, 'mul'),
  backward: (B, g, { ins: [x, y], need }) => [need[0] ? B.mul(g, y) : null, need[1] ? B.mul(g, x) : null],
};

// ∂(x/y)/∂x = 1/y, ∂(x/y)/∂y = −x/y² = −(x/y)/y
export const div: ScalarOp<2> = {
  name: 'div',
  label: '/',
  arity: 2,
  jvp: 'elementwise',
  scalar: (x, y) => x / y,
  array: ([x, y]) => K.div(x, y, 'div'),
  backward: (B, g, { ins: [, y], out, need }) => [
    need[0] ? B.div(g, y) : null,
    need[1] ? B.neg(B.div(B.mul(g, out), y)) : null,
  ],
};

// ∂xʸ/∂x = y·xʸ⁻¹ (0 where y = 0), ∂xʸ/∂y = xʸ·ln x (0 where x = 0 and y ≥ 0), masked as PyTorch does
// NOTE: ∂/∂y is only formed when y takes a gradient: ln x is NaN for x < 0, and `x.pow(2)` must work there.
export const pow: ScalarOp<2> = {
  name: 'pow',
  label: '^',
  arity: 2,
  jvp: 'elementwise',
  scalar: Math.pow,
  array: ([x, y]) => K.pow(x, y, 'pow'),
  backward: (B, g, { ins: [x, y], out, need }) => [
    need[0] ? B.mul(g, B.where(B.eq(y, 0), 0, B.mul(y, B.pow(x, B.sub(y, 1))))) : null,
    need[1] ? B.mul(g, B.where(B.mul(B.eq(x, 0), B.ge(y, 0)), 0, B.mul(out, B.log(x)))) : null,
  ],
};

/** Where `x` wins against `y` (`above`: x > y for maximum), ties counted half, as PyTorch splits them. */
function winnerShare<T>(B: Backend<T>, x: T, y: T, above: boolean): T {
  const wins = above ? B.gt(x, y) : B.lt(x, y);
  return B.add(wins, B.mul(B.eq(x, y), 0.5));
}

// ∂max(x, y)/∂x = [x > y] + ½[x = y]
export const maximum: ScalarOp<2> = {
  name: 'maximum',
  label: 'max',
  arity: 2,
  jvp: 'elementwise',
  // NOTE: not `Math.max` itself: Value passes a third argument (NaN) to every forward. NaN in, NaN out.
  scalar: (x, y) => Math.max(x, y),
  array: ([x, y]) => K.maximum(x, y, 'maximum'),
  backward: (B, g, { ins: [x, y], need }) => [
    need[0] ? B.mul(g, winnerShare(B, x, y, true)) : null,
    need[1] ? B.mul(g, winnerShare(B, y, x, true)) : null,
  ],
};

// ∂min(x, y)/∂x = [x < y] + ½[x = y]
export const minimum: ScalarOp<2> = {
  name: 'minimum',
  label: 'min',
  arity: 2,
  jvp: 'elementwise',
  scalar: (x, y) => Math.min(x, y),
  array: ([x, y]) => K.minimum(x, y, 'minimum'),
  backward: (B, g, { ins: [x, y], need }) => [
    need[0] ? B.mul(g, winnerShare(B, x, y, false)) : null,
    need[1] ? B.mul(g, winnerShare(B, y, x, false)) : null,
  ],
};

// ∂where(c, x, y)/∂x = [c], ∂/∂y = [¬c]; the condition takes no gradient
export const where: ScalarOp<3> = {
  name: 'where',
  label: 'where',
  arity: 3,
  jvp: 'elementwise',
  scalar: (c, x, y) => (c !== 0 ? x : y),
  array: ([c, x, y]) => K.where(c, x, y, 'where'),
  backward: (B, g, { ins: [c], need }) => [
    null,
    need[1] ? B.where(c, g, 0) : null,
    need[2] ? B.where(c, 0, g) : null,
  ],
};
