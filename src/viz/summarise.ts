/** @file What a drawing shows in place of many nodes: composites as one node, modules as boxes, a layer of units as one record. */

import type { Node } from '../engine/node.js';
import { formatNumber } from '../errors.js';

/** A plain number that an op took (`x.mul(3)`): drawn inside the op's ellipse, not as a node. */
export function isInlined(n: Node): boolean {
  return n.op === null && !n.requiresGrad && n.label === '' && n.shape.length === 0;
}

export function isConstant(n: Node): boolean {
  return n.op === null && !n.requiresGrad;
}

export function scalarOf(n: Node): number {
  return typeof n.raw === 'number' ? n.raw : n.raw.data[0]!;
}

/** `3.0000` → `3`, `0.5000` → `0.5`, `1.0000e+10` → `1e+10`: the number as a label reads best. */
export function trimZeros(text: string): string {
  const [mantissa, exponent] = text.split('e');
  const trimmed = mantissa!.includes('.') ? mantissa!.replace(/\.?0+$/, '') : mantissa!;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}

/** The drawn inputs of each node: its parents, or for a composite drawn whole, the inputs of the composite. */
export type Inputs = Map<Node, readonly (readonly [Node, number])[]>;

type InputsOf = (n: Node) => readonly (readonly [Node, number])[];

/** The nodes of composites drawn as one (each composite's own nodes, result excluded), and their inputs. */
export function composites(order: readonly Node[]): { inside: Map<Node, Node>; inputs: Inputs } {
  const inside = new Map<Node, Node>();
  const inputs: Inputs = new Map();
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    const from = n.madeFrom;
    if (from < 0 || inside.has(n)) continue;
    const outside: [Node, number][] = [];
    const seen = new Set<Node>([n]);
    const stack = [n];
    while (stack.length > 0) {
      const m = stack.pop()!;
      for (const [i, p] of m.parents.entries()) {
        if (seen.has(p)) continue;
        seen.add(p);
        if (p.id >= from && !(p.op === null && p.requiresGrad)) {
          inside.set(p, n);
          stack.push(p);
        } else {
          outside.push([p, i]);
        }
      }
    }
    inputs.set(n, outside);
  }
  return { inside, inputs };
}

/** What an op's ellipse says: its label, plain numbers it took, its attributes; a composite's name. */
export function opText(n: Node, composite: boolean): string {
  const op = n.op!;
  if (composite) return n.gradFn!;
  if (op.name === 'permute' && n.shape.length === 2) return 'transpose';
  const constants = n.parents.filter(isInlined).map((p) => trimZeros(formatNumber(scalarOf(p))));
  const head = constants.length > 0 ? `${op.label} ${constants.join(', ')}` : op.label;
  const attrs = op.describe?.(n.attrs);
  return attrs ? `${head}\n${attrs}` : head;
}

/** Fewest like units between collapsed modules drawn as one record (`128 × tanh`). */
const GROUP_AT_LEAST = 8;

/**
 * Between collapsed modules, a layer's activations (128 tanh of 128 neurons) would fill a column:
 * like ops (same op, inputs from the same boxes only) of scalar nodes are drawn as one record instead.
 */
function unitGroups(
  order: readonly Node[],
  root: Node,
  boxOf: (n: Node) => string | null,
  inputsOf: InputsOf,
  skip: (n: Node) => boolean,
): Map<Node, Node[]> {
  const byKey = new Map<string, Node[]>();
  for (const n of order) {
    if (n === root || n.op === null || boxOf(n) !== null || typeof n.raw !== 'number' || n.label !== '')
      continue;
    const from = new Set<string>();
    let onlyBoxes = true;
    for (const [p] of inputsOf(n)) {
      if (skip(p)) continue;
      const b = boxOf(p);
      if (b === null) onlyBoxes = false;
      else from.add(b);
    }
    if (!onlyBoxes || from.size === 0) continue;
    const key = `${opText(n, false)}|${[...from].sort().join(',')}`;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(n);
  }
  const groups = new Map<Node, Node[]>();
  for (const members of byKey.values())
    if (members.length >= GROUP_AT_LEAST) groups.set(members[0]!, members);
  return groups;
}

