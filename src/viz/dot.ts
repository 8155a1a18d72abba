/** @file toDot: the graph behind a node as Graphviz DOT text, deterministic and escaped. */

import type { Node } from '../engine/node.js';
import { topoSort } from '../engine/topo.js';
import { escapeQuoted, escapeRecord } from './escape.js';

export interface DotOptions {
  /** Layout direction: 'LR' (default, inputs on the left) or 'TB', 'RL', 'BT'. */
  readonly rankdir?: 'LR' | 'TB' | 'RL' | 'BT';
  /**
   * Most value nodes drawn (default 2000): the ones nearest the root are kept and the rest are
   * summarised in one box, since Graphviz cannot lay out huge graphs. `Infinity` draws everything.
   */
  readonly maxNodes?: number;
}

const FILL = { param: '#dbeafe', constant: '#f3f4f6', output: '#fde68a', inner: '#ffffff' } as const;

function fill(n: Node, root: Node): string {
  if (n === root) return FILL.output;
  if (n.op !== null) return FILL.inner;
  return n.requiresGrad ? FILL.param : FILL.constant;
}

/** The record fields of a value: its label (if any), its data, its gradient or "no gradient yet". */
function fields(n: Node): string[] {
  const grad = n.requiresGrad ? (n.describeGrad() ?? 'no gradient yet') : 'no gradient (constant)';
  const out = [n.describeData(), grad];
  return n.label ? [n.label, ...out] : out;
}

function opText(n: Node): string {
  const op = n.op!;
  const attrs = op.describe?.(n.attrs);
  return attrs ? `${op.label}\n${attrs}` : op.label;
}

/**
 * Graphviz DOT for everything `root` depends on: a record per value (label, data, gradient), an
 * ellipse per op, one edge per use of a value (`x.mul(x)` shows two). Pure text, never starts a
 * process; walks iteratively, so any depth of graph works.
 *
 * @example
 * const x = new Value(2, { label: 'x' });
 * const y = x.mul(x);
 * y.backward();
 * toDot(y);   // 'digraph chainrule { … }'
 */
export function toDot(root: Node, options: DotOptions = {}): string {
  const { rankdir = 'LR', maxNodes = 2000 } = options;
  if (!(maxNodes >= 1)) throw new RangeError(`toDot: maxNodes must be at least 1 (got ${maxNodes})`);
  const order = topoSort([root]);
  const hidden = Math.max(0, order.length - maxNodes);
  const shown = new Set<Node>(order.slice(hidden));
  const lines = [
    'digraph chainrule {',
    `  rankdir=${rankdir}; nslimit=2; mclimit=0.5;`,
    '  node [fontname="Helvetica", fontsize=11]; edge [color="#555555"];',
  ];
  if (hidden > 0) {
    lines.push(`  hidden [shape=box, style="dashed", label="… ${hidden} earlier nodes not drawn (maxNodes=${maxNodes})"];`);
  }
  for (const n of order.slice(hidden)) {
    const label = fields(n).map(escapeRecord).join(' | ');
    lines.push(`  v${n.id} [shape=record, style=filled, fillcolor="${fill(n, root)}", label="{ ${label} }"];`);
    if (n.op === null) continue;
    lines.push(`  op${n.id} [shape=ellipse, label="${escapeQuoted(opText(n))}"];`, `  op${n.id} -> v${n.id};`);
    let fromHidden = false;
    for (const p of n.parents) {
      if (shown.has(p)) lines.push(`  v${p.id} -> op${n.id};`);
      else fromHidden = true;
    }
    if (fromHidden) lines.push(`  hidden -> op${n.id} [style=dashed];`);
  }
  lines.push('}');
  return lines.join('\n');
}
