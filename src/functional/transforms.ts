/**
 * @file Function transforms with the names and semantics of `torch.autograd.functional`: vjp, jvp and
 * JAX's valueAndGrad, and the pieces the Jacobian transforms share. Reverse mode is the engine's walk;
 * forward mode pushes tangents through the same rule table.
 */

import { gradOf } from '../engine/autograd.js';
import type { Grad } from '../engine/backward.js';
import { pushForward } from '../engine/forward.js';
import { withGradMode } from '../engine/mode.js';
import { Node } from '../engine/node.js';
import {
  checkOptions,
  describeValue,
  fmt,
  type OptionNames,
  type OptionSpecs,
  readOptions,
  ShapeError,
} from '../errors.js';
import { NDArray, sameShape, sizeOf } from '../kernels/ndarray.js';
import { Value } from '../scalar/value.js';
import { Tensor } from '../tensor/tensor.js';

/** What the transforms differentiate: Values or Tensors (one kind per call). */
export type Differentiable = Value | Tensor;

/** One node, or a tuple of them (`torch.autograd.functional` takes either and answers in kind). */
export type OneOrMany<N> = N | readonly N[];

/** Options every transform takes. @example vjp(f, x, v, { createGraph: true }) */
export interface TransformOptions {
  /** Record the computation so the results can be differentiated again (PyTorch's `create_graph`). */
  readonly createGraph?: boolean;
}

/** The options every transform takes, as `checkOptions` lists them. */
export const TRANSFORM_OPTIONS: OptionNames<TransformOptions> = { createGraph: true };

/** A function of Values or Tensors returning one or several of them. */
export type Fn<N extends Differentiable> = (...inputs: N[]) => OneOrMany<N>;

/** `x` as a list, and whether it was given as one (the answer takes the same form). */
export function listOf<N>(x: OneOrMany<N>, what: string, op: string): [N[], boolean] {
  const many = Array.isArray(x);
  const list = (many ? [...(x as readonly N[])] : [x as N]) as N[];
  if (list.length === 0)
    throw new TypeError(`${op}: ${what} is an empty list; pass at least one Value or Tensor`);
  list.forEach((n, i) => {
    if (!(n instanceof Value || n instanceof Tensor)) {
      const where = many ? ` element ${i}` : '';
      throw new TypeError(`${op}: ${what}${where} must be a Value or a Tensor (got ${typeof n})`);
    }
  });
  return [list, many];
}

export function shaped<N>(list: N[], many: boolean): OneOrMany<N> {
  return many ? list : list[0]!;
}

/**
 * The nodes `f` is run on. With `createGraph`, an input that already takes a gradient is used as it
 * is, so results stay differentiable with respect to it; otherwise a fresh leaf holding its data.
 */
export function prepare<N extends Differentiable>(inputs: readonly N[], createGraph: boolean): N[] {
  return inputs.map((x) => {
    if (createGraph && x.requiresGrad) return x;
    const leaf = x.constant(x.raw) as N;
    leaf.requiresGrad = true;
    if (x.label !== '') leaf.label = x.label;
    return leaf;
  });
}

/** Runs `f` with recording on (even inside `noGrad`, as PyTorch's functional API does) and checks its outputs. */
export function run<N extends Differentiable>(f: Fn<N>, xs: N[], op: string): [N[], boolean] {
  if (typeof f !== 'function') throw new TypeError(`${op}: the first argument must be a function`);
  const out = withGradMode(true, () => f(...xs));
  const [outs, many] = listOf(out, 'the function output', op);
  const kind = xs[0]!.constructor;
  outs.forEach((o, i) => {
    if (o.constructor !== kind) {
      throw new TypeError(
        `${op}: output ${i} is a ${o.constructor.name} but the inputs are ${kind.name}s; use one kind throughout`,
      );
    }
  });
  return [outs, many];
}

/** A constant of `like`'s kind and shape filled with zeros. */
function zerosLike<N extends Differentiable>(like: N): N {
  return like.constant(typeof like.raw === 'number' ? 0 : fill(like.raw, () => 0)) as N;
}

function fill(like: NDArray, at: (k: number) => number): NDArray {
  const data =
    like.data.constructor === Float32Array ? new Float32Array(like.size) : new Float64Array(like.size);
  for (let k = 0; k < data.length; k++) data[k] = at(k);
  return new NDArray(data, like.shape);
}

/** A constant of `like`'s kind and shape: 1 at flat index `k`, 0 elsewhere. */
export function oneHot<N extends Differentiable>(like: N, k: number): N {
  return like.constant(typeof like.raw === 'number' ? 1 : fill(like.raw, (j) => (j === k ? 1 : 0))) as N;
}

