/** @file How each primitive op of the table becomes ONNX nodes (opset 17 to 23); ops without a form are named in an error. */

import type { Node } from '../engine/node.js';
import type { Shape } from '../errors.js';
import type { ArgAttrs, GatherAttrs, ReduceAttrs, ScatterAttrs, SliceAttrs } from '../ops/op.js';

/** One ONNX attribute value: an integer, a list of integers, a float or a string. */
export type AttrValue = number | readonly number[] | { readonly float: number } | string;

/** What a translation may emit into the graph being built. */
export interface Emitter {
  /** Adds a node and returns the name of its (first) output. */
  node(opType: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttrValue>>): string;
  /** A 0-d float constant of the export's type as an initializer; returns its name. */
  scalar(value: number): string;
  /** An int64 constant (axes, starts; or an index tensor of shape `dims`) as an initializer; returns its name. */
  ints(values: ArrayLike<number>, dims?: Shape): string;
  /** The int64 shape `dims` of `node`'s output for Reshape/Expand; batch dims become the batch size at run time. */
  shape(dims: Shape, node: Node): string;
  /** The ONNX element type of floats in this export (1 FLOAT, 11 DOUBLE). */
  readonly floatType: number;
  /** The opset the model declares: from 18, ReduceMax/ReduceMin take their axes as an input. */
  readonly opset: number;
}

/** Emits the nodes for `node`, whose inputs are already named `ins`; returns its output name. */
export type Translation = (e: Emitter, ins: readonly string[], node: Node) => string;

const BOOL = 9;
const unary =
  (opType: string): Translation =>
  (e, [x]) =>
    e.node(opType, [x!]);
const binary =
  (opType: string): Translation =>
  (e, [x, y]) =>
    e.node(opType, [x!, y!]);
const comparison =
  (opType: string): Translation =>
  (e, [x, y], _n) =>
    e.node('Cast', [e.node(opType, [x!, y!])], { to: e.floatType });

/** ReduceSum over the axes that `sumTo` sums away, then Reshape when leading axes go. */
const sumTo: Translation = (e, [x], node) => {
  const from = node.parent(0).shape;
  const to = node.attrs as Shape;
  const lead = from.length - to.length;
  const axes = [...Array(from.length).keys()].filter(
    (a) => a < lead || (to[a - lead] === 1 && from[a] !== 1),
  );
  const summed = e.node('ReduceSum', [x!, e.ints(axes)], { keepdims: 1 });
  return lead === 0 ? summed : e.node('Reshape', [summed, e.shape(to, node)]);
};

/** argmax/argmin: over one axis, or over the flattened tensor when no axis is given; indices as floats. */
const arg =
  (opType: 'ArgMax' | 'ArgMin'): Translation =>
  (e, [x], node) => {
    const { axis, keepdim } = node.attrs as ArgAttrs;
    const flat = axis === undefined;
    const source = flat ? e.node('Reshape', [x!, e.ints([-1])]) : x!;
    let out = e.node(opType, [source], { axis: flat ? 0 : axis, keepdims: flat ? 0 : keepdim ? 1 : 0 });
    if (flat && keepdim) out = e.node('Reshape', [out, e.ints(node.shape.map(() => 1))]);
    return e.node('Cast', [out], { to: e.floatType });
  };

const reduceExtreme =
  (opType: 'ReduceMax' | 'ReduceMin'): Translation =>
  (e, [x], node) => {
    const { axes } = node.attrs as ReduceAttrs;
    return e.opset >= 18
      ? e.node(opType, [x!, e.ints(axes)], { keepdims: 1 })
      : e.node(opType, [x!], { axes, keepdims: 1 });
  };

/**
 * log1p and expm1 exact for tiny x, as chainrule's are, from Log and Exp (Kahan; Higham, "Accuracy and
 * Stability of Numerical Algorithms", 1.14.1): with u = 1 + x (log1p) or u = eˣ (expm1), rounded,
 *   log1p x = x if u = 1, else log u · x / (u − 1)
 *   expm1 x = x if u = 1, else (u − 1) · x / log u
 * where the quotient corrects the rounding of u. Where log u is infinite (u = 0 or ∞: log1p(−1) = −∞,
 * log1p(∞) = ∞, expm1(±∞ or overflowing x) = −1 or ∞) the quotient is ∞/∞ or x/∞, and the answer is
 * log u itself (log1p) or u − 1 (expm1).
 */
