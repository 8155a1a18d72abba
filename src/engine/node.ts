/** @file The graph node that `Value` and `Tensor` share: data, inputs, op, gradient. */

import type { Shape } from '../errors.js';
import type { NDArray } from '../kernels/ndarray.js';
import { ReleasedArray } from '../kernels/released.js';
import type { TensorSummary } from '../kernels/summary.js';
import type { AnyOp, Backend } from '../ops/op.js';
import { activeRecorder, unshared } from '../ops/tape.js';
import { type MemoryWrite, memoryWriteAfter, recordMemoryWrite } from './memory-writes.js';

/** What a node holds: a number (`Value`) or an array (`Tensor`). */
export type Raw = number | NDArray;

/** The shape of a 0-d value: a `Value`, a number. */
const SCALAR_SHAPE: Shape = Object.freeze([]);

/**
 * The shape of a node or of raw data, as it is held (no copy): for the engine's own reads on hot paths.
 * `Tensor.shape` hands users a copy, which nothing inside needs.
 * @example shapeOf(g)
 */
export function shapeOf(x: Raw | Node): Shape {
  const raw = x instanceof Node ? x.raw : x;
  return typeof raw === 'number' ? SCALAR_SHAPE : raw.shape;
}

/** The raw data of a gradient kept as raw data or as a node (`createGraph`). @example rawOf(n.gradData!) */
export function rawOf(g: Raw | Node): Raw {
  return g instanceof Node ? g.raw : g;
}

/** A gradient hook: sees the gradient reaching a node, may return a replacement. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only looks returns nothing at all
export type Hook<N extends Node> = (grad: N) => N | undefined | void;

/** What few nodes need: kept out of line so that a plain scalar node stays small. */
interface Extra {
  label: string;
  /** The name of the method that made this node, when it was a composite (`sum` over `sumTo`). */
  madeBy: string | null;
  /** The id of the composite's first node: its nodes are this node's ancestors with ids from here on. */
  madeFrom: number;
  attrs: unknown;
  hooks: Hook<Node>[] | null;
  /** Inputs after the first two (`where`, `cat`). */
  rest: readonly Node[];
  /** In-place writes to this node's data, when there were any. */
  writes: Writes | null;
}

/** What the version check needs to know about a node's in-place writes. */
interface Writes {
  /** How many in-place writes changed this node's data (PyTorch's `_version`). */
  version: number;
  /**
   * The stamp (from the id counter) of the latest write: a rule of a node made before it must not
   * run on this node's data.
   */
  writtenAt: number;
  /** What the latest write was ('an optimizer step'), for the error message. */
  writtenBy: string;
}

/** A released tensor's data and gradient, as statistics (the arrays themselves are gone). */
export interface ReleasedSummary {
  readonly data: TensorSummary;
  readonly grad: TensorSummary | null;
}

/**
 * Marks the engine's own inits. A module-private symbol: no user options object can carry it, so
 * internal construction is unreachable through public constructors (however Object.prototype is
 * polluted).
 */
const INIT: unique symbol = Symbol('chainrule.NodeInit');

/** How a node is made: its op (null for leaves and constants), its inputs and attributes. */
export interface NodeInit {
  readonly [INIT]: true;
  op: AnyOp | null;
  /** The first two inputs (null when absent) and any further ones. */
  p0: Node | null;
  p1: Node | null;
  rest: readonly Node[];
  attrs: unknown;
  requiresGrad: boolean;
  /** An id to reuse (a released stand-in keeps its original's); 0 for a fresh one. */
  id: number;
}

/** How many nodes have been made so far: the id the next node gets. */
export function nodesMade(): number {
  return nextId;
}

/**
 * The `extra` parts of the nodes that have any, beside the nodes rather than in a field of each
 * (a node's flags say whether to look here): they go when their node goes.
 */
const EXTRAS = new WeakMap<Node, Extra>();

/** What `writtenBy` says of a leaf whose `requiresGrad` was switched on after nodes were made from it. */
export const REQUIRED = 'requiresGrad = true';

/** The inputs of a node that has none. */
export const NONE: readonly Node[] = Object.freeze([]);
/** Ids count from 1, so that a `writtenAt` of 0 (never written) is older than every node. */
let nextId = 1;

