/** @file The two ways to ask for gradients: `backward()` into `.grad`, and the functional `grad()`. */

import { type Grad, type RuleObserver, walk } from './backward.js';
import { graph } from './graph-backend.js';
import { withGradMode } from './mode.js';
import { Node, type Raw } from './node.js';

/** Options of `backward()`: `loss.backward({ createGraph: true })` records the gradients as graphs. */
export interface BackwardOptions {
  /** Record the backward pass, so the gradients are graphs and can be differentiated again. */
  readonly createGraph?: boolean;
  /**
   * Accepted for PyTorch compatibility.
   * NOTE: chainrule never frees a graph after backward (drawings show its values and gradients), so
   * a second `backward()` through the same graph always works, as if `retainGraph` were true.
   */
  readonly retainGraph?: boolean;
}

/** How the engine's `gradOf` runs (the public `grad()` adds `gradOutputs`). */
export interface GradOptions {
  /** Record the pass so the returned gradients can be differentiated again. */
  readonly createGraph?: boolean;
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  readonly allowUnused?: boolean;
}

function requireGrad(op: string, n: Node, what: string): void {
  if (!n.requiresGrad) {
    throw new TypeError(
      `${op}: ${what} does not require a gradient (it is a constant, or was made under noGrad); ` +
        'create it with requiresGrad: true, or differentiate something that depends on such a node',
    );
  }
}

/** The seed in the form the walk uses: a node with `createGraph`, raw data otherwise. */
function seedFor(seed: Node, createGraph: boolean): Grad {
  return createGraph ? seed : seed.raw;
}

/**
 * Backpropagates from `root` (seeded with `seed`, a node of root's shape) and stores every reached
 * node's gradient: leaves add it to what they had (as in PyTorch), other nodes keep this pass's.
 */
export function backwardFrom(
  root: Node,
  seed: Node,
  options: BackwardOptions = {},
  observer: RuleObserver | null = null,
): void {
  requireGrad('backward', root, 'the output');
  const createGraph = options.createGraph ?? false;
  walk(
    [root],
    [seedFor(seed, createGraph)],
    createGraph,
    (order) => {
      for (const n of order) if (n.acc !== null) store(n, n.acc, createGraph);
    },
    observer,
  );
}

function store(n: Node, g: Grad, createGraph: boolean): void {
  const previous = n.isLeaf ? n.gradData : null;
  if (previous === null) {
    n.gradData = g;
  } else if (createGraph) {
    const before = previous instanceof Node ? previous : n.constant(previous);
    n.gradData = withGradMode(true, () => graph.add(before, g as Node));
  } else {
    n.gradData = n.rawBackend.add(n.gradRaw!, g as Raw);
  }
}

/**
 * Gradients of `outputs` with respect to `inputs`, returned as nodes, without touching any `.grad`
 * (PyTorch's `torch.autograd.grad`). With `createGraph` they can be differentiated again.
 *
 * @example
 * const x = new Value(2);
 * const [dy] = grad([x.pow(3)], [x], { createGraph: true });  // 3x² = 12
 * const [d2y] = grad([dy!], [x]);                               // 6x = 12
 */
export function gradOf(
  outputs: readonly Node[],
  inputs: readonly Node[],
  seeds: readonly Node[],
  options: GradOptions = {},
  observer: RuleObserver | null = null,
): (Node | null)[] {
  for (const [i, o] of outputs.entries()) requireGrad('grad', o, `output ${i}`);
  for (const [i, x] of inputs.entries()) requireGrad('grad', x, `input ${i}`);
  const createGraph = options.createGraph ?? false;
  const seedsForWalk = seeds.map((s) => seedFor(s, createGraph));
  return walk(
    outputs,
    seedsForWalk,
    createGraph,
    () =>
      inputs.map((x, i) => {
        const g = x.acc;
        if (g === null && !options.allowUnused) {
          throw new TypeError(
            `grad: input ${i} was not used to compute the outputs; pass { allowUnused: true } to get null for it`,
          );
        }
        return g === null ? null : g instanceof Node ? g : x.constant(g);
      }),
    observer,
  );
}
