/** @file The reverse walk: seeds the outputs, runs each op's rule, accumulates into its inputs. */

import { AutogradError, fmt } from '../errors.js';
import type { Backend, RuleContext } from '../ops/op.js';
import { isBroadcastableTo } from '../tensor/kernels/broadcast.js';
import { sameShape } from '../tensor/kernels/ndarray.js';
import { graph } from './graph-backend.js';
import { withGradMode } from './mode.js';
import { Node, type Raw } from './node.js';
import { topoSort } from './topo.js';

export type Grad = Raw | Node;

/** Shape of a gradient of either form. */
function shapeOf(g: Grad): readonly number[] {
  return g instanceof Node ? g.shape : typeof g === 'number' ? [] : g.shape;
}

/**
 * A rule's gradient for input `i`, in that input's shape: broadcast axes are summed back here, in one
 * place for every op; any other mismatch is a broken rule.
 */
function fitToInput(B: Backend<Grad>, node: Node, i: number, g: Grad): Grad {
  const want = node.parents[i]!.shape;
  const got = shapeOf(g);
  if (sameShape(got, want)) return g;
  if (isBroadcastableTo(want, got)) return B.sumTo(g, want);
  throw new AutogradError(
    node.op!.name,
    `gradient for input ${i} has shape ${fmt(got)}, but the input has shape ${fmt(want)}`,
  );
}

/** Runs the hooks registered on `node` on its gradient; a hook may return a replacement. */
function runHooks(node: Node, g: Grad): Grad {
  let current = g instanceof Node ? g : node.constant(g);
  for (const hook of node.hooks!) current = hook(current) ?? current;
  return g instanceof Node ? current : current.raw;
}

/**
 * Reverse-mode accumulation from `roots` seeded with `seeds`. Leaves every reached node's gradient
 * for this walk in `node.acc` and returns the nodes in topological order. With `createGraph`,
 * gradients are nodes built by recorded ops, so they can be differentiated again.
 */
export function walk(roots: readonly Node[], seeds: readonly Grad[], createGraph: boolean): Node[] {
  const order = topoSort(roots);
  for (const n of order) n.acc = null;
  roots.forEach((root, i) => {
    const seed = seeds[i]!;
    root.acc =
      root.acc === null
        ? seed
        : (createGraph ? graph : root.rawBackend).add(root.acc as never, seed as never);
  });
  try {
    withGradMode(createGraph, () => {
      for (let k = order.length - 1; k >= 0; k--) {
        const node = order[k]!;
        if (node.acc === null || !node.requiresGrad) continue;
        if (node.hooks) node.acc = runHooks(node, node.acc);
        if (node.op !== null) propagate(node, createGraph);
      }
    });
  } catch (e) {
    for (const n of order) n.acc = null;
    throw e;
  }
  return order;
}

/** Applies the rule of `node.op` and adds each input's gradient into that input's `acc`. */
function propagate(node: Node, createGraph: boolean): void {
  const op = node.op!;
  const parents = node.parents;
  const B = (createGraph ? graph : node.rawBackend) as Backend<Grad>;
  const ctx: RuleContext<Grad, unknown> = {
    ins: createGraph ? parents : parents.map((p) => p.raw),
    out: createGraph ? node : node.raw,
    attrs: node.attrs,
    need: parents.map((p) => p.requiresGrad),
  };
  const grads = op.backward!(B, node.acc!, ctx);
  if (grads.length !== parents.length) {
    throw new AutogradError(op.name, `rule returned ${grads.length} gradients for ${parents.length} inputs`);
  }
  for (let i = 0; i < parents.length; i++) {
    const p = parents[i]!;
    const gi = grads[i];
    if (gi == null || !p.requiresGrad) continue;
    const fitted = fitToInput(B, node, i, gi);
    p.acc = p.acc === null ? fitted : B.add(p.acc, fitted);
  }
}