/**
 * The id counter's value at the latest in-place write or release anywhere: a node with an id at
 * least this was made after every write, so its saved inputs need no check (one compare per node).
 */
export let lastWrite = 0;

/**
 * While a walk runs, the nodes it reaches hold its running sums in `gradData`, and their own
 * gradients are set aside here, at their positions in the walk's order (see `walk`); null otherwise.
 * Everything outside the engine reads and writes a node's own gradient through `storedGrad`, which
 * looks here first: a hook that reads `.grad`, zeroes it or steps an optimizer sees what it saw
 * before the field was shared.
 */
let aside: {
  readonly order: readonly Node[];
  /** By position in `order`; null while no reached node has a gradient of its own (a fresh graph). */
  grads: (Raw | Node | null)[] | null;
  at: Map<Node, number> | null;
} | null = null;

/** Starts the set-aside view of a walk: its order, and the gradients it set aside (null: none). */
export function setAside(order: readonly Node[], grads: (Raw | Node | null)[] | null): void {
  aside = { order, grads, at: null };
}

/**
 * Ends the set-aside view (if one is open) and returns the gradients set aside, by position, with
 * what hooks changed in the meantime; null when no reached node has one.
 */
export function endAside(): (Raw | Node | null)[] | null {
  const grads = aside?.grads ?? null;
  aside = null;
  return grads;
}

/** Where `n`'s own gradient is set aside in the walk in progress, or -1 (not reached, or no walk). */
function asideIndex(n: Node): number {
  if (aside === null) return -1;
  if (aside.at === null) {
    // NOTE: built on the first read during a walk (hooks, drawings from hooks), never on the hot path.
    const at = new Map<Node, number>();
    for (let k = 0; k < aside.order.length; k++) at.set(aside.order[k]!, k);
    aside.at = at;
  }
  return aside.at.get(n) ?? -1;
}

/** Called after a pass released a graph: its stand-ins (marked released) are older than this. */
export function markReleaseDone(): void {
  lastWrite = nextId++;
}

/**
 * One value in the graph. Inputs are ordered (`x.mul(x)` has two edges); `id` is the creation order,
 * which makes drawings deterministic. The engine keeps the walk's bookkeeping on the node (`mark`,
 * and the gradient being summed in `gradData`) rather than in Sets and Maps. The first two inputs
 * are fields, not an array, and rarely used parts live beside it (`extra`): a scalar node of the
 * million-node chain takes 80 bytes.
 */
export abstract class Node {
  readonly id: number;
  /**
   * Three things in one number, a word less each in every node (which is what a scalar graph is
   * made of): `requiresGrad` (1), whether the node has `extra` parts (2), and the visit stamp of the
   * latest topological sort (the rest: stamp·4). The stamp is read with arithmetic, so that it stays
   * exact however many sorts run; the two low bits survive `&` for any integer (ToInt32 is modular).
   */
  private flags: number;
  /**
   * The gradient from the latest backward pass that reached this node (accumulated for leaves):
   * raw data, or a node when it was computed with `createGraph`; null before any pass. While a walk
   * runs, it holds the gradient that walk is summing for the nodes it reaches (their own is set
   * aside and given back when the walk ends: see `walk`, `storedGrad`), one field where there were two.
   */
  gradData: Raw | Node | null;
  raw: Raw;
  /** The op that made this node; null for leaves and constants. */
  readonly op: AnyOp | null;
  /** The first two inputs of `op`, in order (relinked to released stand-ins after a backward pass). */
  p0: Node | null;
  p1: Node | null;

  constructor(raw: Raw, init: NodeInit, label: string) {
    this.id = init.id > 0 ? init.id : nextId++;
    this.flags = init.requiresGrad ? 1 : 0;
    this.gradData = null;
    this.raw = raw;
    this.op = init.op;
    this.p0 = init.p0;
    this.p1 = init.p1;
    if (init.rest.length > 0 || init.attrs !== undefined || label !== '') {
      this.extra = newExtra(label, init.attrs, init.rest);
    }
  }

  /** The rarely used parts (label, hooks, attributes, further inputs), or null: kept out of the node. */
  private get extra(): Extra | null {
    return (this.flags & 2) !== 0 ? EXTRAS.get(this)! : null;
  }
  private set extra(parts: Extra) {
    EXTRAS.set(this, parts);
    if ((this.flags & 2) === 0) this.flags += 2;
  }

