/**
 * @file Backward primitives (PyTorch's `sigmoid_backward`, `tanh_backward`, `threshold_backward`): an
 * op's derivative applied to an upstream gradient, as one op, so that a first-order pass makes one
 * kernel call where the composed rule made four. Each has its own rule, so second order works as before.
 * Internal: rules call them through `B`; they are not `Value` or `Tensor` methods.
 */

import * as K from '../kernels/index.js';
import { perInput, type ScalarOp } from './op.js';

// sigmoidBackward(dy, y) = dy·y(1 − y), y = σ(x):  ∂/∂dy = y(1 − y),  ∂/∂y = dy·(1 − 2y)
export const sigmoidBackward: ScalarOp<2> = {
  name: 'sigmoidBackward',
  label: 'σ′',
  arity: 2,
  jvp: 'elementwise',
  scalar: K.sigmoidBackwardOf,
  scalar32: K.sigmoidBackwardOf32,
  array: ([dy, y]) => K.sigmoidBackward(dy, y),
  backward: perInput(
    (B, g, { ins: [, y] }) => B.sigmoidBackward(g, y),
    (B, g, { ins: [dy, y] }) => B.mul(B.mul(g, dy), B.sub(1, B.mul(y, 2))),
  ),
};

// tanhBackward(dy, y) = dy·(1 − y²), y = tanh x:  ∂/∂dy = 1 − y²,  ∂/∂y = −2y·dy
export const tanhBackward: ScalarOp<2> = {
  name: 'tanhBackward',
  label: 'tanh′',
  arity: 2,
  jvp: 'elementwise',
  scalar: K.tanhBackwardOf,
  scalar32: K.tanhBackwardOf32,
  array: ([dy, y]) => K.tanhBackward(dy, y),
  backward: perInput(
    (B, g, { ins: [, y] }) => B.tanhBackward(g, y),
    (B, g, { ins: [dy, y] }) => B.mul(B.mul(g, dy), B.mul(y, -2)),
  ),
};

// reluBackward(dy, x) = dy·[x > 0]:  ∂/∂dy = [x > 0],  ∂/∂x = 0 (piecewise constant in x)
// NOTE: a product with the mask, not a select, so that it equals the composed rule bit for bit (∞·0 = NaN).
export const reluBackward: ScalarOp<2> = {
  name: 'reluBackward',
  label: 'relu′',
  arity: 2,
  jvp: 'elementwise',
  scalar: K.reluBackwardOf,
  array: ([dy, x]) => K.reluBackward(dy, x),
  backward: perInput((B, g, { ins: [, x] }) => B.reluBackward(g, x), null),
};
