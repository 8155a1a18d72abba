/** @file max and min over axes, keeping dims; sum is `sumTo` (shape.ts), mean a composite. */

import * as K from '../kernels/index.js';
import type { Backend, Op, ReduceAttrs, RuleContext } from './op.js';

/** The gradient of a max/min: g goes to the element that was selected (or is shared by tied ones). */
function selectedGrad<T>(B: Backend<T>, g: T, x: T, { axes, evenTies }: ReduceAttrs, kind: 'max' | 'min'): T {
  return B.mul(B.expand(g, B.shape(x)), B.selectMask(x, { axes, kind, evenTies }));
}

/** The tangent of a max/min: t at the selected element (shared by tied ones), summed over the reduced axes. */
function selectedTangent<T>(
  B: Backend<T>,
  t: T,
  ctx: RuleContext<T, ReduceAttrs, 1>,
  kind: 'max' | 'min',
): T {
  const { axes, evenTies } = ctx.attrs;
  return B.sumTo(B.mul(t, B.selectMask(ctx.ins[0], { axes, kind, evenTies })), B.shape(ctx.out));
}

const describeAxes = ({ axes }: ReduceAttrs): string => `axes=[${axes.join(', ')}]`;

// ∂max(x)/∂x = 1 at the selected element, else 0 (ties share it evenly for max() with no axis, as PyTorch)
export const maxTo: Op<ReduceAttrs, 1> = {
  name: 'maxTo',
  label: 'max',
  arity: 1,
  jvp: (B, [t], ctx) => selectedTangent(B, t!, ctx, 'max'),
  array: ([x], { axes }) => K.maxTo(x, axes).values,
  backward: (B, g, { ins: [x], attrs }) => [selectedGrad(B, g, x, attrs, 'max')],
  describe: describeAxes,
};

// ∂min(x)/∂x = 1 at the selected element, else 0 (ties share it evenly for min() with no axis, as PyTorch)
export const minTo: Op<ReduceAttrs, 1> = {
  name: 'minTo',
  label: 'min',
  arity: 1,
  jvp: (B, [t], ctx) => selectedTangent(B, t!, ctx, 'min'),
  array: ([x], { axes }) => K.minTo(x, axes).values,
  backward: (B, g, { ins: [x], attrs }) => [selectedGrad(B, g, x, attrs, 'min')],
  describe: describeAxes,
};
