/** @file Drawing a graph summarised by stage: one record per group, counted edges, a note saying what was done. */

import type { Node } from '../engine/node.js';
import {
  type ColourMode,
  fillFor,
  legendLabel,
  metric,
  NO_GRADIENT,
  ROLE,
  type Scale,
  scaleOf,
} from './colour.js';
import { escapeQuoted, escapeRecord } from './escape.js';
import { localDerivatives } from './rule.js';
import { MAX_BANDS, type StageGroup, type StageSummary } from './stages.js';
import { opText } from './summarise.js';
import { dataOf, fields, groupText, type Shown, short } from './text.js';

type InputsOf = (n: Node) => readonly (readonly [Node, number])[];

/** `100,352` */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** The first lines of a group's record: `100,352 × mul`; `784 constants`; in bands, the ops it holds. */
export function groupTitle(g: StageGroup, banded: boolean): string[] {
  const n = g.members.length;
  if (g.role !== 'op') return [`${count(n)} ${g.role}${n === 1 ? '' : 's'}`];
  const ops = g.ops.map(([op, k]) => `${count(k)} × ${op}`);
  if (!banded) return ops;
  const shown = ops.length > 3 ? [...ops.slice(0, 3), `${ops.length - 3} more ops`] : ops;
  return [`${count(n)} values`, shown.join(', ')];
}

/** Where a group sits: `stage 1`, `stages 1–62,500`; for leaves, the op and stage of their first use. */
export function groupPlace(g: StageGroup): string {
  const [lo, hi] = g.stages;
  const where = lo === hi ? `stage ${count(lo)}` : `stages ${count(lo)}–${count(hi)}`;
  if (g.role === 'op') return where;
  return g.ops.length === 1 ? `into ${g.ops[0]![0]}, ${where}` : `first used at ${where}`;
}

/** A group's gradient field: the statistics of those that have one so far, and how many do. */
export function groupGradText(g: Pick<StageGroup, 'members'>, shownGrad: (n: Node) => Shown | null): string {
  const graded = g.members.filter((m) => m.requiresGrad);
  if (graded.length === 0) return 'no gradient (constant)';
  const grads: Shown[] = [];
  for (const m of graded) {
    const x = shownGrad(m);
    if (x !== null) grads.push(x);
  }
  if (grads.length === 0) return 'no gradient yet';
  const text = groupText('grad', grads);
  return grads.length < g.members.length
    ? `${text} (${count(grads.length)} of ${count(g.members.length)})`
    : text;
}

/** The number a colour mode gives a group: its members' number of largest magnitude (NaN if any is). */
export function groupMetric(
  g: Pick<StageGroup, 'members'>,
  mode: ColourMode,
  shownGrad: (n: Node) => Shown | null,
): number | null {
  let best: number | null = null;
  for (const m of g.members) {
    const x = metric(m, mode, shownGrad(m));
    if (x === null) continue;
    if (Number.isNaN(x)) return Number.NaN;
    if (best === null || Math.abs(x) > Math.abs(best)) best = x;
  }
  return best;
}

/** A group's fill: the colour of its number `m` (see groupMetric) in a numeric mode, else its role's colour. */
export function groupFill(
  g: Pick<StageGroup, 'members' | 'role'>,
  m: number | null,
  mode: ColourMode,
  scale: Scale | null,
): string {
  if (mode !== 'role' && scale) {
    if (m !== null) return scale.colour(m);
    if (mode !== 'value' && g.members.some((n) => n.requiresGrad)) return NO_GRADIENT;
  }
  return g.role === 'parameter' ? ROLE.param : g.role === 'constant' ? ROLE.constant : ROLE.inner;
}

/** What `stageDot` needs besides the summary; see `toDot`'s options. */
export interface StageDrawing {
  readonly inputsOf: InputsOf;
  /** True for a composite drawn as one node (its ellipse names the composite). */
  readonly isComposite: (n: Node) => boolean;
  readonly names: ReadonlyMap<Node, string>;
  readonly mode: ColourMode;
  readonly shownGrad: (n: Node) => Shown | null;
  readonly rankdir: 'LR' | 'TB' | 'RL' | 'BT' | 'auto';
  readonly legend: boolean;
  readonly edgeLabels: boolean | undefined;
  readonly highlight: number | undefined;
  readonly maxNodes: number;
  /** What else the user can do (pass modules, draw everything). */
  readonly hint: string;
  readonly highlightColour: string;
}

/**
 * DOT for a summarised graph: one record per group (`100,352 × mul`, its stage, the norm and range of
 * its data and gradients), a group of one and the root drawn as ordinary values, one edge per pair of
 * groups labelled with how many uses it stands for, and a note saying what was done.
 */
