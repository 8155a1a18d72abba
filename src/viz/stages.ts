/** @file A graph past the node budget as a layer diagram: values grouped by op and by stage (how many nonlinear ops lie behind them). */

import type { Node } from '../engine/node.js';

/**
 * The ops that start a new stage: nonlinear ones, where a network's layers end (activations, exp, log,
 * powers, max). Linear ops (add, mul, matmul, sums, neg), views and casts do not.
 */
export const NONLINEAR: ReadonlySet<string> = new Set([
  'tanh',
  'sigmoid',
  'relu',
  'exp',
  'log',
  'pow',
  'sqrt',
  'abs',
  'sin',
  'cos',
  'log1p',
  'expm1',
  'softplus',
  'maximum',
  'minimum',
  'maxTo',
  'minTo',
  // the derivatives of activations, in gradients recorded with createGraph
  'sigmoidBackward',
  'tanhBackward',
  'reluBackward',
]);

/**
 * Most stages drawn one by one, and most groups of one op each: past either, stages are merged into
 * at most MAX_BANDS bands and the ops of a band share one record (a few dozen records read as one picture).
 */
export const MAX_BANDS = 16;
const MAX_GROUPS = 48;

export type GroupRole = 'op' | 'parameter' | 'constant';

/**
 * Values drawn as one record. By op: the results of one op (`gradFn`) in one stage, or the leaves first
 * used by one op in one stage. In bands: the results of every op in a band of stages, or its leaves.
 */
export interface StageGroup {
  /** The record's DOT and SVG id, `g` and the id of its first member. */
  readonly id: string;
  readonly members: readonly Node[];
  readonly role: GroupRole;
  /**
   * The ops that made the members and how many each (most first); for leaves grouped by op, the op
   * that first uses them; empty for leaves in bands.
   */
  readonly ops: readonly (readonly [string, number])[];
  /** The lowest and highest stage of the members (of their first use, for leaves). */
  readonly stages: readonly [number, number];
}

/** How a graph past the budget is drawn: its groups; singletons and the root are drawn as values. */
export interface StageSummary {
  readonly root: Node;
  readonly groups: readonly StageGroup[];
  /** The group a value is drawn in: undefined for the root and for values not drawn (skipped). */
  groupOf(n: Node): StageGroup | undefined;
  /** The number of stages (nonlinear ops on the longest path, plus one). */
  readonly stageCount: number;
  /** True when stages were merged into bands, each band's ops into one record. */
  readonly banded: boolean;
  /** How many values the groups and the root stand for. */
  readonly valueCount: number;
}

type InputsOf = (n: Node) => readonly (readonly [Node, number])[];

const ROLES: readonly GroupRole[] = ['op', 'parameter', 'constant'];

/**
 * Groups the drawable values (`order`, topologically sorted, skipped ones already left out) by stage
 * and op. A value's stage is the largest number of NONLINEAR ops on any path from a leaf to it,
 * computed in one pass over `all`; a leaf takes the stage of its first use. Past MAX_BANDS stages or
 * MAX_GROUPS (stage, op) pairs, consecutive stages are merged into MAX_BANDS bands and values are
 * grouped by band and role only. Works on positions in typed arrays: a 300,000-value graph takes a
 * fraction of a second.
 */
