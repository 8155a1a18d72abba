/** @file toDot: the graph behind a node as Graphviz DOT text, deterministic and escaped. */

import { type Node, Node as NodeClass } from '../engine/node.js';
import { topoSort } from '../engine/topo.js';
import { describeValue, formatNumber, readOptions } from '../errors.js';
import { escapeQuoted, escapeRecord } from './escape.js';
import { heatOf } from './heat.js';

/** Options of `toDot`: `toDot(loss, { heat: true, rankdir: 'TB' })`. */
export interface DotOptions {
  /** Layout direction: 'LR' (default, inputs on the left) or 'TB', 'RL', 'BT'. */
  readonly rankdir?: 'LR' | 'TB' | 'RL' | 'BT';
  /**
   * Most value nodes drawn (default 2000): the ones nearest the root (fewest steps back) are kept
   * and the rest are summarised in one box, since Graphviz cannot lay out huge graphs. `Infinity`
   * draws everything.
   */
  readonly maxNodes?: number;
  /**
   * Colour each value by the size of its gradient (log scale, light blue for the smallest, red for
   * the largest, grey for exactly 0) instead of by its role, with a legend: where gradients vanish
   * or explode shows at a glance. Default false.
   */
  readonly heat?: boolean;
}

const FILL = { param: '#dbeafe', constant: '#f3f4f6', output: '#fde68a', inner: '#ffffff' } as const;

/**
 * A value used by many ops far apart (`x` in `Σ x·i`) would drag long edges across the whole
 * drawing, and Graphviz's layout time grows with their total length (400 uses: minutes). For a value
 * with more than FAN_OUT uses, a use more than SPAN steps away is drawn from a small dashed copy of
 * the value placed beside it.
 */
const FAN_OUT = 3;
const SPAN = 4;

function fill(n: Node, root: Node): string {
  if (n === root) return FILL.output;
  if (n.op !== null) return FILL.inner;
  return n.requiresGrad ? FILL.param : FILL.constant;
}

/** A plain number that an op took (`x.mul(3)`): drawn inside the op's ellipse, not as a node. */
function isInlined(n: Node): boolean {
  return n.op === null && !n.requiresGrad && n.label === '' && n.shape.length === 0;
}

function scalarOf(n: Node): number {
  return typeof n.raw === 'number' ? n.raw : n.raw.data[0]!;
}

/** The record fields of a value: its label (if any), its data, its gradient or "no gradient yet". */
function fields(n: Node): string[] {
  const grad = n.requiresGrad ? (n.describeGrad() ?? 'no gradient yet') : 'no gradient (constant)';
  const out = [n.describeData(), grad];
  return n.label ? [n.label, ...out] : out;
}

/** `3.0000` → `3`, `0.5000` → `0.5`, `1.0000e+10` → `1e+10`: the number as a label reads best. */
function trimZeros(text: string): string {
  const [mantissa, exponent] = text.split('e');
  const trimmed = mantissa!.includes('.') ? mantissa!.replace(/\.?0+$/, '') : mantissa!;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}

function opText(n: Node): string {
  const op = n.op!;
  const constants = n.parents.filter(isInlined).map((p) => trimZeros(formatNumber(scalarOf(p))));
  const head = constants.length > 0 ? `${op.label} ${constants.join(', ')}` : op.label;
  const attrs = op.describe?.(n.attrs);
  return attrs ? `${head}\n${attrs}` : head;
}

/** The `count` values closest to `root` (fewest steps back through inputs), found breadth first. */
function nearest(root: Node, count: number): Set<Node> {
  const kept = new Set<Node>([root]);
  const queue: Node[] = [root];
  for (let head = 0; head < queue.length && kept.size < count; head++) {
    for (const p of queue[head]!.parents) {
      if (kept.size >= count) break;
      if (kept.has(p) || isInlined(p)) continue;
      kept.add(p);
      queue.push(p);
    }
  }
  return kept;
}

/**
 * Where each drawn value would sit if placed as late as possible: the root at 0, every other value one
 * step before its earliest use. An edge's length is the difference, as Graphviz will roughly draw it.
 */
function latestRanks(drawn: readonly Node[], shown: ReadonlySet<Node>): Map<Node, number> {
  const rank = new Map<Node, number>();
  for (let k = drawn.length - 1; k >= 0; k--) {
    const n = drawn[k]!;
    const r = rank.get(n) ?? 0;
    rank.set(n, r);
    for (const p of n.parents) if (shown.has(p)) rank.set(p, Math.min(rank.get(p) ?? r - 1, r - 1));
  }
  return rank;
}

