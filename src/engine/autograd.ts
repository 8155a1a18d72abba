/** @file The two ways to ask for gradients: `backward()` into `.grad`, and the functional `grad()`. */

import { type OptionSpecs, readOptions } from '../errors.js';
import type { NDArray } from '../kernels/ndarray.js';
import { releasing } from '../kernels/released.js';
import { activeRecorder, COPY, markShared, runArray, unshared } from '../ops/tape.js';
import { anomalyMode } from './anomaly.js';
import { type Grad, type RuleObserver, restoreGradients, walk } from './backward.js';
import { graph } from './graph-backend.js';
import { withGradMode } from './mode.js';
import { markReleaseDone, Node, type Raw, rawOf } from './node.js';

/** Options of `backward()`: `loss.backward({ createGraph: true })` records the gradients as graphs. */
export interface BackwardOptions {
  /** Record the backward pass, so the gradients are graphs and can be differentiated again. */
  readonly createGraph?: boolean;
  /**
   * Keep the graph's arrays so that another `backward()` can run through it (default: false, or
   * `createGraph`'s value, as in PyTorch). Without it, a pass replaces the tensors inside the graph
   * (not the output, not parameters, not tensors you hold) by stand-ins that keep only summaries
   * for drawings, so that keeping a loss does not keep every array of its step alive.
   */
  readonly retainGraph?: boolean;
}

/** How the engine's `gradOf` runs (the public `grad()` adds `gradOutputs`). */
export interface GradOptions {
  /** Record the pass so the returned gradients can be differentiated again. */
  readonly createGraph?: boolean;
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  readonly allowUnused?: boolean;
}

const BACKWARD_OPTIONS: OptionSpecs<BackwardOptions> = { createGraph: 'boolean', retainGraph: 'boolean' };
const GRAD_OPTIONS: OptionSpecs<GradOptions> = { createGraph: 'boolean', allowUnused: 'boolean' };

function requireGrad(op: string, n: Node, what: string): void {
  if (!n.requiresGrad) {
    throw new TypeError(
      `${op}: ${what} does not require a gradient (it is a constant, or was made under noGrad); ` +
        'create it with requiresGrad: true, or differentiate something that depends on such a node',
    );
  }
}

/** The seed in the form the walk uses: a node with `createGraph`, raw data otherwise. */
function seedFor(seed: Node, createGraph: boolean): Grad {
  return createGraph ? seed : seed.raw;
}

/**
 * Backpropagates from `root` (seeded with `seed`, a node of root's shape) and stores every reached
 * node's gradient: leaves add it to what they had (as in PyTorch), other nodes keep this pass's.
 */
export function backwardFrom(
  root: Node,
  seed: Node,
  options: BackwardOptions = {},
  observer: RuleObserver | null = null,
): void {
  const { createGraph, retainGraph } = backwardOptions('backward', options);
  requireGrad('backward', root, 'the output');
  const scalar = typeof root.raw === 'number';
  walk(
    [root],
    [seedFor(seed, createGraph)],
    createGraph,
    (order, own) => {
      // NOTE: a rule may hand one array to two inputs (add's g, g), and a reshape shares its data:
      // every stored gradient gets a buffer of its own, so editing one never changes another.
      const owners = scalar
        ? null
        : new Owners([(seed.raw as NDArray).data.buffer], canShare(order, createGraph, observer));
      storeAll(order, own, createGraph, owners);
      if (!(retainGraph ?? createGraph) && !scalar) release(order);
    },
    observer,
  );
}

/** The options of `backward`, read as own properties and checked. */
export function backwardOptions(
  op: string,
  options: unknown,
): { createGraph: boolean; retainGraph: boolean | undefined } {
  const o = readOptions(op, options, BACKWARD_OPTIONS);
  return {
    createGraph: (o.createGraph as boolean | undefined) ?? false,
    retainGraph: o.retainGraph as boolean | undefined,
  };
}

/**
 * Whether gradients stored by this pass may share an array until `.grad` is read (see `Owners`):
 * only when nothing but the stored gradients can hold the arrays the pass made, so that nothing can
 * write into one before its `.grad` is read. A hook or an observer (a trace, the anomaly check) is
 * handed the arrays and may keep them, and so may a rule written by the user (`customOp`); a
 * compiled step's capture records its copies; a gradient recorded as a graph (`createGraph`) is
 * copied by a recorded op.
 */
function canShare(
  order: readonly Node[],
  createGraph: boolean,
  observer: RuleObserver | null,
): () => boolean {
  let answer: boolean | null = null;
  return () => {
    answer ??=
      !createGraph &&
      observer === null &&
      !anomalyMode &&
      activeRecorder() === null &&
      !order.some((n) => (n.hooks !== null && n.hooks.length > 0) || n.op?.userRule === true);
    return answer;
  };
}

/**
 * Which buffer each stored gradient of a pass uses, so that no two `.grad`s share one. The seed's
 * buffer is the caller's: a gradient that uses it is copied at once. When two stored gradients use
 * an array the pass made, both keep it, marked shared, and `.grad` hands each a copy when it is
 * first read (see `unshared`): W4 stores five such gradients a step and reads none of them.
 */
class Owners {
  /** The array that first took each buffer; null for the seed's. */
  private readonly first = new Map<ArrayBufferLike, NDArray | null>();

  constructor(
    seeds: readonly ArrayBufferLike[],
    private readonly mayShare: () => boolean,
  ) {
    for (const s of seeds) this.first.set(s, null);
  }

