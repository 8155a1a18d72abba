/** @file toDot: the graph behind a node as Graphviz DOT text, deterministic and escaped. */

import { type Node, Node as NodeClass } from '../engine/node.js';
import { topoSort } from '../engine/topo.js';
import { ANY_OPTION, describeValue, type OptionSpecs, readOptions } from '../errors.js';
import { type ColourMode, fillFor, legendLabel, metric, ROLE, type Scale, scaleOf } from './colour.js';
import { escapeQuoted, escapeRecord } from './escape.js';
import { type ModuleNames, moduleKinds, moduleMembers, parameterNames } from './modules.js';
import { localDerivatives } from './rule.js';
import { stageDot } from './stage-dot.js';
import { type StageSummary, stageSummary } from './stages.js';
import {
  boxId,
  boxText,
  collapsedModules,
  collapsedParts,
  composites,
  type Inputs,
  isConstant,
  isInlined,
  opText,
} from './summarise.js';
import { fields, gradOf, groupText, type Shown, short, shortLabel } from './text.js';

/** Options of `toDot`: `toDot(loss, { heat: true, rankdir: 'TB' })`. */
export interface DotOptions {
  /**
   * Layout direction: 'LR' (inputs on the left), 'TB', 'RL', 'BT', or 'auto' (the default): the one
   * whose drawing is closer to a screen's shape, so a deep graph is not a long strip.
   */
  readonly rankdir?: 'LR' | 'TB' | 'RL' | 'BT' | 'auto';
  /**
   * Most value nodes drawn (default 2000), since Graphviz cannot lay out huge graphs legibly or fast.
   * Past it, the modules of `modules` are collapsed into boxes; if that leaves too many values, those
   * nearest the root (fewest steps back) are kept and the rest counted in one box. Without modules to
   * collapse, the graph is drawn as a layer diagram instead: one record per op and stage (the number of
   * nonlinear ops such as tanh or exp behind a value), `100,352 × mul` with the norm and range of the
   * values and gradients, stages merged into bands when there are many; the root is drawn as itself.
   * `Infinity` draws everything.
   */
  readonly maxNodes?: number;
  /**
   * What the fill colours show (default 'role': parameter, constant, output): 'gradient', 'value' or
   * 'product' (gradient × value) on a diverging scale, negative blue, positive red, log magnitude;
   * 'magnitude': |gradient| from light blue (smallest) to red (largest).
   */
  readonly colour?: ColourMode;
  /** Same as `colour: 'magnitude'`: where gradients vanish or explode, at a glance. */
  readonly heat?: boolean;
  /** Draw the legend (default true). */
  readonly legend?: boolean;
  /** The local derivative ∂out/∂in on each edge of a Value graph (default: on up to 300 values). */
  readonly edgeLabels?: boolean;
  /** Parameter names by module path (`0.weight`), and clusters per module. See `ModuleNames`. */
  readonly modules?: ModuleNames;
  /** Draw these modules (or all, with true) as one box each: parameter count and gradient norm. */
  readonly collapse?: boolean | readonly string[];
  /** Leave out constant values (tensors that take no gradient): only what gradients flow through. */
  readonly hideConstants?: boolean;
  /** Draw each composite (a loss, softmax, mean, var, … any method built from several primitives) as one node. */
  readonly composites?: boolean;
  /** For frames of a trace: the gradient to show per node id, a number or a summary (missing: none yet). */
  readonly gradients?: ReadonlyMap<number, Shown | null>;
  /** For frames of a trace: the id of the node whose rule is running, drawn highlighted. */
  readonly highlight?: number;
}

/**
 * A value used by many ops far apart (`x` in `Σ x·i`) would drag long edges across the whole
 * drawing, and Graphviz's layout time grows with their total length (400 uses: minutes). For a value
 * with more than FAN_OUT uses, a use more than SPAN steps away is drawn from a small dashed copy of
 * the value placed beside it.
 */
const FAN_OUT = 3;
const SPAN = 4;
const HIGHLIGHT = '#dc2626';
const EDGE_LABELS_UP_TO = 300;

