/** @file The paths from one node to another: counted over the topological order, listed or grouped, summed between two nodes. */

import type { Node } from '../engine/node.js';
import { topoSort } from '../engine/topo.js';
import { localDerivatives } from './rule.js';

/** The nodes on some path from `target` to `root`, in topological order, and the edges between them. */
export interface Region {
  readonly order: readonly Node[];
  readonly on: ReadonlySet<Node>;
  /** Uses of each node inside the region: (node that used it, input index). */
  readonly uses: ReadonlyMap<Node, readonly (readonly [Node, number])[]>;
  /** Paths from the target to each node. */
  readonly fromTarget: ReadonlyMap<Node, number>;
  /** Paths from each node to the root. */
  readonly toRoot: ReadonlyMap<Node, number>;
}

export function regionOf(root: Node, target: Node): Region {
  const all = topoSort([root]);
  const fromTarget = new Map<Node, number>([[target, 1]]);
  const start = all.indexOf(target);
  for (let k = start + 1; k < all.length; k++) {
    const n = all[k]!;
    let count = 0;
    for (const p of n.parents) count += fromTarget.get(p) ?? 0;
    if (count > 0) fromTarget.set(n, count);
  }
  const order = all.filter((n) => fromTarget.has(n));
  const on = new Set(order);
  const uses = new Map<Node, [Node, number][]>();
  const toRoot = new Map<Node, number>([[root, 1]]);
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    for (let i = n.arity - 1; i >= 0; i--) {
      const p = n.parent(i);
      if (!on.has(p)) continue;
      if (!uses.has(p)) uses.set(p, []);
      uses.get(p)!.push([n, i]);
      toRoot.set(p, (toRoot.get(p) ?? 0) + (toRoot.get(n) ?? 0));
    }
  }
  for (const list of uses.values()) list.reverse();
  return { order, on, uses, fromTarget, toRoot };
}

/** Local derivatives of every Value node in the region, per input, computed once by each node's rule. */
export function valueLocals(region: Region): Map<Node, (number | null)[]> {
  const locals = new Map<Node, (number | null)[]>();
  for (const n of region.order) if (n.op !== null) locals.set(n, localDerivatives(n) as (number | null)[]);
  return locals;
}

/** ∂root/∂n for every node of the region, by summing path products from the root down (Values). */
export function valueAdjoints(region: Region, locals: Map<Node, (number | null)[]>): Map<Node, number> {
  const root = region.order[region.order.length - 1]!;
  const adj = new Map<Node, number>([[root, 1]]);
  for (let k = region.order.length - 1; k >= 0; k--) {
    const n = region.order[k]!;
    const a = adj.get(n) ?? 0;
    for (const [i, p] of n.parents.entries()) {
      if (!region.on.has(p)) continue;
      adj.set(p, (adj.get(p) ?? 0) + a * (locals.get(n)![i] ?? 0));
    }
  }
  return adj;
}

/** Prefixes of paths from the target: whole paths when few enough, else groups by their first edges. */
export function prefixes(
  region: Region,
  target: Node,
  maxPaths: number,
): { edges: [Node, Node, number][][]; grouped: boolean } {
  const root = region.order[region.order.length - 1]!;
  let frontier: [Node, Node, number][][] = [[]];
  const endOf = (edges: [Node, Node, number][]) =>
    edges.length === 0 ? target : edges[edges.length - 1]![1];
  // Expand breadth first while the rows stay within maxPaths; a prefix ending at the root is a whole
  // path. A node with one use extends its row in place, so a long chain costs one pass, not n copies.
  for (;;) {
    let grew = false;
    const next: [Node, Node, number][][] = [];
    for (let k = 0; k < frontier.length; k++) {
      const edges = frontier[k]!;
      let end = endOf(edges);
      let uses = end === root ? [] : (region.uses.get(end) ?? []);
      while (uses.length === 1) {
        const [n, i] = uses[0]!;
        edges.push([end, n, i]);
        end = n;
        uses = end === root ? [] : (region.uses.get(end) ?? []);
        grew = true;
      }
      if (uses.length === 0 || next.length + uses.length + (frontier.length - k - 1) > maxPaths) {
        next.push(edges);
        continue;
      }
      for (const [n, i] of uses) next.push([...edges, [end, n, i]]);
      grew = true;
    }
    frontier = next;
    if (!grew) break;
  }
  return { edges: frontier, grouped: frontier.some((e) => endOf(e) !== root) };
}

/** ∂upper/∂lower over every path between them, from the local derivatives (Values). */
export function between(
  region: Region,
  locals: Map<Node, (number | null)[]>,
  lower: Node,
  upper: Node,
): number {
  const d = new Map<Node, number>([[lower, 1]]);
  const start = region.order.indexOf(lower);
  const end = region.order.indexOf(upper);
  if (start < 0 || end < 0) return 0;
  for (let k = start + 1; k <= end; k++) {
    const n = region.order[k]!;
    let s = 0;
    let reached = false;
    for (const [i, p] of n.parents.entries()) {
      const dp = d.get(p);
      if (dp === undefined) continue;
      reached = true;
      s += dp * (locals.get(n)![i] ?? 0);
    }
    if (reached) d.set(n, s);
  }
  return d.get(upper) ?? 0;
}

export function pathsBetween(region: Region, lower: Node, upper: Node): number {
  const count = new Map<Node, number>([[lower, 1]]);
  const start = region.order.indexOf(lower);
  const end = region.order.indexOf(upper);
  for (let k = start + 1; k <= end; k++) {
    const n = region.order[k]!;
    let c = 0;
    for (const p of n.parents) c += count.get(p) ?? 0;
    if (c > 0) count.set(n, c);
  }
  return count.get(upper) ?? 0;
}
