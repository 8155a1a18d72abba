/** @file The graph node that `Value` and `Tensor` share: data, parents, op, gradient. */

import type { Shape } from '../errors.js';
import type { AnyOp, Backend } from '../ops/op.js';
import type { NDArray } from '../tensor/kernels/ndarray.js';

/** What a node holds: a number (`Value`) or an array (`Tensor`). */
export type Raw = number | NDArray;

/** A gradient hook: sees the gradient reaching a node, may return a replacement. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only looks returns nothing at all
export type Hook<N extends Node> = (grad: N) => N | undefined | void;

let nextId = 0;

/**
 * How an op's result or a constant is made. Passed where a public constructor takes its options, so
 * `Value` and `Tensor` keep one constructor whose public form validates user input.
 */
export class NodeInit {
  constructor(
    readonly parents: readonly Node[],
    readonly op: AnyOp | null,
    readonly attrs: unknown,
    readonly requiresGrad: boolean,
  ) {}
}

/** The init of a constant: no parents, no op, no gradient. */
export const CONSTANT = new NodeInit([], null, undefined, false);

/**
 * One value in the graph. Parents are an ordered array, so `x.mul(x)` has two edges; `id` is the
 * creation order, which makes drawings deterministic. The engine keeps the walk's bookkeeping on
 * the node (`mark`, `acc`) rather than in Sets and Maps.
 */
export abstract class Node {
  readonly id = nextId++;
  /** Visit stamp of the latest topological sort. */
  mark = 0;
  /** The gradient being accumulated by the walk in progress (raw, or a node with `createGraph`). */
  acc: Raw | Node | null = null;
  /** The gradient from the latest backward pass that reached this node (accumulated for leaves). */
  gradRaw: Raw | null = null;
  /** The same gradient as a graph, when it was computed with `createGraph`. */
  gradNode: Node | null = null;
  hooks: Hook<Node>[] | null = null;

  constructor(
    public raw: Raw,
    /** The inputs of the op that made this node, in order; empty for leaves and constants. */
    readonly parents: readonly Node[],
    /** The op that made this node; null for leaves and constants. */
    readonly op: AnyOp | null,
    readonly attrs: unknown,
    public requiresGrad: boolean,
    public label: string,
  ) {}

  abstract get shape(): Shape;
  /** The backend that runs this kind's rules on raw data. */
  abstract get rawBackend(): Backend<Raw>;
  /** Forward of `op` on the inputs' raw data, for this kind. */
  abstract compute(op: AnyOp, ins: readonly Node[], attrs: unknown): Raw;
  /** A new node of this kind. */
  abstract spawn(
    raw: Raw,
    parents: readonly Node[],
    op: AnyOp | null,
    attrs: unknown,
    requiresGrad: boolean,
  ): Node;
  /** A constant of this kind (no gradient), from a number or raw data. */
  abstract constant(raw: Raw): Node;
  /** Lines a drawing shows for the data and for the gradient (null: no gradient yet). */
  abstract describeData(): string;
  abstract describeGrad(): string | null;

  /** True for nodes the user made (no op): the ones whose gradients accumulate across passes. */
  get isLeaf(): boolean {
    return this.op === null;
  }

  /** The gradient as a node of this kind, or null before any backward pass reached it. */
  protected gradAsNode(): Node | null {
    if (this.gradNode) return this.gradNode;
    return this.gradRaw === null ? null : this.constant(this.gradRaw);
  }

  /**
   * Calls `hook` with the gradient reaching this node in every backward pass, once it is complete;
   * a returned node replaces the gradient. Returns a handle whose `remove()` unregisters it.
   */
  registerHook(hook: Hook<this>): { remove(): void } {
    this.hooks ??= [];
    const hooks = this.hooks;
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
    this.gradRaw = null;
    this.gradNode = null;
  }
}