/** How many drawn ops use each drawn value. */
function useCounts(drawn: readonly Node[], shown: ReadonlySet<Node>): Map<Node, number> {
  const uses = new Map<Node, number>();
  for (const n of drawn) for (const p of n.parents) if (shown.has(p)) uses.set(p, (uses.get(p) ?? 0) + 1);
  return uses;
}

/**
 * Graphviz DOT for everything `root` depends on: a record per value (label, data, gradient), an
 * ellipse per op (plain numbers it took shown inside), one edge per use of a value (`x.mul(x)`
 * shows two). Pure text, never starts a process; walks iteratively, so any depth of graph works.
 *
 * @example
 * const x = new Value(2, { label: 'x' });
 * const y = x.mul(x);
 * y.backward();
 * toDot(y);   // 'digraph chainrule { … }'
 */
export function toDot(root: Node, options: DotOptions = {}): string {
  if (!(root instanceof NodeClass)) {
    throw new TypeError(
      `toDot: expected a Value or a Tensor to draw (got ${describeValue(root)}); pass the output of your computation, e.g. toDot(loss)`,
    );
  }
  const o = readOptions('toDot', options, { rankdir: 'string', maxNodes: 'number', heat: 'boolean' });
  const { rankdir = 'LR', maxNodes = 2000, heat = false } = o as DotOptions;
  if (!['LR', 'TB', 'RL', 'BT'].includes(rankdir)) {
    throw new TypeError(`toDot: rankdir must be 'LR', 'TB', 'RL' or 'BT' (got ${JSON.stringify(rankdir)})`);
  }
  if (!(maxNodes >= 1))
    throw new RangeError(
      `toDot: maxNodes must be at least 1 (got ${maxNodes}); pass a positive number, or Infinity`,
    );
  const order = topoSort([root]).filter((n) => n === root || !isInlined(n));
  const shown = order.length <= maxNodes ? new Set<Node>(order) : nearest(root, maxNodes);
  const drawn = order.filter((n) => shown.has(n));
  const hidden = order.length - drawn.length;
  const rank = latestRanks(drawn, shown);
  const uses = useCounts(drawn, shown);
  const lines = [
    'digraph chainrule {',
    `  rankdir=${rankdir}; nslimit=2; mclimit=0.5;`,
    '  node [fontname="Helvetica", fontsize=11]; edge [color="#555555"];',
  ];
  const heatMap = heat ? heatOf(drawn) : null;
  if (heatMap) lines.push(`  legend [shape=note, label="${escapeQuoted(heatMap.legend)}"];`);
  if (hidden > 0) {
    lines.push(
      `  hidden [shape=box, style="dashed", label="… ${hidden} earlier nodes not drawn (maxNodes=${maxNodes})"];`,
    );
  }
  // NOTE: a record's fields run across the rank direction; braces turn them, so they always stack.
  const [open, close] = rankdir === 'LR' || rankdir === 'RL' ? ['', ''] : ['{ ', ' }'];
  for (const n of drawn) {
    const label = fields(n).map(escapeRecord).join(' | ');
    lines.push(
      `  v${n.id} [shape=record, style=filled, fillcolor="${heatMap?.colour(n) ?? fill(n, root)}", label="${open}${label}${close}"];`,
    );
    if (n.op === null) continue;
    lines.push(
      `  op${n.id} [shape=ellipse, label="${escapeQuoted(opText(n))}"];`,
      `  op${n.id} -> v${n.id};`,
    );
    let fromHidden = false;
    for (const [i, p] of n.parents.entries()) {
      if (isInlined(p)) continue;
      if (!shown.has(p)) {
        fromHidden = true;
        continue;
      }
      if (uses.get(p)! > FAN_OUT && rank.get(n)! - rank.get(p)! > SPAN) {
        const name = escapeQuoted(p.label || `v${p.id}`);
        lines.push(
          `  ref${n.id}_${i} [shape=box, style="dashed,rounded", fontsize=9, label="${name}"];`,
          `  ref${n.id}_${i} -> op${n.id} [style=dashed];`,
        );
      } else {
        lines.push(`  v${p.id} -> op${n.id};`);
      }
    }
    if (fromHidden) lines.push(`  hidden -> op${n.id} [style=dashed];`);
  }
  lines.push('}');
  return lines.join('\n');
}
