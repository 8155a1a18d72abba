/** @file gradcheck: autograd's derivatives against central finite differences, first and second order. */

import { gradOf } from '../engine/autograd.js';
import { graph } from '../engine/graph-backend.js';
import { noGrad } from '../engine/mode.js';
import { Node, type Raw } from '../engine/node.js';
import { describeValue, type OptionSpecs, readOptions } from '../errors.js';
import { Rng } from '../kernels/create.js';
import { NDArray } from '../kernels/ndarray.js';

/** Tolerances and steps of `gradcheck`: `gradcheck(f, inputs, { atol: 1e-6, secondOrder: false })`. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  readonly eps?: number;
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number;
  /** Relative tolerance (default 1e-3). */
  readonly rtol?: number;
  /** Also check second derivatives (default true), once the first derivatives agree. */
  readonly secondOrder?: boolean;
  /** Seed of the random projections used for many-element outputs (default 0). */
  readonly seed?: number;
}

const GRADCHECK_OPTIONS: OptionSpecs<GradcheckOptions> = {
  eps: 'number',
  atol: 'number',
  rtol: 'number',
  secondOrder: 'boolean',
  seed: 'number',
};

/** One derivative that disagrees. */
export interface Mismatch {
  readonly order: 1 | 2;
  readonly input: number;
  /** Flat index of the element within that input. */
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

/** What `gradcheck` found: `ok`, every mismatch, the largest error, and a printable `message`. */
export interface GradcheckReport {
  readonly ok: boolean;
  readonly mismatches: readonly Mismatch[];
  /** Largest |analytic − numeric| seen. */
  readonly maxError: number;
  /** One line per mismatch (and one when order 2 was skipped for a wrong order 1), or 'gradcheck passed'. */
  readonly message: string;
}

function elements(raw: Raw): Float64Array {
  return typeof raw === 'number' ? Float64Array.of(raw) : Float64Array.from(raw.data);
}

/** A fresh leaf of `like`'s kind holding `values`. */
function leaf(like: Node, values: Float64Array): Node {
  const raw = typeof like.raw === 'number' ? values[0]! : new NDArray(values, like.raw.shape);
  const n = like.constant(raw);
  n.requiresGrad = true;
  return n;
}

/**
 * Projects a many-element output onto fixed random weights, so one scalar carries every entry. A
 * one-number output is scaled by a weight other than 1, so that a rule ignoring its upstream gradient
 * (returning 2x for x², not g·2x) shows up even on a Value.
 */
function project(out: Node, weights: Map<string, Node>, rng: Rng): Node {
  if (out.shape.length === 0) return graph.mul(out, SCALAR_WEIGHT);
  const key = out.shape.join('x');
  let w = weights.get(key);
  if (!w) {
    const n = out.shape.reduce((a, b) => a * b, 1);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = rng.normal();
    w = out.constant(new NDArray(values, out.shape));
    weights.set(key, w);
  }
  return graph.sumTo(graph.mul(out, w), []);
}

/** The weight of a one-number output (see `project`): not 1, and a power of two, so reports divide it out exactly. */
const SCALAR_WEIGHT = 2;

/** Central differences of scalar `s` with respect to every element of every input. */
function numericGrads(s: (xs: Node[]) => number, inputs: readonly Node[], eps: number): Float64Array[] {
  const values = inputs.map((x) => elements(x.raw));
  return values.map((v, i) => {
    const g = new Float64Array(v.length);
    for (let k = 0; k < v.length; k++) {
      const at = (delta: number) => {
        const moved = Float64Array.from(v);
        moved[k]! += delta;
        return s(inputs.map((x, j) => (j === i ? leaf(x, moved) : leaf(x, values[j]!))));
      };
      g[k] = (at(eps) - at(-eps)) / (2 * eps);
    }
    return g;
  });
}

/**
 * Checks `f`'s gradients at `inputs` (Values or Tensors) against central differences in float64.
 * A many-element output is projected onto fixed random weights (PyTorch's fast mode does the same).
 * With `secondOrder`, the gradient of a random projection of the gradient is checked the same way,
 * once the first derivatives agree (a wrong first derivative is reported alone).
 *
 * @example
 * const report = gradcheck((x) => x.tanh().mul(x), [new Value(0.3)]);
 * report.ok;       // true
 * report.message;  // 'gradcheck passed'
 */
export function gradcheck<N extends Node>(
  f: (...inputs: N[]) => Node,
  inputs: readonly N[],
  options: GradcheckOptions = {},
): GradcheckReport {
  if (typeof f !== 'function') {
    throw new TypeError(
      `gradcheck: f must be a function of the inputs (got ${describeValue(f)}); pass e.g. (x) => x.tanh()`,
    );
  }
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((x) => x instanceof Node)) {
    throw new TypeError('gradcheck: inputs must be a non-empty array of Values or Tensors');
  }
  const o = readOptions('gradcheck', options, GRADCHECK_OPTIONS) as GradcheckOptions;
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, secondOrder = true, seed = 0 } = o;
  const checked = (...xs: N[]): Node => {
    const out = f(...xs);
    if (!(out instanceof Node)) {
      throw new TypeError(
        `gradcheck: f must return a Value or a Tensor built from its inputs (got ${describeValue(out)})`,
      );
    }
    return out;
  };
  const rng = new Rng(seed);
  const weights = new Map<string, Node>();
  // NOTE: a one-number output is checked scaled by SCALAR_WEIGHT (see `project`); reports divide it out
  let scale = 1;
  const scalar = (xs: Node[]) => {
    const out = checked(...(xs as N[]));
    scale = out.shape.length === 0 ? SCALAR_WEIGHT : 1;
    return project(out, weights, rng);
  };
  const mismatches: Mismatch[] = [];
  let maxError = 0;

  const compare = (order: 1 | 2, s: (xs: Node[]) => Node) => {
    const xs = inputs.map((x) => leaf(x, elements(x.raw)));
    const out = s(xs);
    const analytic = out.requiresGrad
      ? gradOf([out], xs, [out.constant(1)], { allowUnused: true }).map((g, i) =>
          g === null ? new Float64Array(elements(xs[i]!.raw).length) : elements(g.raw),
        )
      : xs.map((x) => new Float64Array(elements(x.raw).length));
    const numeric = numericGrads((ys) => noGradValue(s, ys, order), inputs, eps);
    analytic.forEach((a, i) => {
      a.forEach((scaled, k) => {
        const av = scaled / scale;
        const nv = numeric[i]![k]! / scale;
        const err = Math.abs(av - nv);
        if (!(err <= maxError)) maxError = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
        if (!(err <= atol + rtol * Math.abs(nv)))
          mismatches.push({ order, input: i, index: k, analytic: av, numeric: nv });
      });
    });
  };

  compare(1, scalar);
  // NOTE: second derivatives are built on the first: with a wrong first derivative, their check says
  // nothing new, and may throw (an elementwiseOp without d2f) before the first-order report is seen.
  const firstWrong = mismatches.length > 0;
  if (secondOrder && !firstWrong) compare(2, (xs) => gradDot(scalar, xs, weights, rng));
  const lines = mismatches.map(
    (m) =>
      `order ${m.order}: input ${m.input}, element ${m.index}: analytic ${m.analytic}, numeric ${m.numeric}`,
  );
  if (secondOrder && firstWrong) {
    lines.push(
      'order 2: not checked, the first derivatives disagree; fix the first-order rule, then check again',
    );
  }
  const message = lines.length === 0 ? 'gradcheck passed' : lines.join('\n');
  return { ok: mismatches.length === 0, mismatches, maxError, message };
}

/** Σ ∂s/∂xᵢ · vᵢ for fixed random vᵢ, recorded so that it can be differentiated again. */
function gradDot(s: (xs: Node[]) => Node, xs: Node[], weights: Map<string, Node>, rng: Rng): Node {
  const out = s(xs);
  if (!out.requiresGrad) return out.constant(0);
  const grads = gradOf([out], xs, [out.constant(1)], { createGraph: true, allowUnused: true });
  let total: Node = out.constant(0);
  grads.forEach((g) => {
    if (g !== null) total = graph.add(total, project(g, weights, rng));
  });
  return total;
}

/** Evaluates a check function's scalar as a number: order 1 needs no graph; order 2 needs one. */
function noGradValue(s: (xs: Node[]) => Node, xs: Node[], order: 1 | 2): number {
  const out = order === 1 ? noGrad(() => s(xs)) : s(xs);
  return typeof out.raw === 'number' ? out.raw : out.raw.data[0]!;
}
