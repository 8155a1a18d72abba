/** @file explain(): one gradient as the sum over paths of products of local derivatives, checked against `.grad`. */

import { gradOf } from '../engine/autograd.js';
import type { Node, Raw } from '../engine/node.js';
import { checkOptions, fmt, type OptionNames } from '../errors.js';
import type { NDArray } from '../kernels/ndarray.js';
import { summarize } from '../kernels/summary.js';
import { arrayBackend } from '../ops/backends.js';
import { Value } from '../scalar/value.js';
import { Tensor } from '../tensor/tensor.js';
import {
  between,
  pathsBetween,
  prefixes,
  type Region,
  regionOf,
  valueAdjoints,
  valueLocals,
} from './paths.js';
import { runRule } from './rule.js';
import { isReleased } from './text.js';
import { textbookChecks } from './textbook.js';
import type { TracedArray, TracedNode } from './trace.js';

/** One edge of a path, from an input to the node that used it. */
export interface PathEdge {
  readonly from: TracedNode;
  readonly to: TracedNode;
  /** Which input of `to` (x.mul(x) has two edges from x, inputs 0 and 1). */
  readonly index: number;
  /** ∂to/∂from, for `Value` graphs. */
  readonly local?: number;
  /** For tensors: the gradient this path has carried down to `from` (its summary). */
  readonly carried?: TracedArray;
}

/** One path from the target to the root, or a group of paths sharing their first edges. */
export interface GradientPath {
  /** From the target up (the whole path, or the shared first edges of a group). */
  readonly edges: readonly PathEdge[];
  /** What the path contributes to the target's gradient: the product of its local derivatives. */
  readonly product: number;
  /** How many paths this row stands for (1 unless grouped). */
  readonly count: number;
  /** For a group: the node where its edges stop, and ∂root/∂node summed over the rest of the paths. */
  readonly rest?: { readonly node: TracedNode; readonly paths: number; readonly gradient: number };
}

/** ∂upper/∂lower summed over the paths between two nodes every path of the explanation passes through. */
export interface ChainFactor {
  readonly name: string;
  readonly upper: TracedNode;
  readonly lower: TracedNode;
  readonly value: number;
  readonly paths: number;
}

/** A factor a textbook writes in one formula (σ′ = σ(1 − σ)), and how close the graph's number is. */
export interface TextbookFactor {
  readonly name: string;
  readonly formula: string;
  /** The formula evaluated on the node values. */
  readonly value: number;
  /** The same quantity from the recorded primitives' local derivatives. */
  readonly fromGraph: number;
  readonly difference: number;
}

/** Options of `explain`: `explain(loss, W, { index: [0, 1], maxPaths: 8 })`. */
export interface ExplainOptions {
  /** For a tensor target: which element, as indices per axis (`[0, 1]`) or a flat index. */
  readonly index?: number | readonly number[];
  /** Most rows listed (default 32); past it, paths are grouped by the first edges they share. */
  readonly maxPaths?: number;
}

/** The answer of `explain()`: plain data, and `toString()` writes it as the lesson does. */
export interface Explanation {
  readonly root: TracedNode;
  readonly target: TracedNode;
  /** For a tensor target: the element's indices. */
  readonly index: readonly number[] | null;
  /** Number of paths from the target to the root (counted over the topological order, not listed). */
  readonly pathCount: number;
  /** True when the rows are groups of paths (more paths than `maxPaths`). */
  readonly grouped: boolean;
  readonly paths: readonly GradientPath[];
  /** Σ over rows of their products. */
  readonly sum: number;
  /** The target's gradient from the latest backward pass (null before any). */
  readonly grad: number | null;
  /** |sum − grad|, or null before any backward pass. */
  readonly difference: number | null;
  /** The chain ∂root/∂a · ∂a/∂b · … through the labelled nodes every path passes (Value graphs). */
  readonly factors: readonly ChainFactor[];
  readonly textbook: readonly TextbookFactor[];
  toString(): string;
}

/** How drawings and explanations name a node: its label, else its op and id. */
export function nameOf(n: Node): string {
  return n.label || `${n.gradFn ?? 'leaf'}#${n.id}`;
}

function traced(n: Node): TracedNode {
  return { id: n.id, op: n.gradFn, label: n.label };
}

