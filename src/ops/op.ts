/** @file What an op is: a name, a picture label, a forward per node kind and one derivative rule. */

import type { Shape } from '../errors.js';
import type { DType, NDArray } from '../kernels/ndarray.js';

/** A number or a node's data on the side of an op that accepts plain numbers (`x.add(2)`). */
export type Operand<T> = T | number;

/**
 * What a derivative rule may compute with. The engine hands a rule one of three backends:
 * plain numbers (`Value`, first order), plain arrays (`Tensor`, first order) or graph nodes
 * (`backward({ createGraph: true })`), so each rule is written once and its result can itself be
 * differentiated. Methods are the primitive ops plus the composites built from them.
 */
export interface Backend<T> {
  neg(x: T): T;
  exp(x: T): T;
  log(x: T): T;
  tanh(x: T): T;
  sigmoid(x: T): T;
  relu(x: T): T;
  abs(x: T): T;
  sqrt(x: T): T;
  sign(x: T): T;
  add(x: Operand<T>, y: Operand<T>): T;
  mul(x: Operand<T>, y: Operand<T>): T;
  pow(x: Operand<T>, y: Operand<T>): T;
  maximum(x: Operand<T>, y: Operand<T>): T;
  minimum(x: Operand<T>, y: Operand<T>): T;
  gt(x: Operand<T>, y: Operand<T>): T;
  ge(x: Operand<T>, y: Operand<T>): T;
  lt(x: Operand<T>, y: Operand<T>): T;
  le(x: Operand<T>, y: Operand<T>): T;
  eq(x: Operand<T>, y: Operand<T>): T;
  where(cond: T, x: Operand<T>, y: Operand<T>): T;
  matmul(a: T, b: T): T;
  sumTo(x: T, shape: Shape): T;
  expand(x: T, shape: Shape): T;
  reshape(x: T, shape: Shape): T;
  permute(x: T, dims: readonly number[]): T;
  div(x: Operand<T>, y: Operand<T>): T;
  maxTo(x: T, attrs: ReduceAttrs): T;
  minTo(x: T, attrs: ReduceAttrs): T;
  cast(x: T, dtype: DType): T;
  selectMask(x: T, attrs: SelectAttrs): T;
  cat(xs: readonly T[], axis: number): T;
  slice(x: T, attrs: SliceAttrs): T;
  argmax(x: T, attrs: ArgAttrs): T;
  argmin(x: T, attrs: ArgAttrs): T;

  sin(x: T): T;
  cos(x: T): T;
  log1p(x: T): T;
  expm1(x: T): T;
  softplus(x: T): T;
  cumsum(x: T, axis: number): T;
  gather(x: T, attrs: GatherAttrs): T;
  scatterAdd(x: T, attrs: ScatterAttrs): T;

  // a composite, built once from the primitives above
  sub(x: Operand<T>, y: Operand<T>): T;

  /** The same data with no gradient path (identity on raw data). */
  detach(x: T): T;
  /** The dtype of a node or raw value (`float64` for numbers and Values). */
  dtype(x: Operand<T>): DType;
  /** The shape of a node or raw value (`[]` for numbers). */
  shape(x: Operand<T>): Shape;
  /** A constant (no gradient) of `shape` filled with `value`, of the same kind as `like`. */
  full(shape: Shape, value: number, like: T): T;
}

/** A max/min over `axes`, keeping them as size 1. */
export interface ReduceAttrs {
  readonly axes: readonly number[];
  /** true for a reduction over everything with no axis given: ties then share the gradient, as in PyTorch. */
  readonly evenTies: boolean;
}

/** Which element a max/min reduction selected, for routing its gradient. */
export interface SelectAttrs {
  readonly axes: readonly number[];
  readonly kind: 'max' | 'min';
  /** true when every axis is reduced: ties then share the gradient evenly, as in PyTorch. */
  readonly evenTies: boolean;
}

export interface SliceAttrs {
  readonly axis: number;
  readonly start: number;
  readonly end: number;
}

/** Which elements gather reads (or scatterAdd writes): positions along `axis`, an array of index's shape. */
export interface GatherAttrs {
  readonly axis: number;
  readonly index: NDArray;
}

/** scatterAdd's attributes: gather's, and the shape of the result. */
export interface ScatterAttrs extends GatherAttrs {
  readonly shape: Shape;
}

export interface ArgAttrs {
  readonly axis: number | undefined;
  readonly keepdim: boolean;
}

/** What a rule sees besides the upstream gradient: the inputs, the output, the op's attributes. */
export interface RuleContext<T, A> {
  readonly ins: readonly T[];
  readonly out: T;
  readonly attrs: A;
  /** `need[i]` is false when input i takes no gradient; a rule may skip that work. */
  readonly need: readonly boolean[];
}

/** One gradient per input (null: none), written with `B` so it works on numbers, arrays and nodes. */
export type Rule<A> = <T>(B: Backend<T>, g: T, ctx: RuleContext<T, A>) => readonly (T | null)[];

/**
 * The tangent of an op's output from its inputs' tangents (null: that input's tangent is zero),
 * written with `B` as the reverse rules are, so it runs on numbers, arrays and (recorded) nodes.
 */
export type TangentRule<A> = <T>(B: Backend<T>, tangents: readonly (T | null)[], ctx: RuleContext<T, A>) => T;

/**
 * How a table entry gives its forward-mode rule. Most ops need not write one:
 * - `'elementwise'`: each output element depends on the matching (broadcast) input elements only, so
 *   the tangent is Σᵢ ∂f/∂xᵢ ⊙ tᵢ, which is the reverse rule run with the (expanded) tangent as upstream;
 * - `'linear'`: f is linear in every input, so the tangent is f applied to the tangents;
 * - a rule written by hand (matmul, reductions that select an element).
 */
export type JvpSpec<A> = 'elementwise' | 'linear' | TangentRule<A>;

/** A primitive op: forward for each node kind and its derivative rule, side by side. */
export interface Op<A = undefined> {
  /** The method name (`mul`). */
  readonly name: string;
  /** What a drawing shows (`*`). */
  readonly label: string;
  /** Number of node inputs; -1 for a list (`cat`). */
  readonly arity: number;
  /** Forward on plain numbers, for `Value` (up to three inputs). Absent for tensor-only ops. */
  readonly scalar?: (x: number, y: number, z: number) => number;
  /** Forward on arrays, for `Tensor`. */
  readonly array?: (xs: readonly NDArray[], attrs: A) => NDArray;
  /** The derivative rule; `null` for ops that have no gradient (comparisons, argmax). */
  readonly backward: Rule<A> | null;
  /** The forward-mode rule (see `JvpSpec`); every op with a reverse rule has one. */
  readonly jvp?: JvpSpec<A>;
  /** True when the op would return its input unchanged (a reshape to the same shape): no node is made. */
  readonly isIdentity?: (shape: Shape, attrs: A, dtype: DType) => boolean;
  /** The op's attributes as a drawing shows them (`axes=[1]`). */
  readonly describe?: (attrs: A) => string;
}

// biome-ignore lint/suspicious/noExplicitAny: a table holds ops of every attribute type
export type AnyOp = Op<any>;

/** Identity that checks an op literal against `Op<A>`, so each table entry is typed. */
export function defineOp<A = undefined>(op: Op<A>): Op<A> {
  return op;
}
