/** @file The graph node that `Value` and `Tensor` share: data, inputs, op, gradient. */

import type { Shape } from '../errors.js';
import type { NDArray } from '../kernels/ndarray.js';
import type { AnyOp, Backend } from '../ops/op.js';

/** What a node holds: a number (`Value`) or an array (`Tensor`). */
export type Raw = number | NDArray;

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
}

/** How a node is made: its op (null for leaves and constants), its inputs and attributes. */
export interface NodeInit {
  op: AnyOp | null;
  /** The first two inputs (null when absent) and any further ones. */
  p0: Node | null;
  p1: Node | null;
  rest: readonly Node[];
  attrs: unknown;
  requiresGrad: boolean;
}

/** How many nodes have been made so far: the id the next node gets. */
export function nodesMade(): number {
  return nextId;
}

/** The inputs of a node that has none. */
export const NONE: readonly Node[] = Object.freeze([]);
let nextId = 0;

/**
 * One value in the graph. Inputs are ordered (`x.mul(x)` has two edges); `id` is the creation order,
 * which makes drawings deterministic. The engine keeps the walk's bookkeeping on the node (`mark`,
 * `acc`) rather than in Sets and Maps. The first two inputs are fields, not an array, and rarely
 * used parts live in `extra`: a scalar node of the million-node chain takes 104 bytes.
 */
export abstract class Node {
  readonly id: number;
  /** Visit stamp of the latest topological sort. */
  mark: number;
  /** The gradient being accumulated by the walk in progress (raw, or a node with `createGraph`). */
  acc: Raw | Node | null;
  /**
   * The gradient from the latest backward pass that reached this node (accumulated for leaves):
   * raw data, or a node when it was computed with `createGraph`; null before any pass.
   */
  gradData: Raw | Node | null;
  raw: Raw;
  /** The op that made this node; null for leaves and constants. */
  readonly op: AnyOp | null;
  requiresGrad: boolean;
  /** The first two inputs of `op`, in order. */
  readonly p0: Node | null;
  readonly p1: Node | null;
  private extra: Extra | null;

  constructor(raw: Raw, init: NodeInit, label: string) {
    this.id = nextId++;
    this.mark = 0;
    this.acc = null;
    this.gradData = null;
    this.raw = raw;
    this.op = init.op;
    this.requiresGrad = init.requiresGrad;
    this.p0 = init.p0;
    this.p1 = init.p1;
    this.extra =
      init.rest.length > 0 || init.attrs !== undefined || label !== ''
        ? { label, madeBy: null, madeFrom: -1, attrs: init.attrs, hooks: null, rest: init.rest }
        : null;
  }

  private ensureExtra(): Extra {
    this.extra ??= { label: '', madeBy: null, madeFrom: -1, attrs: undefined, hooks: null, rest: NONE };
    return this.extra;
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

  /** The gradient's raw data, or null before any backward pass reached this node. */
  get gradRaw(): Raw | null {
    const g = this.gradData;
    return g instanceof Node ? g.raw : g;
  }

  /** The gradient as a node of this kind (kept, so repeated reads give the same node), or null. */
  protected gradAsNode(): Node | null {
    const g = this.gradData;
    if (g === null || g instanceof Node) return g;
    this.gradData = this.constant(g);
    return this.gradData;
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
    extra.hooks ??= [];
    const hooks = extra.hooks;
    const h = hook as unknown as Hook<Node>;
    hooks.push(h);
    return {
      remove: () => {
        const i = hooks.indexOf(h);
        if (i >= 0) hooks.splice(i, 1);
      },
    };
  }

  /** Forget the gradient (PyTorch's `zero_grad(set_to_none=True)`): the next pass starts afresh. */
  zeroGrad(): void {
    this.gradData = null;
  }
}

/** The init of a constant: no inputs, no op, no gradient. */
export const CONSTANT: NodeInit = Object.freeze({
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

/**
 * Whether a public constructor's options are in fact the engine's init of an op result or a
 * constant: those skip the checks on user input (an op may produce NaN, a user may not pass it).
 */
export function isNodeInit(o: unknown): o is NodeInit {
  return typeof o === 'object' && o !== null && 'rest' in o && 'op' in o;
}
