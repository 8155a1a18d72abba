/**
 * @file Whole Jacobians and Hessians (`torch.autograd.functional.jacobian`, `hessian`, `hvp`), a row
 * per vjp or a column per jvp; the Hessian forward-over-reverse.
 */

import { graph } from '../engine/graph-backend.js';
import { withGradMode } from '../engine/mode.js';
import { checkOptions, fmt, type OptionNames, ShapeError } from '../errors.js';
import { NDArray, sizeOf } from '../kernels/ndarray.js';
import * as C from '../ops/composites.js';
import { Value } from '../scalar/value.js';
import {
  type Differentiable,
  type Fn,
  listOf,
  type OneOrMany,
  oneHot,
  prepare,
  pullBack,
  pushTangents,
  released,
  run,
  shaped,
  TRANSFORM_OPTIONS,
  type TransformOptions,
  vectors,
} from './transforms.js';

/** What `jacobian` takes: `createGraph` and the mode it builds the Jacobian by. @example jacobian(f, x, { strategy: 'forward' }) */
export interface JacobianOptions extends TransformOptions {
  /**
   * `'reverse'` (default) builds the Jacobian a row at a time, one vjp per output element;
   * `'forward'` a column at a time, one jvp per input element: cheaper when inputs are fewer.
   */
  readonly strategy?: 'forward' | 'reverse';
}

const JACOBIAN_OPTIONS: OptionNames<JacobianOptions> = { createGraph: true, strategy: true };

/** Stacks per-element results (each of `inner`'s shape) into shape `outer ++ inner` or `inner ++ outer`. */
function assemble<N extends Differentiable>(
  parts: readonly N[],
  outer: readonly number[],
  inner: N,
  innerFirst: boolean,
): N {
  if (parts.length === 1 && outer.length === 0) return parts[0]!;
  if (inner instanceof Value) return parts[0]!; // scalars: one part, nothing to stack
  const shape = innerFirst ? [...inner.shape, ...outer] : [...outer, ...inner.shape];
  if (parts.length === 0) return inner.constant(new NDArray(new Float64Array(0), shape)) as N;
  const axis = innerFirst ? inner.shape.length : 0;
  return graph.reshape(C.stack(graph, parts, axis), shape) as N;
}

/** J[o][i] of shape out.shape ++ in.shape, a row per output element (reverse mode). */
function jacobianRows<N extends Differentiable>(
  outs: readonly N[],
  xs: readonly N[],
  createGraph: boolean,
): N[][] {
  return outs.map((o) => {
    const rows: N[][] = xs.map(() => []);
    for (let k = 0; k < sizeOf(o.shape); k++) {
      const gs = pullBack([o], xs, [oneHot(o, k)], createGraph);
      gs.forEach((g, i) => {
        rows[i]!.push(g);
      });
    }
    return xs.map((x, i) => withGradMode(createGraph, () => assemble(rows[i]!, o.shape, x, false)));
  });
}

/** J[o][i] of shape out.shape ++ in.shape, a column per input element (forward mode). */
function jacobianColumns<N extends Differentiable>(
  outs: readonly N[],
  xs: readonly N[],
  createGraph: boolean,
): N[][] {
  const columns: N[][][] = outs.map(() => xs.map(() => []));
  xs.forEach((x, i) => {
    for (let k = 0; k < sizeOf(x.shape); k++) {
      const ts = xs.map((_, j) => (j === i ? oneHot(x, k) : null));
      pushTangents(outs, xs, ts, createGraph).forEach((t, o) => {
        columns[o]![i]!.push(t);
      });
    }
  });
  return outs.map((o, oi) =>
    xs.map((x, i) => withGradMode(createGraph, () => assemble(columns[oi]![i]!, x.shape, o, true))),
  );
}

/** A Jacobian table in PyTorch's nesting: J, J[i] or J[o], or J[o][i] when both sides are tuples. */
function nest<N>(table: N[][], manyOut: boolean, manyIn: boolean): unknown {
  const rows = table.map((row) => shaped(row, manyIn));
  return shaped(rows, manyOut);
}

/**
 * The Jacobian of `f` at `inputs`, of shape `output.shape ++ input.shape`
 * (`torch.autograd.functional.jacobian`). A tuple of inputs gives a tuple of Jacobians, a tuple of
 * outputs a tuple of those. `strategy: 'forward'` fills it a column at a time by forward mode.
 *
 * @example
 * jacobian((x) => x.mul(x), tensor([1, 2])).toArray();   // [[2, 0], [0, 4]]
 */