const EXPLAIN_OPTIONS: OptionNames<ExplainOptions> = { index: true, maxPaths: true };

/**
 * Every path from `target` to `root`, each with the local derivative on its edges and their product,
 * and the sum over paths next to `target.grad`. For a tensor target, `index` picks one element and
 * each path's product is that element of the gradient carried along the path. Paths are counted
 * over the topological order first; past `maxPaths` they are listed in groups sharing their first
 * edges (each group closed by ∂root/∂node over the rest), so a huge graph never hangs.
 * Labelled nodes that every path passes split the gradient into the lesson's chain of factors, and
 * factors a textbook writes in one formula (σ′ = σ(1−σ), binary cross-entropy after a sigmoid:
 * ŷ − y) are checked numerically.
 *
 * @example
 * const x = new Value(3, { label: 'x' });
 * const y = x.mul(x);
 * y.backward();
 * explain(y, x).sum;   // 6: two paths (x is both inputs of *), 3 each
 */
export function explain(
  root: Value | Tensor,
  target: Value | Tensor,
  options: ExplainOptions = {},
): Explanation {
  for (const [what, n] of [
    ['root', root],
    ['target', target],
  ] as const) {
    if (!(n instanceof Value) && !(n instanceof Tensor)) {
      throw new TypeError(
        `explain: ${what} must be a Value or a Tensor (got ${n === null ? 'null' : typeof n})`,
      );
    }
  }
  if (root instanceof Tensor && root.size !== 1) {
    throw new TypeError(
      `explain: the root must be one number (got a tensor of shape ${fmt(root.shape)}); explain a loss, or root.sum()`,
    );
  }
  if (root instanceof Value !== target instanceof Value) {
    throw new TypeError('explain: root and target must both be Values or both be Tensors');
  }
  checkOptions('explain', options, EXPLAIN_OPTIONS);
  const maxPaths = options.maxPaths ?? 32;
  if (!(Number.isInteger(maxPaths) && maxPaths >= 1)) {
    throw new RangeError(`explain: maxPaths must be a positive integer (got ${maxPaths})`);
  }
  const index = target instanceof Tensor ? flatIndex(target, options.index) : null;
  const region = regionOf(root, target);
  if (region.order.some(isReleased)) {
    throw new TypeError(
      'explain: this graph was released by backward() (its saved arrays are freed after a pass); ' +
        'call backward({ retainGraph: true }) before explain(), or record a new forward pass',
    );
  }
  const pathCount = region.fromTarget.get(root) ?? 0;
  // no path: the root was not computed from the target, and the gradient is 0 (no rows, no factors)
  const locals = target instanceof Value && pathCount > 0 ? valueLocals(region) : null;
  const rows =
    pathCount === 0
      ? { paths: [], grouped: false }
      : locals
        ? valueRows(region, locals, target, maxPaths)
        : tensorRows(region, target, index!.flat, maxPaths);
  const sum = rows.paths.reduce((s, p) => s + p.product, 0);
  const g = target.gradRaw;
  const grad = g === null ? null : typeof g === 'number' ? g : (g as NDArray).data[index!.flat]!;
  const factors = locals ? chainFactors(region, locals) : [];
  const textbook = locals ? textbookChecks(region.order, root, (a, b) => between(region, locals, a, b)) : [];
  const result: Explanation = {
    root: traced(root),
    target: traced(target),
    index: index?.indices ?? null,
    pathCount,
    grouped: rows.grouped,
    paths: rows.paths,
    sum,
    grad,
    difference: grad === null ? null : Math.abs(sum - grad),
    factors,
    textbook,
    toString: () => render(result, root, target),
  };
  return result;
}

