/** @file The backend on graph nodes: each primitive records a node, so a gradient is a graph. */

import { makeBackend } from '../ops/backends.js';
import type { AnyOp, Backend, Operand } from '../ops/op.js';
import { OPS } from '../ops/table.js';
import { apply } from './apply.js';
import { isTracing } from './mode.js';
import { Node, shapeOf } from './node.js';

/** The inputs as nodes: a plain number becomes a constant of the kind of the first node among them. */
function lift(op: AnyOp, ins: readonly Operand<Node>[]): Node[] {
  const like = ins.find((x): x is Node => x instanceof Node);
  if (!like) throw new TypeError(`${op.name}: needs at least one Value or Tensor operand (got only numbers)`);
  return ins.map((x) => (x instanceof Node ? x : like.constant(x)));
}

/** Rules run on this backend with `createGraph`; `Value` and `Tensor` methods run on it always. */
export const graph: Backend<Node> = makeBackend<Node>({
  call: (op, ins, attrs) => apply(op, lift(op, ins), attrs),
  shape: (x) => (typeof x === 'number' ? [] : shapeOf(x)),
  dtype: (x) => (x instanceof Node && typeof x.raw !== 'number' ? x.raw.dtype : 'float64'),
  full: (shape, value, like) => like.constant(like.rawBackend.full(shape, value, like.raw)),
  // NOTE: while an exporter traces, a detached value stays connected through a no-gradient op, so the
  // export computes it rather than baking it in, and a gradient taken during the trace stops there.
  detach: (x) => (isTracing() ? apply(OPS.stopGradient, [x]) : x.constant(x.raw)),
});