export function stageSummary(
  all: readonly Node[],
  order: readonly Node[],
  root: Node,
  inputsOf: InputsOf,
): StageSummary {
  const at = positions(all);
  const stage = new Int32Array(all.length);
  for (let i = 0; i < all.length; i++) {
    const n = all[i]!;
    if (n.op === null) continue;
    let s = 0;
    for (const p of n.parents) s = Math.max(s, stage[at(p)]!);
    stage[i] = NONLINEAR.has(n.op.name) ? s + 1 : s;
  }
  const firstUse = new Int32Array(all.length).fill(-1);
  for (const n of order) {
    if (n.op === null) continue;
    const user = at(n);
    for (const [p] of inputsOf(n)) {
      const k = at(p);
      if (p.op === null && firstUse[k] === -1) firstUse[k] = user;
    }
  }

  // each drawn value's role, op (numbered) and stage; the (stage, role, op) triples seen
  const opIds = new Map<string, number>();
  const ops: string[] = [];
  const roleAt = new Int8Array(all.length).fill(-1);
  const opAt = new Int32Array(all.length);
  const stageAt = new Int32Array(all.length);
  const triples = new Set<number>();
  let stageCount = 1;
  let valueCount = 1;
  for (const n of order) {
    if (n === root) continue;
    const i = at(n);
    const user = n.op === null ? firstUse[i]! : i;
    if (user < 0) continue;
    const name = all[user]!.gradFn!;
    let k = opIds.get(name);
    if (k === undefined) {
      k = ops.length;
      opIds.set(name, k);
      ops.push(name);
    }
    const role = n.op !== null ? 0 : n.requiresGrad ? 1 : 2;
    const s = stage[user]!;
    roleAt[i] = role;
    opAt[i] = k;
    stageAt[i] = s;
    stageCount = Math.max(stageCount, s + 1);
    valueCount++;
    if (triples.size <= MAX_GROUPS) triples.add((s * 3 + role) * 65_536 + k);
  }

  stageCount = Math.max(stageCount, stage[at(root)]! + 1); // the root's stage counts too
  const banded = stageCount > MAX_BANDS || triples.size > MAX_GROUPS;
  const bands = banded ? MAX_BANDS : stageCount;
  const groupIds = new Map<number, number>();
  const members: Node[][] = [];
  const groupAt = new Int32Array(all.length).fill(-1);
  for (const n of order) {
    const i = at(n);
    const role = roleAt[i]!;
    if (role < 0) continue;
    const band = Math.floor((stageAt[i]! * bands) / stageCount);
    const id = banded ? band * 3 + role : (band * 3 + role) * ops.length + opAt[i]!;
    let g = groupIds.get(id);
    if (g === undefined) {
      g = members.length;
      groupIds.set(id, g);
      members.push([]);
    }
    members[g]!.push(n);
    groupAt[i] = g;
  }
  const groups: StageGroup[] = members.map((ms) => {
    const role = roleAt[at(ms[0]!)]!;
    const counts = new Map<string, number>();
    let [lo, hi] = [Number.POSITIVE_INFINITY, 0];
    for (const m of ms) {
      const i = at(m);
      lo = Math.min(lo, stageAt[i]!);
      hi = Math.max(hi, stageAt[i]!);
      if (role === 0 || !banded) counts.set(ops[opAt[i]!]!, (counts.get(ops[opAt[i]!]!) ?? 0) + 1);
    }
    const byCount = [...counts].sort((a, b) => b[1] - a[1]);
    return { id: `g${ms[0]!.id}`, members: ms, role: ROLES[role]!, ops: byCount, stages: [lo, hi] as const };
  });
  return {
    root,
    groups,
    groupOf(n) {
      const i = at(n);
      const g = i < 0 ? -1 : groupAt[i]!;
      return g < 0 ? undefined : groups[g];
    },
    stageCount,
    banded,
    valueCount,
  };
}

/**
 * Each node's position in `all` (-1 for a node not in it): through an array indexed by id when the ids
 * are close together and unique, as in a graph built in one go (a Map costs several times more per
 * lookup), else through a Map.
 */
function positions(all: readonly Node[]): (n: Node) => number {
  let [lo, hi] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const n of all) {
    lo = Math.min(lo, n.id);
    hi = Math.max(hi, n.id);
  }
  if (hi - lo < 4 * all.length + 1024) {
    const byId = new Int32Array(hi - lo + 1).fill(-1);
    let unique = true;
    for (let i = 0; i < all.length && unique; i++) {
      const k = all[i]!.id - lo;
      unique = byId[k] === -1;
      byId[k] = i;
    }
    if (unique)
      return (n) => {
        const k = n.id - lo;
        const i = k >= 0 && k < byId.length ? byId[k]! : -1;
        return i >= 0 && all[i] === n ? i : -1;
      };
  }
  const map = new Map<Node, number>();
  for (let i = 0; i < all.length; i++) map.set(all[i]!, i);
  return (n) => map.get(n) ?? -1;
}