  /** Whether gradients flow to this node (set it on a leaf to make it a parameter). */
  get requiresGrad(): boolean {
    return (this.flags & 1) !== 0;
  }
  set requiresGrad(on: boolean) {
    // NOTE: a leaf that starts requiring a gradient after nodes were made from it: graphs recorded
    // before did not record what its gradient needs (a rule may have treated it as a constant), so
    // the walk refuses them (see checkSaved), where PyTorch would leave the leaf out of them.
    if (on && (this.flags & 1) === 0 && this.op === null && nextId > this.id + 1) this.markRequired();
    this.flags = this.flags - (this.flags & 1) + (on ? 1 : 0);
  }

  /** Visit stamp of the latest topological sort (see `topoSort`). */
  get mark(): number {
    return (this.flags - (this.flags & 3)) / 4;
  }
  set mark(stamp: number) {
    this.flags = stamp * 4 + (this.flags & 3);
  }

  private ensureExtra(): Extra {
    const extra = this.extra;
    if (extra !== null) return extra;
    const parts = newExtra('', undefined, NONE);
    this.extra = parts;
    return parts;
  }

  /**
   * How many times this node's data was changed in place (an optimizer step, a `data` setter,
   * `copy_`), as PyTorch's `_version`. A graph recorded before a change cannot be backpropagated.
   */
  get version(): number {
    return this.extra?.writes?.version ?? 0;
  }

  /**
   * Writes `values` (this node's shape; any dtype, converted to this node's) into its data in place,
   * as an optimizer step does, and records the write as `by` (bumping `version`).
   */
  abstract assignInPlace(values: Raw, by: string): void;

  /**
   * Records an in-place change of this node's data by `what` (e.g. 'an optimizer step'), for this
   * node and for every node whose array shares the bytes written (see memory-writes.ts).
   */
  markWritten(what: string): void {
    const extra = this.ensureExtra();
    extra.writes ??= { version: 0, writtenAt: 0, writtenBy: '' };
    extra.writes.version += 1;
    extra.writes.writtenAt = nextId;
    extra.writes.writtenBy = what;
    const raw = this.raw;
    if (typeof raw !== 'number') recordMemoryWrite(raw.data, nextId, what);
    lastWrite = nextId++;
  }

  /** Stamps the moment this leaf started requiring a gradient, as a write that leaves the version alone. */
  private markRequired(): void {
    const extra = this.ensureExtra();
    extra.writes ??= { version: 0, writtenAt: 0, writtenBy: '' };
    extra.writes.writtenAt = nextId;
    extra.writes.writtenBy = REQUIRED;
    lastWrite = nextId++;
  }

  /**
   * The stamp of the latest in-place write to this node's data, through this node or through
   * another sharing its memory (0: never; Infinity: released).
   */
  get writtenAt(): number {
    if (this.raw instanceof ReleasedArray) return Number.POSITIVE_INFINITY;
    const own = this.extra?.writes?.writtenAt ?? 0;
    return Math.max(own, this.sharedWrite(own)?.at ?? 0);
  }

  /** What changed this node's data last ('an optimizer step', 'released'), or null. */
  get writtenBy(): string | null {
    if (this.isReleased) return 'released';
    const own = this.extra?.writes;
    const shared = this.sharedWrite(own?.writtenAt ?? 0);
    if (shared !== null)
      return `${shared.by} through another tensor sharing its memory (a view, or detach())`;
    return own?.writtenBy ?? null;
  }

  /** The latest write to this node's memory made through another node, if it came after `own`. */
  private sharedWrite(own: number): MemoryWrite | null {
    const raw = this.raw;
    return typeof raw === 'number' ? null : memoryWriteAfter(raw.data, own);
  }

  /** Summaries of the data and gradient when this node's arrays were released, else null. */
  get releasedSummary(): ReleasedSummary | null {
    const raw = this.raw;
    return raw instanceof ReleasedArray ? { data: raw.summary, grad: raw.gradSummary } : null;
  }

