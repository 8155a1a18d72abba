/** @file Module paths in drawings: parameter names (`0.weight`), the nodes each module computed, collapsed boxes. */

import type { Node } from '../engine/node.js';

/**
 * Where a drawing gets parameter names: anything with PyTorch's `namedParameters()` (dotted paths such
 * as `0.weight`, `hidden.bias`), or the pairs themselves. viz reads only this shape, so it does not
 * depend on `nn`.
 */
export type ModuleNames =
  | { namedParameters(): Iterable<readonly [string, Node]> }
  | Iterable<readonly [string, Node]>;

/** Each named parameter's full dotted name. */
export function parameterNames(modules: ModuleNames | undefined): Map<Node, string> {
  const names = new Map<Node, string>();
  if (modules === undefined) return names;
  const pairs =
    typeof (modules as { namedParameters?: unknown }).namedParameters === 'function'
      ? (modules as { namedParameters(): Iterable<readonly [string, Node]> }).namedParameters()
      : (modules as Iterable<readonly [string, Node]>);
  if (pairs === null || typeof (pairs as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError('toDot: modules must have namedParameters() or be [name, parameter] pairs');
  }
  for (const entry of pairs) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
      throw new TypeError('toDot: modules must give [name, parameter] pairs such as ["0.weight", w]');
    }
    names.set(entry[1] as Node, entry[0]);
  }
  return names;
}

/** The class name of each named module (`0` → `Linear`), when `modules` has PyTorch's `namedModules()`. */
export function moduleKinds(modules: ModuleNames | undefined): Map<string, string> {
  const kinds = new Map<string, string>();
  const named = (modules as { namedModules?: unknown } | undefined)?.namedModules;
  if (typeof named !== 'function') return kinds;
  for (const [name, m] of named.call(modules) as Iterable<readonly [string, object]>) {
    if (name !== '') kinds.set(name, m.constructor.name);
  }
  return kinds;
}

/** The module path of a parameter name: `layers.0.weight` → `layers.0`; a top-level name → ''. */
export function modulePath(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(0, dot);
}

const VIEWS = new Set(['permute', 'reshape', 'expand', 'cast']);

/**
 * Which module computed each drawn node, from where its parameters are used: a view of a parameter
 * (Linear's transpose) belongs to its module, an op that takes a parameter or such a view belongs to
 * that module, and a sum of two of its results does too (a neuron's Σ wᵢxᵢ). Activations and losses
 * stay outside, as PyTorch counts them as modules of their own. Nodes of no module are left out.
 */
export function moduleMembers(order: readonly Node[], names: ReadonlyMap<Node, string>): Map<Node, string> {
  const member = new Map<Node, string>();
  const view = new Set<Node>();
  for (const n of order) {
    const own = names.get(n);
    if (own !== undefined) {
      const path = modulePath(own);
      if (path !== '') {
        member.set(n, path);
        view.add(n);
      }
      continue;
    }
    if (n.op === null) continue;
    const parents = n.parents;
    const viaParam = parents.find((p) => view.has(p));
    if (viaParam) {
      member.set(n, member.get(viaParam)!);
      if (VIEWS.has(n.op.name) && parents.length === 1) view.add(n);
      continue;
    }
    if (n.op.name !== 'add') continue;
    const [a, b] = [member.get(parents[0]!), member.get(parents[1]!)];
    if (a !== undefined && a === b) member.set(n, a);
  }
  return member;
}
