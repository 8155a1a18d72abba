/** @file Elementwise one-input ops: forward on numbers and arrays, and the derivative rule. */

import * as K from '../kernels/index.js';
import { perInput, type ScalarOp } from './op.js';

// d(−x)/dx = −1
export const neg: ScalarOp<1> = {
  name: 'neg',
  label: '−',
  arity: 1,
  jvp: 'linear',
  scalar: (x) => -x,
  array: ([x]) => K.neg(x),
  backward: perInput((B, g) => B.neg(g)),
};

// d eˣ/dx = eˣ  (reuse the forward result)
export const exp: ScalarOp<1> = {
  name: 'exp',
  label: 'exp',
  arity: 1,
  jvp: 'elementwise',
  scalar: K.expOf,
  array: ([x]) => K.exp(x),
  backward: perInput((B, g, { out }) => B.mul(g, out)),
};

// d ln x/dx = 1/x
export const log: ScalarOp<1> = {
  name: 'log',
  label: 'log',
  arity: 1,
  jvp: 'elementwise',
  scalar: K.logOf,
  array: ([x]) => K.log(x),
  backward: perInput((B, g, { ins: [x] }) => B.div(g, x)),
};

// d tanh x/dx = 1 − tanh²x
export const tanh: ScalarOp<1> = {
  name: 'tanh',
  label: 'tanh',
  arity: 1,
  jvp: 'elementwise',
  scalar: Math.tanh,
  array: ([x]) => K.tanh(x),
  backward: perInput((B, g, { out }) => B.tanhBackward(g, out)), // g·(1 − out²), one kernel (fused.ts)
};

// dσ(x)/dx = σ(x)(1 − σ(x))
export const sigmoid: ScalarOp<1> = {
  name: 'sigmoid',
  label: 'σ',
  arity: 1,
  jvp: 'elementwise',
  scalar: K.sigmoidOf,
  array: ([x]) => K.sigmoid(x),
  backward: perInput((B, g, { out }) => B.sigmoidBackward(g, out)), // g·out(1 − out), one kernel (fused.ts)
};

// d relu(x)/dx = 1 if x > 0 else 0
// NOTE: 0 at the kink x = 0, as PyTorch.
export const relu: ScalarOp<1> = {
  name: 'relu',
  label: 'relu',
  arity: 1,
  jvp: 'elementwise',
  scalar: (x) => Math.max(x, 0),
  array: ([x]) => K.relu(x),
  backward: perInput((B, g, { ins: [x] }) => B.reluBackward(g, x)), // g·[x > 0], one kernel (fused.ts)
};

// d|x|/dx = sign(x)
// NOTE: 0 at the kink x = 0, as PyTorch.
export const abs: ScalarOp<1> = {
  name: 'abs',
  label: 'abs',
  arity: 1,
  jvp: 'elementwise',
  scalar: Math.abs,
  array: ([x]) => K.abs(x),
  backward: perInput((B, g, { ins: [x] }) => B.mul(g, B.sign(x))),
};

// d√x/dx = 1 / (2√x)
export const sqrt: ScalarOp<1> = {
  name: 'sqrt',
  label: '√',
  arity: 1,
  jvp: 'elementwise',
  scalar: Math.sqrt,
  array: ([x]) => K.sqrt(x),
  backward: perInput((B, g, { out }) => B.div(g, B.mul(out, 2))),
};