/** The `count` values closest to `root` (fewest steps back through inputs), found breadth first. */
function nearest(
  root: Node,
  count: number,
  inputsOf: (n: Node) => readonly (readonly [Node, number])[],
  skip: (n: Node) => boolean,
): Set<Node> {
  const kept = new Set<Node>([root]);
  const queue: Node[] = [root];
  for (let head = 0; head < queue.length && kept.size < count; head++) {
    for (const [p] of inputsOf(queue[head]!)) {
      if (kept.size >= count) break;
      if (kept.has(p) || skip(p)) continue;
      kept.add(p);
      queue.push(p);
    }
  }
  return kept;
}

/** Every option of toDot, typed where `readOptions` checks it (traceFrames passes `gradients` and `highlight`). */
export const DOT_OPTIONS: OptionSpecs<DotOptions> = {
  rankdir: 'string',
  maxNodes: 'number',
  colour: 'string',
  heat: 'boolean',
  legend: 'boolean',
  edgeLabels: ANY_OPTION,
  modules: ANY_OPTION,
  collapse: ANY_OPTION,
  hideConstants: ANY_OPTION,
  composites: ANY_OPTION,
  gradients: ANY_OPTION,
  highlight: ANY_OPTION,
};

/**
 * Graphviz DOT for everything `root` depends on: a record per value (label or module path, data,
 * gradient; tensors with shape, norm and range), an ellipse per op (plain numbers it took shown
 * inside), one edge per use of a value (`x.mul(x)` shows two) with its local derivative in `Value`
 * graphs, clusters per module, a legend. Pure text, never starts a process; walks iteratively, so any
 * depth of graph works.
 *
 * @example
 * const x = new Value(2, { label: 'x' });
 * const y = x.mul(x);
 * y.backward();
 * toDot(y, { colour: 'gradient' });   // 'digraph chainrule { … }'
 */