/** The user's vector for `like`, checked for kind and shape. */
function checkVector<N extends Differentiable>(v: unknown, like: N, op: string, what: string): N {
  if (!(v instanceof Node) || v.constructor !== like.constructor) {
    throw new TypeError(`${op}: ${what} must be a ${like.constructor.name} like the one it pairs with`);
  }
  if (!sameShape(v.shape, like.shape)) {
    throw new ShapeError(
      op,
      `${what} has shape ${fmt(v.shape)}, expected ${fmt(like.shape)}`,
      `pass a vector of shape ${fmt(like.shape)}`,
    );
  }
  return v as N;
}

/** The vectors `v` paired with `like` (one per node); left out only when every node has one element. */
export function vectors<N extends Differentiable>(
  v: OneOrMany<N> | undefined,
  like: readonly N[],
  op: string,
  what: string,
): N[] {
  if (v === undefined) {
    return like.map((n, i) => {
      if (sizeOf(n.shape) !== 1) {
        throw new ShapeError(
          op,
          `${what} may be left out only for one-element ${like.length > 1 ? `${what}s` : 'nodes'}, but ${i} has shape ${fmt(n.shape)}`,
          `pass v explicitly`,
        );
      }
      return oneHot(n, 0);
    });
  }
  const list = Array.isArray(v) ? (v as readonly N[]) : [v as N];
  if (list.length !== like.length) {
    throw new TypeError(
      `${op}: v has ${list.length} entries for ${like.length} ${what}s; pass one per ${what}`,
    );
  }
  return list.map((x, i) => checkVector(x, like[i]!, op, `v[${i}]`));
}

/** The form a walk takes a seed or tangent in: a node with `createGraph`, raw data otherwise. */
function walkForm(n: Node, createGraph: boolean): Grad {
  return createGraph ? n : n.raw;
}

/** A walk's result as a node of `like`'s kind (zeros when null: the output does not depend on it). */
function asNode<N extends Differentiable>(g: Grad | null, like: N): N {
  if (g === null) return zerosLike(like);
  return (g instanceof Node ? g : like.constant(g)) as N;
}

/** Outputs as the caller receives them: detached unless `createGraph`, as PyTorch. */
export function released<N extends Differentiable>(outs: readonly N[], createGraph: boolean): N[] {
  return outs.map((o) => (createGraph ? o : (o.constant(o.raw) as N)));
}

/** Σ vᵀ ∂outs/∂xs for the given vectors, one gradient per input (zeros where unused). */
export function pullBack<N extends Differentiable>(
  outs: readonly N[],
  xs: readonly N[],
  vs: readonly N[],
  createGraph: boolean,
): N[] {
  const live = outs.flatMap((o, i) => (o.requiresGrad ? [i] : []));
  if (live.length === 0) return xs.map((x) => zerosLike(x));
  const grads = gradOf(
    live.map((i) => outs[i]!),
    xs,
    live.map((i) => vs[i]!),
    { createGraph, allowUnused: true },
  );
  return grads.map((g, i) => (g === null ? zerosLike(xs[i]!) : (g as N)));
}

/** ∂outs/∂xs · ts by forward mode, one tangent per output (zeros where unaffected). */
export function pushTangents<N extends Differentiable>(
  outs: readonly N[],
  xs: readonly N[],
  ts: readonly (N | null)[],
  createGraph: boolean,
): N[] {
  const raw = ts.map((t) => (t === null ? null : walkForm(t, createGraph)));
  return pushForward(outs, xs, raw, createGraph).map((t, i) => asNode(t, outs[i]!));
}

/**
 * The outputs of `f` at `inputs` and the vector-Jacobian product vᵀ·J, one per input, by reverse mode
 * (`torch.autograd.functional.vjp`). `v` pairs with the outputs; it may be left out for a one-element output.
 *
 * @example
 * const [y, g] = vjp((x) => x.mul(x).sum(), tensor([1, 2]));   // g = 2x = [2, 4]
 */
export function vjp<N extends Differentiable>(
  f: Fn<N>,
  inputs: OneOrMany<N>,
  v?: OneOrMany<N>,
  options: TransformOptions = {},
): [OneOrMany<N>, OneOrMany<N>] {
  checkOptions('vjp', options, TRANSFORM_OPTIONS);
  const createGraph = options.createGraph ?? false;
  const [given, manyIn] = listOf(inputs, 'inputs', 'vjp');
  const xs = prepare(given, createGraph);
  const [outs, manyOut] = run(f, xs, 'vjp');
  const vs = vectors(v, outs, 'vjp', 'output');
  const grads = pullBack(outs, xs, vs, createGraph);
  return [shaped(released(outs, createGraph), manyOut), shaped(grads, manyIn)];
}