function flatIndex(
  t: Tensor,
  index: number | readonly number[] | undefined,
): { flat: number; indices: number[] } {
  const shape = t.shape;
  if (index === undefined) {
    if (t.size === 1) return { flat: 0, indices: shape.map(() => 0) };
    throw new TypeError(
      `explain: the target has shape ${fmt(shape)}; pass { index: [...] } to pick one element`,
    );
  }
  if (typeof index === 'number') {
    if (!Number.isInteger(index) || index < 0 || index >= t.size) {
      throw new RangeError(
        `explain: index ${index} is out of range for ${t.size} elements (shape ${fmt(shape)})`,
      );
    }
    const indices: number[] = [];
    let rest = index;
    for (let a = shape.length - 1; a >= 0; a--) {
      indices.unshift(rest % shape[a]!);
      rest = Math.floor(rest / shape[a]!);
    }
    return { flat: index, indices };
  }
  if (!Array.isArray(index) || index.length !== shape.length) {
    throw new RangeError(
      `explain: index ${JSON.stringify(index)} must give one index per axis of ${fmt(shape)}`,
    );
  }
  let flat = 0;
  index.forEach((i, a) => {
    const n = shape[a]!;
    if (!Number.isInteger(i) || i < -n || i >= n) {
      throw new RangeError(
        `explain: index ${i} is out of range for axis ${a} of size ${n} (shape ${fmt(shape)})`,
      );
    }
    flat = flat * n + (i < 0 ? i + n : i);
  });
  return { flat, indices: index.map((i, a) => (i < 0 ? i + shape[a]! : i)) };
}

function valueRows(
  region: Region,
  locals: Map<Node, (number | null)[]>,
  target: Node,
  maxPaths: number,
): { paths: GradientPath[]; grouped: boolean } {
  const adj = valueAdjoints(region, locals);
  const root = region.order[region.order.length - 1]!;
  const { edges: all, grouped } = prefixes(region, target, maxPaths);
  const paths = all.map((edges): GradientPath => {
    let product = 1;
    const shown = edges.map(([from, to, i]): PathEdge => {
      const local = locals.get(to)![i] ?? 0;
      product *= local;
      return { from: traced(from), to: traced(to), index: i, local };
    });
    const end = edges.length === 0 ? target : edges[edges.length - 1]![1];
    if (end === root) return { edges: shown, product, count: 1 };
    const rest = { node: traced(end), paths: region.toRoot.get(end) ?? 0, gradient: adj.get(end) ?? 0 };
    return { edges: shown, product: product * rest.gradient, count: rest.paths, rest };
  });
  return { paths, grouped };
}

/**
 * Tensor paths: the root's seed is carried down each path by the rules of the nodes on it (a
 * vector-Jacobian product per edge); the path's product is the target element of what arrives.
 * A group starts from ∂root/∂node of its last node, from the engine's own pass.
 */
function tensorRows(
  region: Region,
  target: Node,
  flat: number,
  maxPaths: number,
): { paths: GradientPath[]; grouped: boolean } {
  const root = region.order[region.order.length - 1]!;
  const { edges: all, grouped } = prefixes(region, target, maxPaths);
  const ends = [...new Set(all.map((e) => (e.length === 0 ? target : e[e.length - 1]![1])))].filter(
    (n) => n !== root,
  );
  const seed = arrayBackend.full(root.shape, 1, root.raw as NDArray);
  const adj = new Map<Node, Raw>([[root, seed]]);
  if (ends.length > 0) {
    const grads = gradOf([root], ends, [root.constant(seed)], { allowUnused: true });
    for (const [k, n] of ends.entries()) adj.set(n, grads[k]!.raw);
  }
  const paths = all.map((edges): GradientPath => {
    const end = edges.length === 0 ? target : edges[edges.length - 1]![1];
    let g = adj.get(end)!;
    const shown: PathEdge[] = [];
    for (let k = edges.length - 1; k >= 0; k--) {
      const [from, to, i] = edges[k]!;
      g = runRule(to, g)[i] ?? arrayBackend.full(from.shape, 0, g as NDArray);
      const s = summarize(g as NDArray);
      shown.unshift({ from: traced(from), to: traced(to), index: i, carried: { ...s, shape: [...s.shape] } });
    }
    const product = (g as NDArray).data[flat]!;
    if (end === root) return { edges: shown, product, count: 1 };
    const rest = { node: traced(end), paths: region.toRoot.get(end) ?? 0, gradient: Number.NaN };
    return { edges: shown, product, count: rest.paths, rest };
  });
  return { paths, grouped };
}