/** What a drawing with collapsed modules puts in place of values. */
export interface CollapsedParts {
  /** The module whose box a value is drawn in, or null. */
  readonly boxOf: (n: Node) => string | null;
  /** Constants used only inside one box (a layer's inputs): counted in it, not drawn. */
  readonly absorbed: ReadonlyMap<Node, string>;
  /** Like units between boxes drawn as one record, by their first member. */
  readonly groups: ReadonlyMap<Node, Node[]>;
}

/** The boxes, absorbed constants and groups of units of a drawing that collapses `collapsed`. */
export function collapsedParts(
  order: readonly Node[],
  root: Node,
  inputsOf: InputsOf,
  skip: (n: Node) => boolean,
  members: ReadonlyMap<Node, string>,
  collapsed: ReadonlySet<string>,
): CollapsedParts {
  const boxOf = (n: Node) => {
    const m = members.get(n);
    return m !== undefined && collapsed.has(m) ? m : null;
  };
  const absorbed = new Map<Node, string>();
  if (collapsed.size === 0) return { boxOf, absorbed, groups: new Map() };
  const outside = new Set<Node>();
  for (const n of order) {
    if (n.op === null) continue;
    const box = boxOf(n);
    for (const [p] of inputsOf(n)) {
      if (!isConstant(p) || outside.has(p)) continue;
      if (box === null || (absorbed.has(p) && absorbed.get(p) !== box)) {
        outside.add(p);
        absorbed.delete(p);
      } else absorbed.set(p, box);
    }
  }
  return { boxOf, absorbed, groups: unitGroups(order, root, boxOf, inputsOf, skip) };
}

export function boxId(module: string): string {
  return `m_${module.replace(/[^A-Za-z0-9_]/g, (c) => `_${c.charCodeAt(0)}_`)}`;
}

/** Which modules to draw as boxes: those asked for, or all when the graph is past the budget. */
export function collapsedModules(
  collapse: boolean | readonly string[] | undefined,
  members: ReadonlyMap<Node, string>,
  overBudget: boolean,
): Set<string> {
  const known = new Set(members.values());
  if (collapse === true || (collapse === undefined && overBudget)) return known;
  if (!collapse) return new Set();
  for (const m of collapse) {
    if (!known.has(m)) {
      throw new RangeError(
        `toDot: no module named ${JSON.stringify(m)} in this graph (known: ${[...known].join(', ') || 'none'}); pass modules and a known name`,
      );
    }
  }
  return new Set(collapse);
}

/** A collapsed module: its path, how many parameters it holds, the norm of their gradients. */
export function boxText(
  module: string,
  title: string,
  members: ReadonlyMap<Node, string>,
  names: ReadonlyMap<Node, string>,
  constants: number,
): string {
  let count = 0;
  let squares = 0;
  let graded = false;
  for (const [p, name] of names) {
    if (members.get(p) !== module || !name.startsWith(`${module}.`)) continue;
    count += p.shape.reduce((a, b) => a * b, 1);
    const g = p.gradRaw;
    if (g === null) continue;
    graded = true;
    if (typeof g === 'number') squares += g * g;
    else for (let i = 0; i < g.data.length; i++) squares += g.data[i]! * g.data[i]!;
  }
  const norm = graded ? `‖grad‖ ${trimZeros(formatNumber(Math.sqrt(squares)))}` : 'no gradient yet';
  const inputs = constants > 0 ? `\n${constants} constant input${constants === 1 ? '' : 's'}` : '';
  return `${title}\n${count} parameter${count === 1 ? '' : 's'}\n${norm}${inputs}`;
}