const accurate =
  (kind: 'log1p' | 'expm1'): Translation =>
  (e, [x]) => {
    const u = kind === 'log1p' ? e.node('Add', [x!, e.scalar(1)]) : e.node('Exp', [x!]);
    const logU = e.node('Log', [u]);
    const uMinus1 = e.node('Sub', [u, e.scalar(1)]);
    const corrected =
      kind === 'log1p'
        ? e.node('Mul', [logU, e.node('Div', [x!, uMinus1])])
        : e.node('Mul', [uMinus1, e.node('Div', [x!, logU])]);
    const atInfinity = kind === 'log1p' ? logU : uMinus1;
    const general = e.node('Where', [e.node('IsInf', [logU]), atInfinity, corrected]);
    return e.node('Where', [e.node('Equal', [u, e.scalar(1)]), x!, general]);
  };

/**
 * Every primitive with an ONNX form, by op name. NOTE: `cast` is Identity: an export has one float
 * type throughout (options.dtype), so a model mixing float32 and float64 is exported in one of them.
 */
export const TRANSLATIONS: Readonly<Record<string, Translation>> = {
  neg: unary('Neg'),
  exp: unary('Exp'),
  log: unary('Log'),
  tanh: unary('Tanh'),
  sigmoid: unary('Sigmoid'),
  relu: unary('Relu'),
  abs: unary('Abs'),
  sqrt: unary('Sqrt'),
  sign: unary('Sign'),
  sin: unary('Sin'),
  cos: unary('Cos'),
  softplus: unary('Softplus'),
  log1p: accurate('log1p'),
  expm1: accurate('expm1'),
  add: binary('Add'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: binary('Pow'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  gt: comparison('Greater'),
  ge: comparison('GreaterOrEqual'),
  lt: comparison('Less'),
  le: comparison('LessOrEqual'),
  eq: comparison('Equal'),
  stopGradient: unary('Identity'),
  where: (e, [c, x, y]) => e.node('Where', [e.node('Cast', [c!], { to: BOOL }), x!, y!]),
  matmul: binary('MatMul'),
  reshape: (e, [x], node) => e.node('Reshape', [x!, e.shape(node.shape, node)]),
  permute: (e, [x], node) => e.node('Transpose', [x!], { perm: node.attrs as readonly number[] }),
  expand: (e, [x], node) => e.node('Expand', [x!, e.shape(node.shape, node)]),
  sumTo,
  cast: unary('Identity'),
  slice: (e, [x], node) => {
    const { axis, start, end } = node.attrs as SliceAttrs;
    return e.node('Slice', [x!, e.ints([start]), e.ints([end]), e.ints([axis])]);
  },
  cat: (e, ins, node) => e.node('Concat', ins, { axis: node.attrs as number }),
  maxTo: reduceExtreme('ReduceMax'),
  minTo: reduceExtreme('ReduceMin'),
  // NOTE: the index of gather/scatterAdd is an attribute, baked into the export as an int64 constant
  cumsum: (e, [x], node) => e.node('CumSum', [x!, e.ints([node.attrs as number], [])]),
  gather: (e, [x], node) => {
    const { axis, index } = node.attrs as GatherAttrs;
    return e.node('GatherElements', [x!, e.ints(index.data, index.shape)], { axis });
  },
  // scatter_add onto zeros: ScatterElements with reduction 'add' (opset 16)
  scatterAdd: (e, [x], node) => {
    const { axis, index } = node.attrs as ScatterAttrs;
    const zeros = e.node('Expand', [e.scalar(0), e.shape(node.shape, node)]);
    return e.node('ScatterElements', [zeros, e.ints(index.data, index.shape), x!], {
      axis,
      reduction: 'add',
    });
  },
  // backward primitives, recorded by rules when a gradient is exported
  sigmoidBackward: (e, [dy, y]) =>
    e.node('Mul', [dy!, e.node('Mul', [y!, e.node('Sub', [e.scalar(1), y!])])]),
  tanhBackward: (e, [dy, y]) => e.node('Mul', [dy!, e.node('Sub', [e.scalar(1), e.node('Mul', [y!, y!])])]),
  reluBackward: (e, [dy, x]) =>
    e.node('Mul', [dy!, e.node('Cast', [e.node('Greater', [x!, e.scalar(0)])], { to: e.floatType })]),
  matmulNT: (e, [a, b]) => e.node('MatMul', [a!, e.node('Transpose', [b!], { perm: [1, 0] })]),
  matmulTN: (e, [a, b]) => e.node('MatMul', [e.node('Transpose', [a!], { perm: [1, 0] }), b!]),
  argmax: arg('ArgMax'),
  argmin: arg('ArgMin'),
};