export function toDot(root: Node, options: DotOptions = {}): string {
  if (!(root instanceof NodeClass)) {
    throw new TypeError(
      `toDot: expected a Value or a Tensor to draw (got ${describeValue(root)}); pass the output of your computation, e.g. toDot(loss)`,
    );
  }
  readOptions('toDot', options, DOT_OPTIONS);
  const { rankdir = 'auto', maxNodes = 2000, legend = true } = options;
  const mode: ColourMode = options.colour ?? (options.heat ? 'magnitude' : 'role');
  if (!['LR', 'TB', 'RL', 'BT', 'auto'].includes(rankdir)) {
    throw new TypeError(
      `toDot: rankdir must be 'LR', 'TB', 'RL', 'BT' or 'auto' (got ${JSON.stringify(rankdir)})`,
    );
  }
  if (!['role', 'gradient', 'magnitude', 'value', 'product'].includes(mode)) {
    throw new TypeError(
      `toDot: colour must be 'role', 'gradient', 'magnitude', 'value' or 'product' (got ${JSON.stringify(mode)})`,
    );
  }
  if (!(maxNodes >= 1))
    throw new RangeError(
      `toDot: maxNodes must be at least 1 (got ${maxNodes}); pass a positive number, or Infinity`,
    );
  const { all, whole, skip, inputsOf, order, names, members, collapsed } = prepare(root, options, maxNodes);
  // a step inside a composite drawn whole lights the composite
  const insideLit = [...whole.inside].find(([n]) => n.id === options.highlight)?.[1];
  const highlight = insideLit ? insideLit.id : options.highlight;
  const shownGrad = (n: Node): Shown | null =>
    options.gradients ? (options.gradients.get(n.id) ?? null) : gradOf(n);
  if (collapsed.size === 0 && order.length > maxNodes) {
    return stageDot(stageSummary(all, order, root, inputsOf), {
      inputsOf,
      isComposite: (n) => whole.inputs.has(n),
      names,
      mode,
      shownGrad,
      rankdir,
      legend,
      edgeLabels: options.edgeLabels,
      highlight,
      maxNodes,
      hint:
        names.size === 0
          ? 'pass modules to draw layers as boxes, or maxNodes: Infinity to draw every value'
          : 'maxNodes: Infinity draws every value',
      highlightColour: HIGHLIGHT,
    });
  }
  const kinds = moduleKinds(options.modules);
  const moduleTitle = (m: string) => (kinds.has(m) ? `${m} (${kinds.get(m)})` : m);
  const { boxOf, absorbed, groups } = collapsedParts(order, root, inputsOf, skip, members, collapsed);
  const constantsOf = (m: string) => [...absorbed.values()].filter((b) => b === m).length;
  const groupOf = new Map<Node, Node>();
  for (const [head, members] of groups) for (const m of members) groupOf.set(m, head);
  const visible = order.filter(
    (n) => n === root || (boxOf(n) === null && !absorbed.has(n) && !groupOf.has(n)),
  );
  const budget = maxNodes - collapsed.size;
  const shown =
    visible.length <= budget
      ? new Set<Node>(visible)
      : nearest(root, Math.max(1, budget), inputsOf, (n) => skip(n) || boxOf(n) !== null);
  const drawn = visible.filter((n) => shown.has(n));
  const hidden = visible.length - drawn.length;
  const rank = latestRanks(drawn, shown, inputsOf);
  const uses = useCounts(drawn, shown, inputsOf);
  const scale: Scale | null =
    mode === 'role'
      ? null
      : scaleOf(
          drawn.map((n) => metric(n, mode, shownGrad(n))),
          mode === 'magnitude',
        );
  const fillOf = (n: Node): string => fillFor(n, root, mode, scale, shownGrad(n));
  const edgeLabels =
    options.edgeLabels ?? (typeof root.raw === 'number' && drawn.length <= EDGE_LABELS_UP_TO);

  const dir = rankdir === 'auto' ? autoRankdir(drawn, rank) : rankdir;
  const lines = [
    'digraph chainrule {',
    `  rankdir=${dir}; nslimit=2; mclimit=0.5; newrank=true; ranksep=0.3; nodesep=0.2;`,
    '  node [fontname="Helvetica", fontsize=11, height=0.3]; edge [color="#555555", fontname="Helvetica", fontsize=9, arrowsize=0.6];',
  ];
  if (legend)
    lines.push(`  legend [id="legend", shape=plaintext, margin=0, label=${legendLabel(mode, scale)}];`);
  if (hidden > 0) {
    lines.push(
      `  hidden [shape=box, style="dashed", label="… ${hidden} earlier nodes not drawn (maxNodes=${maxNodes})\\nmaxNodes: Infinity draws every value"];`,
    );
  }
  const clusters = new Map<string, string[]>();
  const place = (n: Node, line: string) => {
    const m = members.get(n);
    if (m === undefined || collapsed.has(m)) lines.push(line);
    else {
      if (!clusters.has(m)) clusters.set(m, []);
      clusters.get(m)!.push(line);
    }
  };
  for (const m of collapsed)
    lines.push(
      `  ${boxId(m)} [id="${boxId(m)}", shape=box3d, style=filled, fillcolor="${ROLE.param}", label="${escapeQuoted(boxText(m, moduleTitle(m), members, names, constantsOf(m)))}"];`,
    );

  for (const [head, members] of groups) {
    const title = `${members.length} × ${opText(head, false)}`;
    const text = [
      title,
      groupText(
        'data',
        members.map((m) => m.raw as number),
      ),
    ];
    const grads = members.map(shownGrad);
    if (grads.every((g) => typeof g === 'number')) text.push(groupText('grad', grads as number[]));
    lines.push(
      `  g${head.id} [id="g${head.id}", shape=record, style="filled,bold", fillcolor="${ROLE.inner}", label="${text.map(escapeRecord).join(' | ')}"];`,
      `  gop${head.id} [shape=ellipse, margin=0.03, label="${escapeQuoted(`${members.length} × ${opText(head, false)}`)}"];`,
      `  gop${head.id} -> g${head.id};`,
    );
    const from = new Set<string>();
    for (const m of members) for (const [p] of inputsOf(m)) if (boxOf(p) !== null) from.add(boxOf(p)!);
    for (const b of from) lines.push(`  ${boxId(b)} -> gop${head.id};`);
  }

  // NOTE: a record's fields run across the rank direction: stacked in LR, side by side in TB, which
  // keeps each rank of a deep graph one line high.
  const [open, close] = ['', ''];
  const boxEdges = new Set<string>();
  for (const n of drawn) {
    const title = names.get(n) ?? n.label;
    const label = fields(n, title, shownGrad(n)).map(escapeRecord).join(' | ');
    const lit = highlight === n.id ? `, penwidth=3, color="${HIGHLIGHT}"` : '';
    place(
      n,
      `  v${n.id} [id="v${n.id}", shape=record, style=filled, fillcolor="${fillOf(n)}"${lit}, label="${open}${label}${close}"];`,
    );
    if (n.op === null) continue;
    place(
      n,
      `  op${n.id} [id="op${n.id}", shape=ellipse, margin=0.03${lit}, label="${escapeQuoted(opText(n, whole.inputs.has(n)))}"];`,
    );
    lines.push(`  op${n.id} -> v${n.id}${highlight === n.id ? ` [color="${HIGHLIGHT}", penwidth=2]` : ''};`);
    const locals = edgeLabels && !whole.inputs.has(n) ? localDerivatives(n) : null;
    let fromHidden = false;
    for (const [p, i] of inputsOf(n)) {
      if (skip(p)) continue;
      const head = groupOf.get(p);
      const box = head ? `g${head.id}` : boxOf(p);
      if (box !== null) {
        const edge = `  ${head ? box : boxId(box)} -> op${n.id};`;
        if (!boxEdges.has(edge)) lines.push(edge);
        boxEdges.add(edge);
        continue;
      }
      if (!shown.has(p)) {
        fromHidden = true;
        continue;
      }
      const attrs: string[] = [];
      const local = locals?.[i];
      if (typeof local === 'number') attrs.push(`label="×${short(local)}"`);
      if (highlight === n.id) attrs.push(`color="${HIGHLIGHT}", penwidth=2`);
      const tail = attrs.length > 0 ? ` [${attrs.join(', ')}]` : '';
      if (uses.get(p)! > FAN_OUT && rank.get(n)! - rank.get(p)! > SPAN) {
        const name = escapeQuoted(shortLabel(names.get(p) ?? (p.label || `v${p.id}`)));
        lines.push(
          `  ref${n.id}_${i} [shape=box, style="dashed,rounded", fontsize=9, label="${name}"];`,
          `  ref${n.id}_${i} -> op${n.id}${tail.replace(']', ', style=dashed]') || ' [style=dashed]'};`,
        );
      } else {
        lines.push(`  v${p.id} -> op${n.id}${tail};`);
      }
    }
    if (fromHidden) lines.push(`  hidden -> op${n.id} [style=dashed];`);
  }
  // edges out of collapsed modules into drawn ops are above; edges from drawn values into a box:
  for (const n of order) {
    const box = boxOf(n);
    if (box === null || n.op === null) continue;
    for (const [p] of inputsOf(n)) {
      if (skip(p) || boxOf(p) !== null || absorbed.has(p)) continue;
      const head = groupOf.get(p);
      if (!head && !shown.has(p)) continue;
      const edge = `  ${head ? `g${head.id}` : `v${p.id}`} -> ${boxId(box)};`;
      if (!boxEdges.has(edge)) lines.push(edge);
      boxEdges.add(edge);
    }
  }
  // boxes whose results feed values not drawn: a dashed edge into the note that counts those
  const feedHidden = new Set<string>();
  for (const n of visible) {
    if (shown.has(n) || n.op === null) continue;
    for (const [p] of inputsOf(n)) if (!skip(p) && boxOf(p) !== null) feedHidden.add(boxOf(p)!);
  }
  for (const b of feedHidden) lines.push(`  ${boxId(b)} -> hidden [style=dashed];`);
  let k = 0;
  for (const [m, body] of clusters) {
    lines.push(
      `  subgraph cluster_${k++} {`,
      `    id="cluster_${escapeQuoted(m)}"; label="${escapeQuoted(moduleTitle(m))}"; style="rounded,dashed"; color="#6b7280"; fontname="Helvetica";`,
      ...body.map((l) => `  ${l}`),
      '  }',
    );
  }
  lines.push('}');
  return lines.join('\n');
}