/**
 * The outputs of `f` at `inputs` and the Jacobian-vector product J·v, one per output, by forward mode:
 * tangents go through each op's forward rule (`torch.autograd.functional.jvp`, JAX's `jvp`). `v` pairs
 * with the inputs; it may be left out for a one-element input.
 *
 * @example
 * const [y, t] = jvp((x) => x.sin(), new Value(0), new Value(1));   // t = cos 0 = 1
 */
export function jvp<N extends Differentiable>(
  f: Fn<N>,
  inputs: OneOrMany<N>,
  v?: OneOrMany<N>,
  options: TransformOptions = {},
): [OneOrMany<N>, OneOrMany<N>] {
  checkOptions('jvp', options, TRANSFORM_OPTIONS);
  const createGraph = options.createGraph ?? false;
  const [given] = listOf(inputs, 'inputs', 'jvp');
  const vs = vectors(v, given, 'jvp', 'input');
  const xs = prepare(given, createGraph);
  const [outs, manyOut] = run(f, xs, 'jvp');
  const tangents = pushTangents(outs, xs, vs, createGraph);
  return [shaped(released(outs, createGraph), manyOut), shaped(tangents, manyOut)];
}

/** Which arguments `valueAndGrad` differentiates, as jax-js takes it: `valueAndGrad(f, { argnums: [0, 1] })`. */
export interface ValueAndGradOptions {
  /** An argument's index (one gradient), or a list of them (a list of gradients); default 0. */
  readonly argnums?: number | readonly number[];
}

const VALUE_AND_GRAD_OPTIONS: OptionSpecs<ValueAndGradOptions> = {
  argnums: (v) =>
    typeof v === 'number' || Array.isArray(v) ? null : 'must be a number or an array of numbers',
};

/** `argnums` as given (a number, a list, or `{ argnums }`): the picked indices, and whether a list was given. */
function argnumsOf(given: unknown): [number[], boolean] {
  if (typeof given === 'number') return [[given], false];
  if (Array.isArray(given)) return [[...(given as number[])], true];
  if (typeof given === 'object' && given !== null) {
    const o = readOptions('valueAndGrad', given, VALUE_AND_GRAD_OPTIONS);
    return argnumsOf(o.argnums ?? 0);
  }
  throw new TypeError(
    `valueAndGrad: argnums must be a number, an array of numbers or { argnums } (got ${describeValue(given)}); pass e.g. valueAndGrad(f, [0, 1])`,
  );
}

/**
 * JAX's `value_and_grad`: a function returning `[f(...args), ∂f/∂args[argnums]]`, the natural form of a
 * training step. `f` must return a one-element Value or Tensor; `argnums` picks the arguments to
 * differentiate (a number gives one gradient, a list a list), given alone or as `{ argnums }`.
 *
 * @example
 * const step = valueAndGrad((w: Tensor, x: Tensor) => w.mul(x).sum());
 * const [loss, dw] = step(tensor([1, 2]), tensor([3, 4]));   // dw = x = [3, 4]
 * valueAndGrad((w: Tensor, x: Tensor) => w.mul(x).sum(), { argnums: [0, 1] });   // as valueAndGrad(f, [0, 1])
 */
export function valueAndGrad<N extends Differentiable>(
  f: (...args: N[]) => N,
  argnums: number | readonly number[] | ValueAndGradOptions = 0,
): (...args: N[]) => [N, OneOrMany<N>] {
  if (typeof f !== 'function') throw new TypeError('valueAndGrad: the first argument must be a function');
  const [picks, many] = argnumsOf(argnums);
  const twice = picks.find((a, i) => picks.indexOf(a) !== i);
  if (twice !== undefined) {
    // NOTE: the second pick's gradient came out as zeros (one prepared copy of the argument got it all)
    throw new RangeError(
      `valueAndGrad: argnums [${picks.join(', ')}] names argument ${twice} twice; list each argument once`,
    );
  }
  return (...args: N[]) => {
    picks.forEach((a) => {
      if (!Number.isInteger(a) || a < 0 || a >= args.length) {
        throw new RangeError(
          `valueAndGrad: argnums ${a} is out of range for ${args.length} argument(s); pick indices 0..${args.length - 1}`,
        );
      }
    });
    const [chosen] = listOf(
      picks.map((a) => args[a]!),
      'argument',
      'valueAndGrad',
    );
    const xs = prepare(chosen, false);
    const called = args.map((x, i) => (picks.includes(i) ? xs[picks.indexOf(i)]! : x));
    const [outs] = run(f as Fn<N>, called, 'valueAndGrad');
    const out = outs[0]!;
    if (sizeOf(out.shape) !== 1) {
      throw new ShapeError(
        'valueAndGrad',
        `the function must return a one-element Value or Tensor (got shape ${fmt(out.shape)})`,
        'reduce it first (sum, mean)',
      );
    }
    const grads = pullBack([out], xs, [oneHot(out, 0)], false);
    return [released([out], false)[0]!, many ? grads : grads[0]!];
  };
}
