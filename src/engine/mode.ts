/**
 * @file Whether ops record the graph: on by default, off inside `noGrad`; everything while an exporter
 * traces, which also watches for data read out of what its inputs computed.
 */

import type { Node } from './node.js';

let enabled = true;

/** True when new ops record their inputs so that `backward()` can reach them. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with recording set to `on`, restoring the previous mode even if `fn` throws. */
export function withGradMode<R>(on: boolean, fn: () => R): R {
  const before = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

/**
 * Runs `fn` without recording: results have no parents and need no gradient, as in
 * PyTorch's `torch.no_grad()`. Use it for parameter updates and evaluation.
 *
 * @example
 * const y = noGrad(() => x.mul(2));   // y.requiresGrad === false
 */
export function noGrad<R>(fn: () => R): R {
  if (typeof fn !== 'function') {
    throw new TypeError(`noGrad: expected a function to run without recording (got ${typeof fn})`);
  }
  // NOTE: recording is off only until fn returns; the code after an `await` runs later, recorded.
  // As TF.js's tidy, refuse what would run partly outside: async functions and returned promises.
  if (fn.constructor?.name === 'AsyncFunction') throw asyncError();
  const result = withGradMode(false, fn);
  if (typeof (result as { then?: unknown } | null)?.then === 'function') throw asyncError();
  return result;
}

function asyncError(): TypeError {
  return new TypeError(
    'noGrad: the function is async (or returned a promise): ops after its first await would run after noGrad ' +
      'ended, and be recorded; await first, then call noGrad(() => …) on synchronous code',
  );
}

let tracing = false;

/** True while an exporter traces a forward pass (see `withTracing`). */
export function isTracing(): boolean {
  return tracing;
}

/** What a trace watches: its inputs, and what to do when the forward hands out data made from them. */
export interface ReadWatch {
  /** The traced inputs: they, and every node an op made from one of them, depend on the inputs. */
  readonly inputs: readonly Node[];
  /** Called with the node and the method (`item()`) when a forward hands that node's numbers to JavaScript. */
  readonly onRead: (node: Node, method: string) => void;
}

/** The watch of the trace in progress, with what its walks have learnt: nodes known to depend on the inputs or not. */
let watching: {
  readonly watch: ReadWatch;
  readonly dependent: Set<Node>;
  readonly independent: Set<Node>;
} | null = null;

/**
 * Runs `fn` with every op recorded, including those with no gradient (comparisons, argmax) and
 * `detach`, which then records a `stopGradient` of its input: an exporter sees the whole computation
 * as ops, not as constants computed from the example inputs. Ops without a rule record with
 * `requiresGrad` false, so no backward pass enters them: a gradient taken while tracing stops at a
 * detach as it does outside a trace (`x · x.detach()` gives x, not 2x).
 * With `watch`, a method that hands out the numbers of a node depending on `watch.inputs` (see
 * `noteRead`) calls `watch.onRead` first: such a number is where a trace stops following the inputs.
 */
export function withTracing<R>(fn: () => R, watch: ReadWatch | null = null): R {
  const before = tracing;
  const watchedBefore = watching;
  tracing = true;
  watching = watch && { watch, dependent: new Set(watch.inputs), independent: new Set() };
  try {
    return withGradMode(true, fn);
  } finally {
    tracing = before;
    watching = watchedBefore;
  }
}

/**
 * Tells the trace in progress that `method` hands the numbers of `node` to JavaScript (`item()`,
 * `toArray()`, an index read by a kernel). Outside a watched trace it does nothing; inside one it calls
 * the watch's `onRead` when `node` depends on the traced inputs, since what JavaScript does with those
 * numbers (a branch, a constant) is no op the trace records.
 */
export function noteRead(node: Node, method: string): void {
  if (watching !== null && dependsOnInputs(node, watching)) watching.watch.onRead(node, method);
}

/**
 * Whether `node` is a traced input or an op made it from one: a walk up its inputs (a stack, never
 * recursion), stopping at nodes whose answer an earlier walk found. Only reads walk, never ops.
 */
function dependsOnInputs(
  node: Node,
  w: { readonly dependent: Set<Node>; readonly independent: Set<Node> },
): boolean {
  const seen = new Set<Node>([node]);
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (w.dependent.has(n)) {
      w.dependent.add(node);
      return true;
    }
    if (w.independent.has(n)) continue;
    for (let i = 0; i < n.arity; i++) {
      const p = n.parent(i);
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  for (const n of seen) w.independent.add(n);
  return false;
}