export function jacobian<N extends Differentiable>(f: (x: N) => N, inputs: N, options?: JacobianOptions): N;
export function jacobian<N extends Differentiable>(
  f: Fn<N>,
  inputs: OneOrMany<N>,
  options?: JacobianOptions,
): unknown;
export function jacobian<N extends Differentiable>(
  f: Fn<N>,
  inputs: OneOrMany<N>,
  options: JacobianOptions = {},
): unknown {
  checkOptions('jacobian', options, JACOBIAN_OPTIONS);
  const { createGraph = false, strategy = 'reverse' } = options;
  if (strategy !== 'reverse' && strategy !== 'forward') {
    throw new TypeError(`jacobian: unknown strategy ${JSON.stringify(strategy)}; use 'forward' or 'reverse'`);
  }
  const [given, manyIn] = listOf(inputs, 'inputs', 'jacobian');
  const xs = prepare(given, createGraph);
  const [outs, manyOut] = run(f, xs, 'jacobian');
  const table =
    strategy === 'reverse' ? jacobianRows(outs, xs, createGraph) : jacobianColumns(outs, xs, createGraph);
  return nest(table, manyOut, manyIn);
}

/** The scalar output of `f` for hessian/hvp, and its gradients as recorded graphs. */
function gradientGraph<N extends Differentiable>(f: Fn<N>, xs: N[], op: string): [N, N[]] {
  const [outs, many] = run(f, xs, op);
  const out = outs[0]!;
  if (many || sizeOf(out.shape) !== 1) {
    throw new ShapeError(
      op,
      `the function must return one one-element Value or Tensor (got ${outs.length} output(s), the first of shape ${fmt(out.shape)})`,
      'reduce it first (sum, mean)',
    );
  }
  const grads = pullBack([out], xs, [oneHot(out, 0)], true);
  return [out, grads];
}

/**
 * The Hessian of scalar `f` at `inputs`, of shape `input.shape ++ input.shape`, by forward-over-reverse:
 * the gradient is recorded as a graph, and forward mode pushes a unit tangent per input element
 * through it (`torch.autograd.functional.hessian`). A tuple of inputs gives H[i][j].
 *
 * @example
 * hessian((x) => x.pow(3).sum(), tensor([1, 2])).toArray();   // [[6, 0], [0, 12]]
 */
export function hessian<N extends Differentiable>(f: (x: N) => N, inputs: N, options?: TransformOptions): N;
export function hessian<N extends Differentiable>(
  f: Fn<N>,
  inputs: OneOrMany<N>,
  options?: TransformOptions,
): unknown;
export function hessian<N extends Differentiable>(
  f: Fn<N>,
  inputs: OneOrMany<N>,
  options: TransformOptions = {},
): unknown {
  checkOptions('hessian', options, TRANSFORM_OPTIONS);
  const createGraph = options.createGraph ?? false;
  const [given, manyIn] = listOf(inputs, 'inputs', 'hessian');
  const xs = prepare(given, true);
  const [, grads] = gradientGraph(f, xs, 'hessian');
  return nest(jacobianColumns(grads, xs, createGraph), manyIn, manyIn);
}

/**
 * The output of scalar `f` and the Hessian-vector product H·v, by one forward-mode pass through the
 * recorded gradient (`torch.autograd.functional.hvp`); H is never formed.
 *
 * @example
 * const [y, hv] = hvp((x) => x.pow(3).sum(), tensor([1, 2]), tensor([1, 1]));   // hv = [6, 12]
 */
export function hvp<N extends Differentiable>(
  f: Fn<N>,
  inputs: OneOrMany<N>,
  v: OneOrMany<N>,
  options: TransformOptions = {},
): [N, OneOrMany<N>] {
  checkOptions('hvp', options, TRANSFORM_OPTIONS);
  const createGraph = options.createGraph ?? false;
  const [given, manyIn] = listOf(inputs, 'inputs', 'hvp');
  const vs = vectors(v, given, 'hvp', 'input');
  const xs = prepare(given, true);
  const [out, grads] = gradientGraph(f, xs, 'hvp');
  const hv = pushTangents(grads, xs, vs, createGraph);
  return [released([out], createGraph)[0]!, shaped(hv, manyIn)];
}
