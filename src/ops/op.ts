/** @file What an op is (a name, a picture label, a forward per node kind, one derivative rule) and the backend rules run on. */

import type { Shape } from '../errors.js';
import type { DType, NDArray } from '../kernels/ndarray.js';
import type { OPS } from './table.js';

/** A node's data, or a plain number, on a side of an op that accepts numbers (`x.add(2)`). */
export type Operand<T> = T | number;

/** How many node inputs an op takes; -1 for a list (`cat`). */
export type Arity = 1 | 2 | 3 | -1;

/** The inputs of an op of arity `N`, as a tuple: a rule reads `{ ins: [x, y] }` with no `!`. */
export type Ins<T, N extends Arity> = {
  1: readonly [T];
  2: readonly [T, T];
  3: readonly [T, T, T];
  [-1]: readonly T[];
}[N];

/** One gradient per input (null: none), as a tuple of the op's arity. */
export type Grads<T, N extends Arity> = {
  1: readonly [T | null];
  2: readonly [T | null, T | null];
  3: readonly [T | null, T | null, T | null];
  [-1]: readonly (T | null)[];
}[N];

/** A forward on plain numbers, for `Value`, taking the op's number of inputs. */
export type ScalarForward<N extends Arity> = {
  1: (x: number) => number;
  2: (x: number, y: number) => number;
  3: (x: number, y: number, z: number) => number;
  [-1]: never;
}[N];

/** What a rule sees besides the upstream gradient: the inputs, the output, the op's attributes. */
export interface RuleContext<T, A, N extends Arity> {
  readonly ins: Ins<T, N>;
  readonly out: T;
  readonly attrs: A;
  /** `need[i]` is false when input i takes no gradient; a rule may skip that work. */
  readonly need: readonly boolean[];
}

/** One gradient per input (null: none), written with `B` so it works on numbers, arrays and nodes. */
export type Rule<A, N extends Arity> = <T>(B: Backend<T>, g: T, ctx: RuleContext<T, A, N>) => Grads<T, N>;

/** One input's gradient, written with `B` as a whole rule is (see `perInput`). */
export type InputRule<A, N extends Arity> = <T>(B: Backend<T>, g: T, ctx: RuleContext<T, A, N>) => T;

/** A rule given input by input: still a `Rule`, and `each[i]` gives input i's gradient alone (null: none). */
export type PerInputRule<A, N extends Arity> = Rule<A, N> & {
  readonly each: readonly (InputRule<A, N> | null)[];
};

/**
 * A rule written one input at a time, for elementwise ops: as a `Rule` it returns the list of the
 * inputs' gradients (null where `need` says no), and the engine's first-order pass over `Value`s calls
 * `each[i]` for the inputs that take a gradient, with no list built per node (that list was the
 * largest allocation of a scalar backward pass, and scalar graphs are bound by the garbage collector).
 *
 * @example
 * backward: perInput(
 *   (B, g, { ins: [, y] }) => B.mul(g, y), // ∂(x·y)/∂x = y
 *   (B, g, { ins: [x] }) => B.mul(g, x),   // ∂(x·y)/∂y = x
 * ),
 */
export function perInput<A, N extends Arity>(...each: Ins<InputRule<A, N> | null, N>): PerInputRule<A, N> {
  const rule = <T>(B: Backend<T>, g: T, ctx: RuleContext<T, A, N>) => {
    const grads: (T | null)[] = [];
    for (let i = 0; i < each.length; i++) {
      const f = each[i];
      grads.push(f != null && ctx.need[i] ? f(B, g, ctx) : null);
    }
    return grads as unknown as Grads<T, N>;
  };
  return Object.assign(rule, { each });
}

/**
 * The tangent of an op's output from its inputs' tangents (null: that input's tangent is zero),
 * written with `B` as the reverse rules are, so it runs on numbers, arrays and (recorded) nodes.
 */
export type TangentRule<A, N extends Arity> = <T>(
  B: Backend<T>,
  tangents: Grads<T, N>,
  ctx: RuleContext<T, A, N>,
) => T;

/**
 * How a table entry gives its forward-mode rule. Most ops need not write one:
 * - `'elementwise'`: each output element depends on the matching (broadcast) input elements only, so
 *   the tangent is Σᵢ ∂f/∂xᵢ ⊙ tᵢ, which is the reverse rule run with the (expanded) tangent as upstream;
 * - `'linear'`: f is linear in every input, so the tangent is f applied to the tangents;
 * - a rule written by hand (matmul, reductions that select an element).
 */
export type JvpSpec<A, N extends Arity> = 'elementwise' | 'linear' | TangentRule<A, N>;

/**
 * A primitive op with attributes `A` (an axis, a shape; `undefined` for none) and `N` inputs: forward
 * for each node kind and its derivative rule, side by side. A table entry is declared with its type
 * (`export const exp: ScalarOp<1> = { … }`), which is what the `Backend` interface is derived from.
 */
