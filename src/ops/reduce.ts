/** @file max and min over axes, keeping dims; sum is `sumTo` (shape.ts), mean a composite. */

import * as K from '../tensor/kernels/index.js';
import type { Backend } from './op.js';
import { defineOp } from './op.js';

/** The gradient of a max/min over `axes`: g goes to the element that was selected. */
function selectedGrad<T>(B: Backend<T>, g: T, x: T, axes: readonly number[], kind: 'max' | 'min'): T {
  const shape = B.shape(x);
  const evenTies = axes.length === shape.length;
  return B.mul(B.expand(g, shape), B.selectMask(x, { axes, kind, evenTies }));
}

const describeAxes = (axes: readonly number[]): string => `axes=[${axes.join(', ')}]`;

// ∂max(x)/∂x = 1 at the selected element (ties over all axes share it evenly, as PyTorch), else 0
export const maxTo = defineOp<readonly number[]>({
  name: 'maxTo',
  label: 'max',
  arity: 1,
  array: ([x], axes) => K.maxTo(x!, axes).values,
  backward: (B, g, { ins: [x], attrs: axes }) => [selectedGrad(B, g, x!, axes, 'max')],
  describe: describeAxes,
});

// ∂min(x)/∂x = 1 at the selected element (ties over all axes share it evenly, as PyTorch), else 0
export const minTo = defineOp<readonly number[]>({
  name: 'minTo',
  label: 'min',
  arity: 1,
  array: ([x], axes) => K.minTo(x!, axes).values,
  backward: (B, g, { ins: [x], attrs: axes }) => [selectedGrad(B, g, x!, axes, 'min')],
  describe: describeAxes,
});
