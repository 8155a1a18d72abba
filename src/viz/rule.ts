/** @file One node's own derivative rule, run on raw data: what traces, explain() and drawings show per edge. */

import type { Node, Raw } from '../engine/node.js';
import type { NDArray } from '../kernels/ndarray.js';
import { sameShape } from '../kernels/ndarray.js';
import { arrayBackend, numberBackend } from '../ops/backends.js';
import type { Backend } from '../ops/op.js';

/**
 * The gradient each input of `node` receives for an upstream gradient `g`: the op's rule from the
 * table (the one the backward walk runs), on numbers or arrays, with broadcast axes summed back to
 * each input's shape as the engine does. Null for an input that takes no gradient.
 */
export function runRule(node: Node, g: Raw): (Raw | null)[] {
  const op = node.op;
  if (op === null || op.backward === null) return node.parents.map(() => null);
  const parents = node.parents;
  const ctx = {
    ins: parents.map((p) => p.raw),
    out: node.raw,
    attrs: node.attrs,
    need: parents.map((p) => p.requiresGrad),
  };
  if (typeof node.raw === 'number') {
    return op
      .backward(numberBackend, g as number, ctx as never)
      .map((d, i) => (d == null || !parents[i]!.requiresGrad ? null : (d as number)));
  }
  const B = arrayBackend as Backend<NDArray>;
  return op.backward(B, g as NDArray, ctx as never).map((d, i) => {
    const p = parents[i]!;
    if (d == null || !p.requiresGrad) return null;
    return sameShape(d.shape, p.shape) ? d : B.sumTo(d, p.shape);
  });
}

/**
 * ∂node/∂(each input): the rule with an upstream of 1 for a `Value`; for a tensor, of ones (which is
 * the elementwise derivative for an elementwise op, and the column sums of the Jacobian otherwise).
 */
export function localDerivatives(node: Node): (Raw | null)[] {
  const one = typeof node.raw === 'number' ? 1 : arrayBackend.full(node.shape, 1, node.raw);
  return runRule(node, one);
}