export interface Op<A, N extends Arity> {
  /** The method name (`mul`); equal to the op's key in the table. */
  readonly name: string;
  /** What a drawing shows (`*`). */
  readonly label: string;
  readonly arity: N;
  /**
   * Forward on plain numbers, for `Value`. Absent for tensor-only ops. `array` applies it to each
   * element of its inputs broadcast together, the result stored in the output's dtype (a test checks
   * it, and `compile` fuses such calls on that ground), except where `scalar32` says otherwise.
   */
  readonly scalar?: ScalarForward<N>;
  /**
   * What `array` computes per element when its inputs are float32 arrays, where that is not `scalar`
   * rounded once: a fused backward kernel rounds each step as the kernels it replaces would.
   */
  readonly scalar32?: ScalarForward<N>;
  /** Forward on arrays, for `Tensor`. */
  readonly array?: (xs: Ins<NDArray, N>, attrs: A) => NDArray;
  /** The derivative rule; `null` for ops that have no gradient (comparisons, argmax). */
  readonly backward: Rule<A, N> | null;
  /** The forward-mode rule (see `JvpSpec`); every op with a reverse rule has one (a test checks it). */
  readonly jvp?: JvpSpec<A, N>;
  /** True when the op would return its input unchanged (a reshape to the same shape): no node is made. */
  readonly isIdentity?: (shape: Shape, attrs: A, dtype: DType) => boolean;
  /** The op's attributes as a drawing shows them (`axes=[1]`). */
  readonly describe?: (attrs: A) => string;
}

/** An op that `Value` runs too: its forward on numbers is required. Only these can be `Value` methods. */
export type ScalarOp<N extends 1 | 2 | 3> = Op<undefined, N> & { readonly scalar: ScalarForward<N> };

/** Any op, as the engine handles it: inputs as a list, attributes unknown. */
export interface AnyOp {
  readonly name: string;
  readonly label: string;
  readonly arity: number;
  readonly scalar?: (x: number, y: number, z: number) => number;
  // NOTE: a method, so that an op's tuple of inputs (`[x]`) is accepted where the engine passes a list.
  // biome-ignore lint/suspicious/noExplicitAny: each op reads its own attribute type
  array?(xs: readonly NDArray[], attrs: any): NDArray;
  readonly backward: (<T>(B: Backend<T>, g: T, ctx: AnyRuleContext<T>) => readonly (T | null)[]) | null;
  readonly jvp?: 'elementwise' | 'linear' | AnyTangentRule;
  // biome-ignore lint/suspicious/noExplicitAny: each op reads its own attribute type
  readonly isIdentity?: (shape: Shape, attrs: any, dtype: DType) => boolean;
  // biome-ignore lint/suspicious/noExplicitAny: each op reads its own attribute type
  readonly describe?: (attrs: any) => string;
  /**
   * True for an op whose derivative rule is the user's code (`customOp`): its gradients may be
   * arrays the user holds, so a pass stores copies of them at once (see `Owners` in engine/autograd.ts).
   */
  readonly userRule?: boolean;
}

/**
 * A forward-mode rule as the engine calls it, for any op: tangents as a list (null: zero).
 * NOTE: declared as a method, so that a rule taking its op's tuple of tangents (`[ta, tb]`) is accepted.
 */
export type AnyTangentRule = {
  rule<T>(B: Backend<T>, tangents: readonly (T | null)[], ctx: AnyRuleContext<T>): T;
}['rule'];

/** One input's gradient rule as the engine calls it, for any op (see `perInput`). */
export type AnyInputRule = <T>(B: Backend<T>, g: T, ctx: AnyRuleContext<T>) => T;

/**
 * The per-input rules of `op` when its rule was written with `perInput`, else undefined.
 * @example inputRules(OPS.mul)?.length; // 2
 */
export function inputRules(op: AnyOp): readonly (AnyInputRule | null)[] | undefined {
  return (op.backward as { each?: readonly (AnyInputRule | null)[] } | null)?.each;
}

/** A rule context as the engine builds it, for any op. */
export interface AnyRuleContext<T> {
  // biome-ignore lint/suspicious/noExplicitAny: a tuple for the op's arity, built by the engine
  readonly ins: any;
  readonly out: T;
  // biome-ignore lint/suspicious/noExplicitAny: each op reads its own attribute type
  readonly attrs: any;
  readonly need: readonly boolean[];
}

/**
 * Identity that checks an op literal against `Op<A, N>`, for ops outside the table (tests, custom ops).
 * Table entries are annotated instead (`: ScalarOp<1>`): the backend their rules use is derived from the
 * table, so inferring an entry's type from its rule would be circular.
 */
export function defineOp<A, N extends Arity>(op: Op<A, N>): Op<A, N> {
  return op;
}

/** The backend method an op gives: its node inputs (plain numbers where it takes two or three), then its attributes. */
type MethodOf<O, T> =
  O extends Op<infer A, infer N>
    ? N extends 1
      ? [A] extends [undefined]
        ? (x: T) => T
        : (x: T, attrs: A) => T
      : N extends 2
        ? (x: Operand<T>, y: Operand<T>) => T
        : N extends 3
          ? (x: Operand<T>, y: Operand<T>, z: Operand<T>) => T
          : (xs: readonly T[], attrs: A) => T
    : never;

type Table = typeof OPS;

/**
 * What a derivative rule may compute with: one method per op of the table, derived from the table's
 * type (so an op cannot be in the table without its method), plus the composites rules use and a few
 * questions about a value. The engine hands a rule one of three backends: plain numbers (`Value`,
 * first order), plain arrays (`Tensor`, first order) or graph nodes (`backward({ createGraph: true })`),
 * so each rule is written once and its result can itself be differentiated.
 */
export type Backend<T> = { [K in keyof Table]: MethodOf<Table[K], T> } & BackendExtras<T>;

/** The part of a backend that is not one op each. */
export interface BackendExtras<T> {
  /** x − y, composed once from add and neg. */
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
  /** true when ties share the gradient evenly (a reduction over everything, or over a list of axes). */
  readonly evenTies: boolean;
}

/** Which element a max/min reduction selected, for routing its gradient. */
export interface SelectAttrs {
  readonly axes: readonly number[];
  readonly kind: 'max' | 'min';
  /** true when ties share the gradient evenly (see `ReduceAttrs`). */
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
