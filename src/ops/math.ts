/** @file More elementwise one-input ops: sin, cos, log1p, expm1, softplus. */

import * as K from '../kernels/index.js';
import { perInput, type ScalarOp } from './op.js';

// d sin x/dx = cos x
export const sin: ScalarOp<1> = {
  name: 'sin',
  label: 'sin',
  arity: 1,
  jvp: 'elementwise',
  scalar: Math.sin,
  array: ([x]) => K.sin(x),
  backward: perInput((B, g, { ins: [x] }) => B.mul(g, B.cos(x))),
};

// d cos x/dx = −sin x
export const cos: ScalarOp<1> = {
  name: 'cos',
  label: 'cos',
  arity: 1,
  jvp: 'elementwise',
  scalar: Math.cos,
  array: ([x]) => K.cos(x),
  backward: perInput((B, g, { ins: [x] }) => B.neg(B.mul(g, B.sin(x)))),
};

// d log(1 + x)/dx = 1/(1 + x)
export const log1p: ScalarOp<1> = {
  name: 'log1p',
  label: 'log1p',
  arity: 1,
  jvp: 'elementwise',
  scalar: Math.log1p,
  array: ([x]) => K.log1p(x),
  backward: perInput((B, g, { ins: [x] }) => B.div(g, B.add(x, 1))),
};

// d(eˣ − 1)/dx = eˣ = out + 1  (reuse the forward result)
export const expm1: ScalarOp<1> = {
  name: 'expm1',
  label: 'expm1',
  arity: 1,
  jvp: 'elementwise',
  scalar: Math.expm1,
  array: ([x]) => K.expm1(x),
  backward: perInput((B, g, { out }) => B.mul(g, B.add(out, 1))),
};

// d log(1 + eˣ)/dx = σ(x)
export const softplus: ScalarOp<1> = {
  name: 'softplus',
  label: 'softplus',
  arity: 1,
  jvp: 'elementwise',
  scalar: K.softplusOf,
  array: ([x]) => K.softplus(x),
  backward: perInput((B, g, { ins: [x] }) => B.mul(g, B.sigmoid(x))),
};