  /** True for a node whose arrays a backward pass released (see `releasedCopy`). */
  get isReleased(): boolean {
    return this.raw instanceof ReleasedArray;
  }

  /**
   * Points input `i` at `p` (a released stand-in of the old input): after a backward pass, a
   * graph keeps only what drawings need.
   */
  relink(i: number, p: Node): void {
    if (i === 0) this.p0 = p;
    else if (i === 1) this.p1 = p;
    else {
      const rest = [...this.extra!.rest];
      rest[i - 2] = p;
      this.extra!.rest = rest;
    }
  }

  /**
   * A stand-in for this node in a released graph: same op, inputs, label and id, summaries instead
   * of arrays; null when this kind keeps its data (a Value's number is cheap).
   */
  abstract releasedCopy(): Node | null;

  /** Copies what a stand-in shares with its original: label, the composite's name, attributes. */
  protected copyExtraTo(other: Node): void {
    if (
      this.extra === null ||
      (this.extra.label === '' &&
        this.extra.madeBy === null &&
        this.extra.attrs === undefined &&
        this.extra.rest.length === 0)
    )
      return;
    const e = other.ensureExtra();
    e.label = this.extra.label;
    e.madeBy = this.extra.madeBy;
    e.attrs = this.extra.attrs;
    e.rest = this.extra.rest;
    e.madeFrom = this.extra.madeFrom;
  }

  /** What drawings call this node (`w1`). */
  get label(): string {
    return this.extra?.label ?? '';
  }
  set label(text: string) {
    this.ensureExtra().label = String(text);
  }

  /**
   * The name of what made this node, as PyTorch's `grad_fn` names it: the method for a composite
   * (`sum`, `mean`, `sub`), else the primitive op; null for leaves and constants.
   */
  get gradFn(): string | null {
    return this.op === null ? null : (this.extra?.madeBy ?? this.op.name);
  }

  /**
   * Records that a composite method made this node (see `gradFn`); `from` (see `nodesMade()`) marks
   * where its nodes start, so that a drawing can show the whole composite as one node.
   */
  madeBy(method: string, from = -1): this {
    if (this.op !== null) {
      const extra = this.ensureExtra();
      extra.madeBy = method;
      extra.madeFrom = from;
    }
    return this;
  }

  /** The id of the first node of the composite that made this node, or -1 when not recorded. */
  get madeFrom(): number {
    return this.extra?.madeFrom ?? -1;
  }

  /** The op's attributes (an axis, a shape), if it takes any. */
  get attrs(): unknown {
    return this.extra?.attrs;
  }

  get hooks(): readonly Hook<Node>[] | null {
    return this.extra?.hooks ?? null;
  }

  /** Number of inputs. */
  get arity(): number {
    return this.p0 === null ? 0 : this.p1 === null ? 1 : 2 + (this.extra?.rest.length ?? 0);
  }

  /** Input `i` (0-based). */
  parent(i: number): Node {
    return (i === 0 ? this.p0 : i === 1 ? this.p1 : this.extra!.rest[i - 2])!;
  }

  /** The inputs of the op that made this node, in order; empty for leaves and constants. */
  get parents(): readonly Node[] {
    if (this.p0 === null) return NONE;
    if (this.p1 === null) return [this.p0];
    return [this.p0, this.p1, ...(this.extra?.rest ?? NONE)];
  }

  abstract get shape(): Shape;
  /** The backend that runs this kind's rules on raw data. */
  abstract get rawBackend(): Backend<Raw>;
  /** Forward of `op` on the raw data of inputs `x`, `y` (null for one input) and `more`. */
  abstract compute(op: AnyOp, x: Node, y: Node | null, more: readonly Node[], attrs: unknown): Raw;
  /** A new node of this kind. */
  abstract spawn(raw: Raw, init: NodeInit): Node;
  /** A constant of this kind (no gradient), from a number or raw data. */
  abstract constant(raw: Raw): Node;
  /** Lines a drawing shows for the data and for the gradient (null: no gradient yet). */
  abstract describeData(): string;
  abstract describeGrad(): string | null;

  /** True for nodes the user made (no op): the ones whose gradients accumulate across passes. */
  get isLeaf(): boolean {
    return this.op === null;
  }

