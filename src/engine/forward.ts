/** @file Forward mode: tangents pushed from inputs to outputs through a recorded graph, op by op. */

import { AutogradError, fmt } from '../errors.js';
import { sameShape } from '../kernels/ndarray.js';
import type { AnyRuleContext, Backend } from '../ops/op.js';
import { tangentRule } from '../ops/tangent.js';
import type { Grad } from './backward.js';
import { graph } from './graph-backend.js';
import { withGradMode } from './mode.js';
import { type Node, shapeOf } from './node.js';
import { topoSort } from './topo.js';

/**
 * The directional derivative of each output along `tangents` (one per input; null for zero), by
 * running each op's forward-mode rule in topological order: the same table as the reverse pass, no
 * double-vjp trick. With `createGraph` tangents are recorded nodes (so they can be differentiated
 * again); otherwise raw data. An output that does not depend on the inputs gets null.
 *
 * @example
 * const [t] = pushForward([y], [x], [1], false);   // dy/dx · 1 for a Value graph
 */
export function pushForward(
  outputs: readonly Node[],
  inputs: readonly Node[],
  tangents: readonly (Grad | null)[],
  createGraph: boolean,
): (Grad | null)[] {
  const tangent = new Map<Node, Grad>();
  inputs.forEach((x, i) => {
    const t = tangents[i];
    if (t != null) tangent.set(x, t);
  });
  const seeded = new Set(inputs);
  withGradMode(createGraph, () => {
    for (const node of topoSort(outputs)) {
      if (node.op === null || seeded.has(node)) continue;
      const t = tangentOf(node, tangent, createGraph);
      if (t !== null) tangent.set(node, t);
    }
  });
  return outputs.map((o) => tangent.get(o) ?? null);
}

/** Applies `node.op`'s tangent rule to its inputs' tangents; null when every one of them is zero. */
function tangentOf(node: Node, tangent: Map<Node, Grad>, createGraph: boolean): Grad | null {
  const op = node.op!;
  const parents = node.parents;
  const ts = parents.map((p) => tangent.get(p) ?? null);
  if (ts.every((t) => t === null) || op.backward === null) return null;
  const rule = tangentRule(op);
  if (rule === null) {
    throw new AutogradError(
      op.name,
      'has a reverse rule but no forward-mode (jvp) rule; give its table entry one',
    );
  }
  const B = (createGraph ? graph : node.rawBackend) as Backend<Grad>;
  const ctx: AnyRuleContext<Grad> = {
    ins: createGraph ? parents : parents.map((p) => p.raw),
    out: createGraph ? node : node.raw,
    attrs: node.attrs,
    need: ts.map((t) => t !== null),
  };
  const t = rule(B, ts, ctx);
  if (!sameShape(shapeOf(t), shapeOf(node))) {
    throw new AutogradError(
      op.name,
      `tangent has shape ${fmt(shapeOf(t))}, the output has ${fmt(node.shape)}`,
    );
  }
  const dtype = B.dtype(ctx.out);
  return B.dtype(t) === dtype ? t : B.cast(t, dtype);
}