/** What toDot works from: the nodes it may draw, their drawn inputs, module names, collapsed modules. */
function prepare(root: Node, options: DotOptions, maxNodes: number) {
  const all = topoSort([root]);
  const whole = options.composites
    ? composites(all)
    : { inside: new Map<Node, Node>(), inputs: new Map() as Inputs };
  const skip = (n: Node) =>
    n !== root && (isInlined(n) || whole.inside.has(n) || (options.hideConstants === true && isConstant(n)));
  const inputsOf = (n: Node): readonly (readonly [Node, number])[] =>
    whole.inputs.get(n) ?? n.parents.map((p, i) => [p, i] as const);
  const order = all.filter((n) => !skip(n));
  const names = parameterNames(options.modules);
  const members = names.size > 0 ? moduleMembers(all, names) : new Map<Node, string>();
  const collapsed = collapsedModules(options.collapse, members, order.length > maxNodes);
  return { all, whole, skip, inputsOf, order, names, members, collapsed };
}

/**
 * The groups `toDot(root, options)` draws when it summarises a graph past the budget by stage, or
 * null when it draws values (the viewer reads them for tooltips and stepping).
 */
export function stageSummaryOf(root: Node, options: DotOptions = {}): StageSummary | null {
  const maxNodes = options.maxNodes ?? 2000;
  const { all, order, inputsOf, collapsed } = prepare(root, options, maxNodes);
  return collapsed.size === 0 && order.length > maxNodes ? stageSummary(all, order, root, inputsOf) : null;
}

