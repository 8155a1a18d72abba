/** @file Ops that index along one axis: cumsum, gather and its adjoint scatterAdd. All linear. */

import { fmt } from '../errors.js';
import { keepdimShape } from '../kernels/axes.js';
import * as K from '../kernels/index.js';
import type { GatherAttrs, Op, ScatterAttrs } from './op.js';

// ∂cumsum(x)ₖ/∂xⱼ = [j ≤ k], so the gradient is the reversed running sum: Σ g − cumsum(g) + g
export const cumsum: Op<number, 1> = {
  name: 'cumsum',
  label: 'cumsum',
  arity: 1,
  jvp: 'linear',
  array: ([x], axis) => K.cumsum(x, axis),
  backward: (B, g, { attrs: axis }) => {
    const total = B.sumTo(g, keepdimShape(B.shape(g), [axis]));
    return [B.add(B.sub(total, B.cumsum(g, axis)), g)];
  },
  describe: (axis) => `axis=${axis}`,
};

// ∂gather(x)/∂x: the gradient added back where each element was read from
export const gather: Op<GatherAttrs, 1> = {
  name: 'gather',
  label: 'gather',
  arity: 1,
  jvp: 'linear',
  // The kernel checks the index itself, so that a compiled step's replay checks each call's indices.
  array: ([x], { axis, index }) => {
    K.checkIndex(index, x.shape, axis, 'gather');
    return K.gather(x, index, axis);
  },
  backward: (B, g, { ins: [x], attrs: { axis, index } }) => [
    B.scatterAdd(g, { axis, index, shape: B.shape(x) }),
  ],
  describe: ({ axis, index }) => `axis=${axis}, index ${fmt(index.shape)}`,
};

// ∂scatterAdd(x)/∂x: the gradient read back from where each element was added
export const scatterAdd: Op<ScatterAttrs, 1> = {
  name: 'scatterAdd',
  label: 'scatterAdd',
  arity: 1,
  jvp: 'linear',
  array: ([x], { axis, index, shape }) => K.scatterAdd(x, index, axis, shape),
  backward: (B, g, { attrs: { axis, index } }) => [B.gather(g, { axis, index })],
  describe: ({ axis, index, shape }) => `axis=${axis}, index ${fmt(index.shape)} → ${fmt(shape)}`,
};
