/** @file Elementwise two-input ops with broadcasting; the engine sums broadcast axes back. */

import * as K from '../kernels/index.js';
import { type Backend, perInput, type ScalarOp } from './op.js';

// ∂(x + y)/∂x = 1, ∂(x + y)/∂y = 1
export const add: ScalarOp<2> = {
  name: 'add',
  label: '+',
  arity: 2,
  jvp: 'linear',
  scalar: (x, y) => x + y,
  array: ([x, y]) => K.add(x, y, 'add'),
  backward: perInput(
    (_B, g) => g,
    (_B, g) => g,
  ),
};

// ∂(x·y)/∂x = y, ∂(x·y)/∂y = x; each formed only for an input that takes a gradient (`need`), as below
export const mul: ScalarOp<2> = {
  name: 'mul',
  label: '*',
  arity: 2,
  jvp: 'elementwise',
  scalar: (x, y) => x * y,
  array: ([x, y]) => K.mul(x, y, 'mul'),
  backward: perInput(
    (B, g, { ins: [, y] }) => B.mul(g, y),
    (B, g, { ins: [x] }) => B.mul(g, x),
  ),
};

// ∂(x/y)/∂x = 1/y, ∂(x/y)/∂y = −x/y² = −(x/y)/y
export const div: ScalarOp<2> = {
  name: 'div',
  label: '/',
  arity: 2,
  jvp: 'elementwise',
  scalar: (x, y) => x / y,
  array: ([x, y]) => K.div(x, y, 'div'),
  backward: perInput(
    (B, g, { ins: [, y] }) => B.div(g, y),
    (B, g, { ins: [, y], out }) => B.neg(B.div(B.mul(g, out), y)),
  ),
};

// ∂xʸ/∂x = y·xʸ⁻¹ (0 where y = 0), ∂xʸ/∂y = xʸ·ln x (0 where x = 0 and y ≥ 0), masked as PyTorch does
// NOTE: each mask also makes the branch it discards finite there (x⁰ for xʸ⁻¹ where y = 0, ln 1 for ln x
// where x = 0): that branch's own derivative would be 0·∞ (0⁻², 1/0), and the second derivative NaN
// where the first is a constant 0. The exponent, not x, is replaced in the first: x.pow(2) masks one number.
// NOTE: ∂/∂y is only formed when y takes a gradient: ln x is NaN for x < 0, and `x.pow(2)` must work there.
export const pow: ScalarOp<2> = {
  name: 'pow',
  label: '^',
  arity: 2,
  jvp: 'elementwise',
  scalar: K.powOf,
  array: ([x, y]) => K.pow(x, y, 'pow'),
  backward: perInput(
    (B, g, { ins: [x, y] }) => {
      const masked = B.eq(y, 0);
      return B.mul(g, B.where(masked, 0, B.mul(y, B.pow(x, B.sub(B.where(masked, 1, y), 1)))));
    },
    (B, g, { ins: [x, y], out }) => {
      const masked = B.mul(B.eq(x, 0), B.ge(y, 0));
      return B.mul(g, B.where(masked, 0, B.mul(out, B.log(B.where(masked, 1, x)))));
    },
  ),
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
  backward: perInput(
    (B, g, { ins: [x, y] }) => B.mul(g, winnerShare(B, x, y, true)),
    (B, g, { ins: [x, y] }) => B.mul(g, winnerShare(B, y, x, true)),
  ),
};

// ∂min(x, y)/∂x = [x < y] + ½[x = y]
export const minimum: ScalarOp<2> = {
  name: 'minimum',
  label: 'min',
  arity: 2,
  jvp: 'elementwise',
  scalar: (x, y) => Math.min(x, y),
  array: ([x, y]) => K.minimum(x, y, 'minimum'),
  backward: perInput(
    (B, g, { ins: [x, y] }) => B.mul(g, winnerShare(B, x, y, false)),
    (B, g, { ins: [x, y] }) => B.mul(g, winnerShare(B, y, x, false)),
  ),
};

// ∂where(c, x, y)/∂x = [c], ∂/∂y = [¬c]; the condition takes no gradient
export const where: ScalarOp<3> = {
  name: 'where',
  label: 'where',
  arity: 3,
  jvp: 'elementwise',
  scalar: (c, x, y) => (c !== 0 ? x : y),
  array: ([c, x, y]) => K.where(c, x, y, 'where'),
  backward: perInput(
    null,
    (B, g, { ins: [c] }) => B.where(c, g, 0),
    (B, g, { ins: [c] }) => B.where(c, 0, g),
  ),
};