/** What a box of a drawing with collapsed modules stands for: its label, the values it computed, its parameters. */
export interface DrawnBox {
  readonly label: string;
  readonly members: readonly Node[];
  readonly params: readonly Node[];
}

/**
 * What `toDot(root, options)` draws in place of values when it collapses modules: each box (by its
 * DOT id, `m_0`) and each group of like units between boxes (`g12`), or null when it collapses none.
 * The viewer reads them to step and colour a collapsed drawing.
 */
export function collapsedDrawingOf(
  root: Node,
  options: DotOptions = {},
): { boxes: Map<string, DrawnBox>; groups: Map<string, readonly Node[]> } | null {
  const { skip, inputsOf, order, names, members, collapsed } = prepare(
    root,
    options,
    options.maxNodes ?? 2000,
  );
  if (collapsed.size === 0) return null;
  const { boxOf, absorbed, groups: units } = collapsedParts(order, root, inputsOf, skip, members, collapsed);
  const kinds = moduleKinds(options.modules);
  const boxes = new Map<string, DrawnBox>();
  for (const m of collapsed) {
    const params = [...names].filter(([p, name]) => members.get(p) === m && name.startsWith(`${m}.`));
    const constants = [...absorbed.values()].filter((b) => b === m).length;
    boxes.set(boxId(m), {
      label: boxText(m, kinds.has(m) ? `${m} (${kinds.get(m)})` : m, members, names, constants),
      members: order.filter((n) => boxOf(n) === m),
      params: params.map(([p]) => p),
    });
  }
  const groups = new Map([...units].map(([head, all]) => [`g${head.id}`, all] as const));
  return { boxes, groups };
}

/**
 * Where each drawn value would sit if placed as late as possible: the root at 0, every other value one
 * step before its earliest use. An edge's length is the difference, as Graphviz will roughly draw it.
 */
function latestRanks(
  drawn: readonly Node[],
  shown: ReadonlySet<Node>,
  inputsOf: (n: Node) => readonly (readonly [Node, number])[],
): Map<Node, number> {
  const rank = new Map<Node, number>();
  for (let k = drawn.length - 1; k >= 0; k--) {
    const n = drawn[k]!;
    const r = rank.get(n) ?? 0;
    rank.set(n, r);
    for (const [p] of inputsOf(n)) if (shown.has(p)) rank.set(p, Math.min(rank.get(p) ?? r - 1, r - 1));
  }
  return rank;
}

/** How many drawn ops use each drawn value. */
function useCounts(
  drawn: readonly Node[],
  shown: ReadonlySet<Node>,
  inputsOf: (n: Node) => readonly (readonly [Node, number])[],
): Map<Node, number> {
  const uses = new Map<Node, number>();
  for (const n of drawn) for (const [p] of inputsOf(n)) if (shown.has(p)) uses.set(p, (uses.get(p) ?? 0) + 1);
  return uses;
}

/**
 * LR or TB, whichever gives a drawing closer to a 16:10 screen: ranks (value, then op) run along the
 * direction, the widest rank across it. A deep, narrow graph goes top to bottom.
 */
function autoRankdir(drawn: readonly Node[], rank: ReadonlyMap<Node, number>): 'LR' | 'TB' {
  const perRank = new Map<number, number>();
  for (const n of drawn) perRank.set(rank.get(n)!, (perRank.get(rank.get(n)!) ?? 0) + 1);
  const depth = 2 * perRank.size;
  const width = Math.max(1, ...perRank.values());
  const off = (w: number, h: number) => Math.abs(Math.log(w / h / 1.6));
  // sizes per rank and per node measured on the lesson network and a 2-16-16-1 MLP of Values
  const lr = off(depth * 50, width * 110);
  const tb = off(width * 250, depth * 27);
  return tb < lr ? 'TB' : 'LR';
}
