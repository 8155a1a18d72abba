/** @file traceBackward: a backward pass that records every rule application, as plain JSON. */

import { backwardFrom, gradOf } from '../engine/autograd.js';
import type { RuleStep } from '../engine/backward.js';
import { type Node, type Raw, rawOf } from '../engine/node.js';
import { checkOptions, type OptionNames } from '../errors.js';
import { summarize, type TensorSummary } from '../kernels/summary.js';
import { Value } from '../scalar/value.js';
import { Tensor } from '../tensor/tensor.js';
import { localDerivatives } from './rule.js';

/**
 * A tensor quantity in a trace: its summary statistics, and its elements (row-major) when asked for or
 * when there is only one (a loss: the statistics leave NaN and ±Infinity out, the element keeps them).
 */
export interface TracedArray extends TensorSummary {
  readonly data?: number[];
}

/** A gradient or derivative in a trace: a number for `Value` graphs, a summary for tensors. */
export type Traced = number | TracedArray;

/** Who a step is about: a node's id (creation order), op name (null for a leaf) and label. */
export interface TracedNode {
  readonly id: number;
  readonly op: string | null;
  readonly label: string;
}

/** What one input of a rule got in one step. */
export interface TracedInput extends TracedNode {
  /** Which input of the op (0-based): `x.mul(x)` has inputs 0 and 1, both the same node. */
  readonly index: number;
  /**
   * ∂node/∂input: the rule run with an upstream of 1 (a `Value`) or of ones (a tensor: the
   * elementwise derivative for elementwise ops). Null when the input takes no gradient.
   */
  readonly local: Traced | null;
  /** What the rule sent: local × upstream. Null when the input takes no gradient. */
  readonly contribution: Traced | null;
  /** The input's gradient summed so far in this pass, after this step. */
  readonly accumulated: Traced | null;
}

/** One application of one rule, in the order the pass ran them. */
export interface TraceStep {
  readonly step: number;
  readonly node: TracedNode;
  /** The gradient that reached the node: ∂root/∂node. */
  readonly upstream: Traced;
  readonly inputs: readonly TracedInput[];
}

/** A whole backward pass: JSON-serialisable (NaN and ±Infinity become null in plain JSON; toHtml keeps them). */
export interface BackwardTrace {
  readonly kind: 'value' | 'tensor';
  readonly root: TracedNode;
  /** The seed the pass started from (1 for a scalar output). */
  readonly seed: Traced;
  readonly steps: readonly TraceStep[];
}

/** Options of `traceBackward`: `traceBackward(loss, { arrays: true, accumulate: false })`. */
export interface TraceOptions {
  /** Keep every element of tensor gradients (`data` arrays), not only their summaries. Default false. */
  readonly arrays?: boolean;
  /** Compute each edge's local derivative (one more rule run per step). Default true. */
  readonly local?: boolean;
  /** The gradient to start from, for a tensor root of more than one element (as `backward(gradient)`). */
  readonly gradient?: Tensor;
  /**
   * Store the gradients in `.grad` as `backward()` does (default true). With false the pass only
   * records: no `.grad` changes (as `grad()`), so a graph already backpropagated can be traced again.
   */
  readonly accumulate?: boolean;
}

function tracedNode(n: Node): TracedNode {
  return { id: n.id, op: n.gradFn, label: n.label };
}

/** A number stays a number; an array becomes its summary (and its elements, when asked). */
function traced(g: Raw, arrays: boolean): Traced {
  if (typeof g === 'number') return g;
  const s: TracedArray = summarize(g);
  return arrays || g.size === 1
    ? { ...s, shape: [...s.shape], data: Array.from(g.data) }
    : { ...s, shape: [...s.shape] };
}

const TRACE_OPTIONS: OptionNames<TraceOptions> = {
  arrays: true,
  local: true,
  gradient: true,
  accumulate: true,
};

/**
 * Runs a backward pass from `root`, exactly as `root.backward()` does (gradients land in `.grad`),
 * and returns what every rule application did, in order: the node whose rule ran, the upstream
 * gradient, and for each input the local derivative, the contribution sent and the input's gradient
 * so far. The last `accumulated` of every node is its gradient from this pass (a leaf's `.grad`
 * adds it to what the leaf held before). Tensors are recorded as summaries (shape,
 * min/max/mean/std/norm, NaN/Inf counts), so a trace of a long chain stays small; `{ arrays: true }`
 * keeps every element too.
 *
 * @example
 * const x = new Value(3, { label: 'x' });
 * const trace = traceBackward(x.mul(x));
 * trace.steps[0]!.inputs.map((i) => i.contribution);   // [3, 3]: x.grad = 6
 */
export function traceBackward(root: Value | Tensor, options: TraceOptions = {}): BackwardTrace {
  if (!(root instanceof Value) && !(root instanceof Tensor)) {
    throw new TypeError(`traceBackward: root must be a Value or a Tensor (got ${describe(root)})`);
  }
  checkOptions('traceBackward', options, TRACE_OPTIONS);
  const arrays = options.arrays ?? false;
  const wantLocal = options.local ?? true;
  const seed =
    root instanceof Value
      ? root.constant(1)
      : root.seed(options.gradient, {
          op: 'traceBackward',
          gradient: 'options.gradient',
          output: '',
          pass: 'traceBackward(root, { gradient })',
        });
  const steps: TraceStep[] = [];
  const observe = ({ node, upstream, contributions }: RuleStep): void => {
    const locals = wantLocal ? localDerivatives(node) : null;
    const inputs: TracedInput[] = new Array(contributions.length);
    for (let i = 0; i < contributions.length; i++) {
      const p = node.parent(i);
      const c = contributions[i];
      const local = locals?.[i];
      inputs[i] = {
        id: p.id,
        op: p.gradFn,
        label: p.label,
        index: i,
        local: local != null && c != null ? traced(local, arrays) : null,
        contribution: c == null ? null : traced(rawOf(c), arrays),
        accumulated: p.gradData === null ? null : traced(rawOf(p.gradData), arrays),
      };
    }
    steps.push({
      step: steps.length,
      node: tracedNode(node),
      upstream: traced(rawOf(upstream), arrays),
      inputs,
    });
  };
  if (options.accumulate ?? true) backwardFrom(root, seed, { retainGraph: true }, observe);
  else gradOf([root], [], [seed], {}, observe);
  return {
    kind: root instanceof Value ? 'value' : 'tensor',
    root: tracedNode(root),
    seed: traced(seed.raw, arrays),
    steps,
  };
}

function describe(v: unknown): string {
  return v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
}