  /**
   * `g`, or, when another stored gradient (or the seed) uses its buffer, a gradient that no other
   * one changes: a copy (recorded as `g·1` with `createGraph`, so it stays differentiable), or `g`
   * itself marked shared with the other.
   */
  own(g: Grad): Grad {
    if (typeof g === 'number') return g;
    const raw = rawOf(g);
    if (typeof raw === 'number') return g;
    const buffer = raw.data.buffer;
    const first = this.first.get(buffer);
    if (first === undefined) {
      this.first.set(buffer, raw);
      return g;
    }
    if (first !== null && !(g instanceof Node) && this.mayShare()) {
      markShared(first);
      if (raw !== first) markShared(raw);
      return g;
    }
    const mine = g instanceof Node ? withGradMode(true, () => graph.mul(g, 1)) : runArray(COPY, [raw]);
    const copy = mine instanceof Node ? (mine.raw as NDArray) : mine;
    this.first.set(copy.data.buffer, copy);
    return mine;
  }
}

/**
 * After a pass without `retainGraph`: every tensor inside the graph is replaced, in its users'
 * inputs, by a stand-in holding summaries of its data and gradient (see `Node.releasedCopy`).
 * Nodes come parents first, so each input's stand-in exists before its users are relinked.
 */
function release(order: readonly Node[]): void {
  const stands = new Map<Node, Node | null>();
  releasing(() => {
    for (const n of order) {
      for (let i = 0; i < n.arity; i++) {
        const stand = stands.get(n.parent(i));
        if (stand != null) n.relink(i, stand);
      }
      stands.set(n, n.op !== null ? n.releasedCopy() : n.requiresGrad ? null : leafStandIn(n));
    }
  });
  markReleaseDone();
}

/**
 * A constant used by every step (the data set) gets one stand-in, not one per step: kept per leaf
 * and version (a changed constant gets a new one; older graphs keep the summary of what they used).
 */
const leafStandIns = new WeakMap<Node, { readonly stand: Node | null; readonly version: number }>();

function leafStandIn(n: Node): Node | null {
  const kept = leafStandIns.get(n);
  if (kept !== undefined && kept.version === n.version) return kept.stand;
  const stand = n.releasedCopy();
  leafStandIns.set(n, { stand, version: n.version });
  return stand;
}

/**
 * Stores each node's gradient from the walk (see `walk`); a node the walk's gradients did not reach
 * keeps its own. A function of its own, not a loop in the walk's callback: see `runRules`.
 */
function storeAll(
  order: readonly Node[],
  own: readonly (Grad | null)[] | null,
  createGraph: boolean,
  owners: Owners | null,
): void {
  for (let k = 0; k < order.length; k++) {
    const n = order[k]!;
    const g = n.gradData;
    const before = own === null ? null : own[k]!;
    if (g === null) n.gradData = before;
    else store(n, g, before, createGraph, owners);
  }
}

/**
 * Stores `g`, this pass's gradient of `n`, as its gradient: a leaf adds it to `own` (what it held
 * before), any other node replaces it.
 */
function store(n: Node, g: Grad, own: Grad | null, createGraph: boolean, owners: Owners | null): void {
  const previous = n.isLeaf ? own : null;
  if (previous === null) {
    n.gradData = owners === null ? g : owners.own(g);
  } else if (createGraph) {
    // NOTE: the array kept from a plain pass may be shared with another node's: the graph gets a copy.
    const before = previous instanceof Node ? previous : n.constant(unshared(previous));
    n.gradData = withGradMode(true, () => graph.add(before, g as Node));
  } else {
    const sum = n.rawBackend.add(rawOf(previous), g as Raw);
    n.gradData = owners === null ? sum : owners.own(sum);
  }
  if (n.isLeaf) activeRecorder()?.storeGrad(n, n.gradData, previous === null);
}

/**
 * Gradients of `outputs` with respect to `inputs`, returned as nodes, without touching any `.grad`
 * (PyTorch's `torch.autograd.grad`). With `createGraph` they can be differentiated again.
 *
 * @example
 * const x = new Value(2);
 * const [dy] = grad([x.pow(3)], [x], { createGraph: true });  // 3x² = 12
 * const [d2y] = grad([dy!], [x]);                               // 6x = 12
 */
export function gradOf(
  outputs: readonly Node[],
  inputs: readonly Node[],
  seeds: readonly Node[],
  options: GradOptions = {},
  observer: RuleObserver | null = null,
): (Node | null)[] {
  for (const [i, o] of outputs.entries()) requireGrad('grad', o, `output ${i}`);
  for (const [i, x] of inputs.entries()) requireGrad('grad', x, `input ${i}`);
  const o = readOptions('grad', options, GRAD_OPTIONS);
  const createGraph = (o.createGraph as boolean | undefined) ?? false;
  const allowUnused = (o.allowUnused as boolean | undefined) ?? false;
  const seedsForWalk = seeds.map((s) => seedFor(s, createGraph));
  const buffers = seeds.flatMap((s) => (typeof s.raw === 'number' ? [] : [s.raw.data.buffer]));
  const owners = new Owners(buffers, () => false);
  return walk(
    outputs,
    seedsForWalk,
    createGraph,
    (order, own) => {
      const sumOf = new Map<Node, Grad | null>(inputs.map((x) => [x, null]));
      for (const n of order) if (sumOf.has(n)) sumOf.set(n, n.gradData);
      restoreGradients(order, own);
      return inputs.map((x, i) => {
        const sum = sumOf.get(x)!;
        const g = sum === null ? null : owners.own(sum);
        if (g === null && !allowUnused) {
          throw new TypeError(
            `grad: input ${i} was not used to compute the outputs; pass { allowUnused: true } to get null for it`,
          );
        }
        return g === null ? null : g instanceof Node ? g : x.constant(g);
      });
    },
    observer,
  );
}