  /**
   * This node's own gradient, what `.grad` shows: `gradData`, or while a walk that reached this node
   * runs (a hook reads it), the gradient set aside for it (see `setAside`). Writes go to the same place.
   * For the library's own code: the array may be shared with another node's gradient until `.grad`
   * is read (see `isShared`), so never write into it.
   * @internal
   */
  get storedGrad(): Raw | Node | null {
    const k = asideIndex(this);
    return k < 0 ? this.gradData : (aside!.grads?.[k] ?? null);
  }
  set storedGrad(g: Raw | Node | null) {
    const k = asideIndex(this);
    if (k < 0) {
      this.gradData = g;
      return;
    }
    aside!.grads ??= new Array(aside!.order.length).fill(null);
    aside!.grads[k] = g;
  }

  /**
   * The gradient's raw data, or null before any backward pass reached this node. For the library's
   * own code, read only: the array may be shared with another node's (see `storedGrad`).
   * @internal
   */
  get gradRaw(): Raw | null {
    const g = aside === null ? this.gradData : this.storedGrad;
    return g === null ? null : rawOf(g);
  }

  /** The gradient as a node of this kind (kept, so repeated reads give the same node), or null. */
  protected gradAsNode(): Node | null {
    const g = this.storedGrad;
    if (g === null || g instanceof Node) return g;
    const wrapped = this.constant(unshared(g));
    this.storedGrad = wrapped;
    return wrapped;
  }

  /**
   * Calls `hook` with the gradient reaching this node in every backward pass, once it is complete;
   * a returned node replaces the gradient. Returns a handle whose `remove()` unregisters it.
   */
  registerHook(hook: Hook<this>): { remove(): void } {
    if (typeof hook !== 'function') throw new TypeError('registerHook: hook must be a function');
    if (!this.requiresGrad) {
      throw new TypeError(
        'registerHook: this node does not require a gradient, so no backward pass reaches it; set requiresGrad first',
      );
    }
    const extra = this.ensureExtra();
    const h = hook as unknown as Hook<Node>;
    // NOTE: the list is replaced, never edited, so a hook that removes itself (or adds one) while
    // the hooks run does not shift the iteration of the pass in progress.
    extra.hooks = [...(extra.hooks ?? []), h];
    return {
      remove: () => {
        if (extra.hooks?.includes(h)) extra.hooks = extra.hooks.filter((x) => x !== h);
      },
    };
  }

  /** Forget the gradient (PyTorch's `zero_grad(set_to_none=True)`): the next pass starts afresh. */
  zeroGrad(): void {
    this.storedGrad = null;
    activeRecorder()?.storeGrad(this, null, false); // a compiled step forgets it again at every replay
  }
}

function newExtra(label: string, attrs: unknown, rest: readonly Node[]): Extra {
  return {
    label,
    madeBy: null,
    madeFrom: -1,
    attrs,
    hooks: null,
    rest,
    writes: null,
  };
}

/** The init of a constant: no inputs, no op, no gradient. */
export const CONSTANT: NodeInit = Object.freeze({
  [INIT]: true as const,
  id: 0,
  op: null,
  p0: null,
  p1: null,
  rest: NONE,
  attrs: undefined,
  requiresGrad: false,
});

/** The init of a leaf the user makes. */
export function leafInit(requiresGrad: boolean): NodeInit {
  return requiresGrad ? LEAF_WITH_GRAD : CONSTANT;
}
const LEAF_WITH_GRAD: NodeInit = Object.freeze({ ...CONSTANT, requiresGrad: true });

/** A mutable init for the engine's own construction (apply's reused one, released stand-ins). */
export function makeInit(): { -readonly [K in keyof NodeInit]: NodeInit[K] } {
  return {
    [INIT]: true,
    id: 0,
    op: null,
    p0: null,
    p1: null,
    rest: NONE,
    attrs: undefined,
    requiresGrad: true,
  };
}

/**
 * Whether a public constructor's options are in fact the engine's init of an op result or a
 * constant: those skip the checks on user input (an op may produce NaN, a user may not pass it).
 * Only objects carrying the module-private brand qualify; a user's options never do.
 */
export function isNodeInit(o: unknown): o is NodeInit {
  return typeof o === 'object' && o !== null && (o as { [INIT]?: unknown })[INIT] === true;
}