/** The labelled nodes every path passes (with the target and the root), and the factor between each pair. */
function chainFactors(region: Region, locals: Map<Node, (number | null)[]>): ChainFactor[] {
  const order = region.order;
  if (order.length < 2) return [];
  const target = order[0]!;
  const root = order[order.length - 1]!;
  const total = region.fromTarget.get(root) ?? 0;
  const anchors = order.filter(
    (n) =>
      n === target ||
      n === root ||
      (n.label !== '' && (region.fromTarget.get(n) ?? 0) * (region.toRoot.get(n) ?? 0) === total),
  );
  const factors: ChainFactor[] = [];
  for (let k = anchors.length - 1; k > 0; k--) {
    const upper = anchors[k]!;
    const lower = anchors[k - 1]!;
    factors.push({
      name: `∂${nameOf(upper)}/∂${nameOf(lower)}`,
      upper: traced(upper),
      lower: traced(lower),
      value: between(region, locals, lower, upper),
      paths: pathsBetween(region, lower, upper),
    });
  }
  return factors;
}

const num = (v: number) => (Number.isInteger(v) && Math.abs(v) < 1e6 ? String(v) : v.toPrecision(6));

/** The lesson's layout: the chain of factors with numbers, the textbook forms, each path, the sum and `.grad`. */
function render(e: Explanation, root: Node, target: Node): string {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const p of e.paths) {
    for (const edge of p.edges) {
      const key = `${edge.from.id}>${edge.to.id}`;
      const withIndex = `${key}#${edge.index}`;
      if (!seen.has(withIndex)) {
        if (seen.has(key)) twice.add(key);
        seen.add(withIndex);
        seen.add(key);
      }
    }
  }
  const el = e.index === null ? '' : `[${e.index.join(', ')}]`;
  const lhs = `∂${nameOf(root)}/∂${nameOf(target)}${el}`;
  const lines: string[] = [];
  if (e.factors.length > 1) {
    lines.push(`${lhs} = ${e.factors.map((f) => f.name).join(' · ')}`);
    lines.push(`${' '.repeat(lhs.length)} = ${e.factors.map((f) => num(f.value)).join(' · ')}`);
    lines.push(`${' '.repeat(lhs.length)} = ${num(e.factors.reduce((p, f) => p * f.value, 1))}`);
  }
  for (const t of e.textbook) {
    lines.push(
      `  ${t.name} = ${t.formula} = ${num(t.value)}  (graph: ${num(t.fromGraph)}, difference ${t.difference.toExponential(1)})`,
    );
  }
  if (e.pathCount === 0) {
    const grad = e.grad === null ? 'null' : num(e.grad);
    return [
      `no path from ${nameOf(target)}${el} to ${nameOf(root)}: ${nameOf(root)} was not computed from ${nameOf(target)}, so ${lhs} = 0`,
      `${nameOf(target)}.grad${el} = ${grad} (a backward pass from ${nameOf(root)} leaves it as it was)`,
    ].join('\n');
  }
  const kind = e.grouped
    ? `${e.paths.length} groups covering ${e.pathCount} paths (more than maxPaths)`
    : `${e.pathCount} path${e.pathCount === 1 ? '' : 's'}`;
  lines.push(`${kind} from ${nameOf(target)}${el} to ${nameOf(root)}:`);
  e.paths.forEach((p, k) => {
    const steps = p.edges.map((edge) => {
      // x.mul(x): say which input, or the two paths would read the same
      const to = twice.has(`${edge.from.id}>${edge.to.id}`)
        ? `${edgeName(edge.to)} input ${edge.index}`
        : edgeName(edge.to);
      return edge.local !== undefined ? `→ ${to} (×${num(edge.local)})` : `→ ${to}`;
    });
    const via =
      p.rest && !Number.isNaN(p.rest.gradient)
        ? ` (∂${nameOf(root)}/∂${edgeName(p.rest.node)} = ${num(p.rest.gradient)})`
        : '';
    const rest = p.rest ? ` → … ${p.rest.paths} paths to ${nameOf(root)}${via}` : '';
    lines.push(`  ${k + 1}. ${nameOf(target)} ${steps.join(' ')}${rest}  = ${num(p.product)}`);
  });
  lines.push(`sum over paths = ${num(e.sum)}`);
  lines.push(
    `${nameOf(target)}.grad${el} = ${e.grad === null ? 'null (no backward pass yet)' : num(e.grad)}`,
  );
  if (e.difference !== null) lines.push(`difference = ${e.difference.toExponential(1)}`);
  return lines.join('\n');
}

function edgeName(n: TracedNode): string {
  return n.label || `${n.op ?? 'leaf'}#${n.id}`;
}
