/** @file Ops that move elements without arithmetic: reshape, permute, expand, sumTo, slice, cat. */

import { fmt, type Shape } from '../errors.js';
import * as K from '../kernels/index.js';
import type { DType } from '../kernels/ndarray.js';
import { sameShape } from '../kernels/ndarray.js';
import type { Op, SliceAttrs } from './op.js';

/** The permutation that undoes `dims`. */
function inversePermutation(dims: readonly number[]): number[] {
  const inv = new Array<number>(dims.length);
  dims.forEach((d, i) => {
    inv[d] = i;
  });
  return inv;
}

// ∂reshape(x)/∂x: the gradient reshaped back
export const reshape: Op<Shape, 1> = {
  name: 'reshape',
  isIdentity: sameShape,
  label: 'reshape',
  arity: 1,
  jvp: 'linear',
  array: ([x], shape) => K.reshape(x, shape, 'reshape'),
  backward: (B, g, { ins: [x] }) => [B.reshape(g, B.shape(x))],
  describe: fmt,
};

// ∂permute(x, dims)/∂x: the gradient permuted by the inverse permutation
export const permute: Op<readonly number[], 1> = {
  name: 'permute',
  isIdentity: (shape, dims) => dims.length === shape.length && dims.every((d, i) => d === i),
  label: 'permute',
  arity: 1,
  jvp: 'linear',
  array: ([x], dims) => K.permute(x, dims, 'permute'),
  backward: (B, g, { attrs: dims }) => [B.permute(g, inversePermutation(dims))],
  describe: fmt,
};

// ∂expand(x)/∂x: the gradient summed over the repeated axes
export const expand: Op<Shape, 1> = {
  name: 'expand',
  isIdentity: sameShape,
  label: 'expand',
  arity: 1,
  jvp: 'linear',
  array: ([x], shape) => K.expand(x, shape, 'expand'),
  backward: (B, g, { ins: [x] }) => [B.sumTo(g, B.shape(x))],
  describe: fmt,
};

// ∂sumTo(x)/∂x: the gradient expanded back (sum's adjoint is broadcasting)
export const sumTo: Op<Shape, 1> = {
  name: 'sumTo',
  isIdentity: sameShape,
  label: 'Σ',
  arity: 1,
  jvp: 'linear',
  array: ([x], shape) => K.sumTo(x, shape),
  backward: (B, g, { ins: [x] }) => [B.expand(g, B.shape(x))],
  // a sum to shape [] is a sum of everything: drawn `Σ`, not `Σ []`
  describe: (shape: Shape) => (shape.length === 0 ? '' : fmt(shape)),
};

// ∂cast(x)/∂x: the gradient cast back to x's dtype
export const cast: Op<DType, 1> = {
  name: 'cast',
  label: 'cast',
  arity: 1,
  jvp: 'linear',
  isIdentity: (_shape, dtype, inputDtype) => dtype === inputDtype,
  array: ([x], dtype) => K.cast(x, dtype),
  backward: (B, g, { ins: [x] }) => [B.cast(g, B.dtype(x))],
  describe: (dtype) => dtype,
};

// ∂slice(x)/∂x: the gradient in the slice's place, zeros around it
export const slice: Op<SliceAttrs, 1> = {
  name: 'slice',
  label: 'slice',
  arity: 1,
  jvp: 'linear',
  array: ([x], { axis, start, end }) => K.slice(x, axis, start, end),
  backward: (B, g, { ins: [x], attrs: { axis, start, end } }) => {
    const shape = B.shape(x);
    const pad = (n: number) =>
      B.full(
        shape.map((d, i) => (i === axis ? n : d)),
        0,
        g,
      );
    const parts = [start > 0 ? pad(start) : null, g, end < shape[axis]! ? pad(shape[axis]! - end) : null];
    return [
      B.cat(
        parts.filter((p) => p !== null),
        axis,
      ),
    ];
  },
  describe: ({ axis, start, end }) => `axis=${axis}, ${start}:${end}`,
};

// ∂cat(xs)/∂xᵢ: the gradient's slice where xᵢ was placed
export const cat: Op<number, -1> = {
  name: 'cat',
  label: 'cat',
  arity: -1,
  jvp: 'linear',
  array: (xs, axis) => K.cat(xs, axis, 'cat'),
  backward: (B, g, { ins, attrs: axis }) => {
    let start = 0;
    return ins.map((x) => {
      const end = start + B.shape(x)[axis]!;
      const part = B.slice(g, { axis, start, end });
      start = end;
      return part;
    });
  },
  describe: (axis) => `axis=${axis}`,
};