export function stageDot(summary: StageSummary, d: StageDrawing): string {
  const { root, groups } = summary;
  // units: the groups by index, the root last; a group of one is drawn as an ordinary value
  const unitOf = new Map<StageGroup, number>(groups.map((g, k) => [g, k]));
  const rootUnit = groups.length;
  const single = (u: number) => u === rootUnit || groups[u]!.members.length === 1;
  const node = (u: number) => (u === rootUnit ? root : groups[u]!.members[0]!);
  const tail = (u: number) => (single(u) ? `v${node(u).id}` : groups[u]!.id);
  const head = (u: number) => (single(u) ? `op${node(u).id}` : groups[u]!.id);
  const metrics = groups.map((g) => (d.mode === 'role' ? null : groupMetric(g, d.mode, d.shownGrad)));
  const scale =
    d.mode === 'role'
      ? null
      : scaleOf([metric(root, d.mode, d.shownGrad(root)), ...metrics], d.mode === 'magnitude');

  // edges between units, counted; a use within one group (a running sum) is not drawn
  const edges = new Map<number, { from: number; to: number; index: number; count: number }>();
  const units = rootUnit + 1;
  for (let to = 0; to < units; to++) {
    for (const n of to === rootUnit ? [root] : groups[to]!.members) {
      if (n.op === null) continue;
      for (const [p, i] of d.inputsOf(n)) {
        const gp = summary.groupOf(p);
        if (gp === undefined) continue;
        const from = unitOf.get(gp)!;
        if (from === to) continue;
        const key = from * units + to;
        const e = edges.get(key);
        if (e) e.count++;
        else edges.set(key, { from, to, index: i, count: 1 });
      }
    }
  }

  const dir = d.rankdir === 'auto' ? autoRankdir(units, edges.values()) : d.rankdir;
  // NOTE: a record's fields run across the rank direction: braces stack them in TB and BT too
  const [open, close] = dir === 'TB' || dir === 'BT' ? ['{', '}'] : ['', ''];
  const lines = [
    'digraph chainrule {',
    `  rankdir=${dir}; nslimit=2; mclimit=0.5; newrank=true; ranksep=0.35; nodesep=0.25;`,
    '  node [fontname="Helvetica", fontsize=11, height=0.3]; edge [color="#555555", fontname="Helvetica", fontsize=9, arrowsize=0.6];',
  ];
  if (d.legend)
    lines.push(`  legend [id="legend", shape=plaintext, margin=0, label=${legendLabel(d.mode, scale)}];`);
  const note = [
    `${count(summary.valueCount)} values, past maxNodes=${d.maxNodes}: each record groups like values,`,
    summary.banded
      ? `those of a band of stages (${count(summary.stageCount)} stages in ${Math.min(summary.stageCount, MAX_BANDS)} bands)`
      : `those one op made at one stage (${count(summary.stageCount)} stage${summary.stageCount === 1 ? '' : 's'})`,
    "a value's stage: how many nonlinear ops (tanh, σ, relu, exp, log, pow, …) lie on the longest path to it",
    d.hint,
  ].join('\n');
  lines.push(
    `  summary [id="summary", shape=note, style=dashed, fontsize=10, label="${escapeQuoted(note)}"];`,
  );

  const lit = (hit: boolean) => (hit ? `, penwidth=3, color="${d.highlightColour}"` : '');
  for (const [k, g] of groups.entries()) {
    if (g.members.length === 1) continue;
    const hit = g.members.some((m) => m.id === d.highlight);
    const text = [
      ...groupTitle(g, summary.banded),
      groupPlace(g),
      groupText(
        'data',
        g.members.map((m) => dataOf(m)),
      ),
      groupGradText(g, d.shownGrad),
    ];
    lines.push(
      `  ${g.id} [id="${g.id}", shape=record, style="filled,bold", fillcolor="${groupFill(g, metrics[k]!, d.mode, scale)}"${lit(hit)}, label="${open}${text.map(escapeRecord).join(' | ')}${close}"];`,
    );
  }
  for (let u = 0; u < units; u++) {
    if (!single(u)) continue;
    const n = node(u);
    const hit = n.id === d.highlight;
    const label = fields(n, d.names.get(n) ?? n.label, d.shownGrad(n))
      .map(escapeRecord)
      .join(' | ');
    lines.push(
      `  v${n.id} [id="v${n.id}", shape=record, style=filled, fillcolor="${fillFor(n, root, d.mode, scale, d.shownGrad(n))}"${lit(hit)}, label="${open}${label}${close}"];`,
    );
    if (n.op === null) continue;
    lines.push(
      `  op${n.id} [id="op${n.id}", shape=ellipse, margin=0.03${lit(hit)}, label="${escapeQuoted(opText(n, d.isComposite(n)))}"];`,
      `  op${n.id} -> v${n.id};`,
    );
  }
  const labels = d.edgeLabels ?? typeof root.raw === 'number';
  for (const e of edges.values()) {
    const attrs: string[] = [];
    const to = node(e.to);
    if (e.count > 1) attrs.push(`label="${count(e.count)}"`);
    else if (labels && single(e.from) && single(e.to) && !d.isComposite(to)) {
      const local = localDerivatives(to)[e.index];
      if (typeof local === 'number') attrs.push(`label="×${short(local)}"`);
    }
    if (single(e.to) && to.id === d.highlight) attrs.push(`color="${d.highlightColour}", penwidth=2`);
    lines.push(`  ${tail(e.from)} -> ${head(e.to)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * LR or TB, whichever is closer to a 16:10 screen: units are ranked by the longest chain of edges
 * before them, a rank's width is its number of units (records about 230 × 70 pt, fields stacked).
 */
function autoRankdir(units: number, edges: Iterable<{ from: number; to: number }>): 'LR' | 'TB' {
  // units are numbered in topological order of their first value: ranks by longest chains of edges
  // forward in that order (an edge back within a stage, mul ↔ add, does not count)
  const forward = [...edges].filter((e) => e.from < e.to).sort((a, b) => a.from - b.from);
  const rank = new Int32Array(units);
  for (const { from, to } of forward) rank[to] = Math.max(rank[to]!, rank[from]! + 1);
  const perRank = new Map<number, number>();
  for (const r of rank) perRank.set(r, (perRank.get(r) ?? 0) + 1);
  const depth = perRank.size;
  const width = Math.max(1, ...perRank.values());
  const off = (w: number, h: number) => Math.abs(Math.log(w / h / 1.6));
  const lr = off(depth * 280, width * 85);
  const tb = off(width * 250, depth * 110);
  return tb < lr ? 'TB' : 'LR';
}
