/** @file Tensor ops built from primitives, written once for every backend; they need no rule. */

import { fmt, ShapeError, show } from '../errors.js';
import { keepdimShape, normalizeAxis, squeezeAxes } from '../kernels/axes.js';
import { broadcastShapes } from '../kernels/broadcast.js';
import { sameShape } from '../kernels/ndarray.js';
import { type Axis, axesOf, scalarAxis } from './axis-args.js';
import type { Backend, Operand } from './op.js';

export type { Axis };

/** Σ over `axis` (all axes when undefined), as `torch.sum`. */
export function sum<T>(B: Backend<T>, x: T, axis: Axis, keepdim: boolean, op = 'sum'): T {
  const shape = B.shape(x);
  const axes = axesOf(axis, shape.length, op);
  // NOTE: summing away leading axes is sumTo's own shape (broadcasting aligns on the right): one node.
  if (!keepdim && axes.every((a, i) => a === i)) return B.sumTo(x, squeezeAxes(shape, axes));
  const kept = B.sumTo(x, keepdimShape(shape, axes));
  return keepdim ? kept : B.reshape(kept, squeezeAxes(shape, axes));
}

/** The mean over `axis`: Σ / count. */
export function mean<T>(B: Backend<T>, x: T, axis: Axis, keepdim: boolean): T {
  const shape = B.shape(x);
  const axes = axesOf(axis, shape.length, 'mean');
  const count = axes.reduce((n, a) => n * shape[a]!, 1);
  return B.div(sum(B, x, axes, keepdim, 'mean'), count);
}

/**
 * max or min over `axis`. The gradient goes to the first selected element along a single axis (as
 * `torch.max(dim)`); with no axis or a list of axes, tied elements share it evenly (as `torch.amax`);
 * `evenTies` decides otherwise (the ∞-norm always shares, as `torch.linalg.vector_norm`).
 */
export function extreme<T>(
  B: Backend<T>,
  x: T,
  axis: Axis,
  keepdim: boolean,
  kind: 'max' | 'min',
  evenTies = typeof axis !== 'number',
): T {
  const shape = B.shape(x);
  const axes = axesOf(axis, shape.length, kind); // an empty axis is refused by the kernel, naming `kind`
  const attrs = { axes, evenTies };
  const kept = kind === 'max' ? B.maxTo(x, attrs) : B.minTo(x, attrs);
  return keepdim ? kept : B.reshape(kept, squeezeAxes(shape, axes));
}

/** log softmax along `axis`, shifted by the (detached) max so that ±1000 does not overflow. */
export function logSoftmax<T>(B: Backend<T>, x: T, axis: number, op = 'logSoftmax'): T {
  const shape = B.shape(x);
  if (scalarAxis(axis, shape.length)) return B.reshape(logSoftmax(B, B.reshape(x, [1]), 0, op), []);
  const a = normalizeAxis(axis, shape.length, op);
  if (shape[a] === 0) return x; // an empty axis: nothing to normalise, an empty result
  const m = B.detach(B.maxTo(x, { axes: [a], evenTies: false }));
  const shifted = B.sub(x, m);
  return B.sub(shifted, B.log(sum(B, B.exp(shifted), a, true)));
}

/** softmax along `axis`: exp of the stable log softmax. */
export function softmax<T>(B: Backend<T>, x: T, axis: number): T {
  return B.exp(logSoftmax(B, x, axis, 'softmax'));
}

/** Swaps two axes. */
export function transpose<T>(B: Backend<T>, x: T, dim0: number, dim1: number): T {
  const n = B.shape(x).length;
  if (scalarAxis([dim0, dim1], n)) return x;
  const dims = [...Array(n).keys()];
  const a = normalizeAxis(dim0, n, 'transpose');
  const b = normalizeAxis(dim1, n, 'transpose');
  [dims[a], dims[b]] = [dims[b]!, dims[a]!];
  return B.permute(x, dims);
}

/** Removes size-1 axes: all of them, or the given ones (a given axis of another size is left, as torch). */
export function squeeze<T>(B: Backend<T>, x: T, axis?: number | readonly number[]): T {
  const shape = B.shape(x);
  const axes = axesOf(axis, shape.length, 'squeeze').filter((a) => shape[a] === 1);
  return B.reshape(x, squeezeAxes(shape, axes));
}

/** Inserts a size-1 axis at `axis` (which may be `ndim`, or negative counting from `ndim + 1`). */
export function unsqueeze<T>(B: Backend<T>, x: T, axis: number, op = 'unsqueeze'): T {
  const shape = B.shape(x);
  const n = shape.length;
  if (!Number.isInteger(axis) || axis < -(n + 1) || axis > n) {
    throw new RangeError(
      `${op}: axis ${show(axis)} is out of range for inserting into a tensor of rank ${n} (valid: ${-(n + 1)}..${n}); pick an axis in that range`,
    );
  }
  const a = axis < 0 ? axis + n + 1 : axis;
  return B.reshape(x, [...shape.slice(0, a), 1, ...shape.slice(a)]);
}

/** Joins tensors of one shape along a new axis. */
export function stack<T>(B: Backend<T>, xs: readonly T[], axis: number): T {
  if (xs.length === 0) throw new TypeError('stack: expected a non-empty list of tensors; pass at least one');
  const first = B.shape(xs[0]!);
  xs.forEach((x, i) => {
    const s = B.shape(x);
    if (!sameShape(s, first)) {
      throw new ShapeError(
        'stack',
        `tensor ${i} has shape ${fmt(s)}, tensor 0 has ${fmt(first)}`,
        'stack tensors of one shape',
      );
    }
  });
  const parts = xs.map((x) => unsqueeze(B, x, axis, 'stack'));
  return B.cat(parts, axis < 0 ? axis + first.length + 1 : axis);
}

/** Limits every element to [min, max]; the gradient passes where min ≤ x ≤ max, as torch.clamp. */
export function clamp<T>(B: Backend<T>, x: T, min?: Operand<T>, max?: Operand<T>): T {
  if (min === undefined && max === undefined) {
    throw new TypeError('clamp: give at least one of min and max');
  }
  for (const bound of [min, max])
    if (bound !== undefined) broadcastShapes(B.shape(x), B.shape(bound), 'clamp');
  let y = x;
  if (min !== undefined) y = B.where(B.lt(y, min), min, y);
  if (max !== undefined) y = B.where(B.gt(y, max), max, y);
  return y;
}
