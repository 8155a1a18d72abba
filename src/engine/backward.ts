/** @file The reverse walk: seeds the outputs, runs each op's rule, accumulates into its inputs. */

import { AutogradError, fmt, ShapeError } from '../errors.js';
import { isBroadcastableTo } from '../kernels/broadcast.js';
import { sameShape } from '../kernels/ndarray.js';
import { type AnyRuleContext, type Backend, inputRules } from '../ops/op.js';
import { anomalyMode, checkingAnomalies } from './anomaly.js';
import { graph } from './graph-backend.js';
import { withGradMode } from './mode.js';
import { endAside, lastWrite, Node, type Raw, REQUIRED, setAside, shapeOf } from './node.js';
import { topoSort } from './topo.js';

export type Grad = Raw | Node;

/** What a pass reports at each rule application, after the engine has accumulated its results. */
export interface RuleStep {
  /** The node whose rule ran. */
  readonly node: Node;
  /** The gradient that reached it (after its hooks). */
  readonly upstream: Grad;
  /**
   * What each input received from this rule, fitted to the input's shape (null: nothing). Each
   * input's running sum is `node.parent(i).gradData`. Reused between steps: copy what you keep.
   */
  readonly contributions: readonly (Grad | null)[];
}

/** Watches every rule application of a pass (a trace, an anomaly check); read once per pass. */
export type RuleObserver = (step: RuleStep) => void;

/**
 * A rule's gradient for input `i`, in that input's shape and dtype: broadcast axes are summed back
 * here, in one place for every op (and a float32 input gets a float32 gradient, as in PyTorch); any
 * other mismatch is a broken rule.
 */
function fitToInput(B: Backend<Grad>, node: Node, i: number, g: Grad, createGraph: boolean): Grad {
  if (typeof g === 'number') {
    // a Value's gradient: one float64 number, nothing to fit; from a user's rule, maybe a tensor's by mistake
    if (node.op!.userRule === true) checkNumberGradient(node, i, g);
    return g;
  }
  const input = node.parent(i);
  const want = shapeOf(input);
  const got = shapeOf(g);
  let fitted: Grad = g;
  if (!sameShape(got, want)) {
    if (!isBroadcastableTo(want, got)) {
      throw new AutogradError(
        node.op!.name,
        `gradient for input ${i} has shape ${fmt(got)}, but the input has shape ${fmt(want)}`,
      );
    }
    fitted = B.sumTo(g, want);
  }
  const dtype = B.dtype(createGraph ? input : input.raw);
  return B.dtype(fitted) === dtype ? fitted : B.cast(fitted, dtype);
}

/** Refuses a plain number a user's rule gave as a tensor input's gradient (it would be stored as one number). */
function checkNumberGradient(node: Node, i: number, g: number): void {
  const input = node.parent(i);
  if (typeof input.raw === 'number') return;
  throw new AutogradError(
    node.op!.name,
    `gradient for input ${i} is the number ${g}, but the input is a tensor of shape ${fmt(input.shape)}; ` +
      'return a tensor of its shape from the rule (e.g. B.mul(g, 2), not 2)',
  );
}

/** Runs the hooks registered on `node` on its gradient; a hook may return a replacement of its shape. */
function runHooks(node: Node, g: Grad): Grad {
  let current = g instanceof Node ? g : node.constant(g);
  for (const hook of node.hooks!) {
    const next = hook(current) ?? current;
    if (
      !(next instanceof Node) ||
      next.constructor !== node.constructor ||
      !sameShape(next.shape, node.shape)
    ) {
      const got =
        next instanceof Node ? `a ${next.constructor.name} of shape ${fmt(next.shape)}` : typeof next;
      throw new ShapeError(
        'registerHook',
        `a hook returned ${got} for a ${node.constructor.name} of shape ${fmt(node.shape)}`,
        'return nothing, or a gradient of the same kind and shape',
      );
    }
    current = next;
  }
  return g instanceof Node ? current : current.raw;
}

/** True while a walk runs: walks do not nest (a hook that starts another is refused). */
let walking = false;

/**
 * Reverse-mode accumulation from `roots` seeded with `seeds`. Hands `use` the nodes in topological
 * order, each holding this walk's gradient in `gradData` (null: not reached), and `own`, the
 * gradients they held before, by position (null when none held one: a fresh graph). `use` leaves in
 * each node what it keeps (`restoreGradients` puts back what they held); when the walk or `use`
 * fails, every node gets back what it held. With `createGraph`, gradients are nodes built by
 * recorded ops, so they can be differentiated again. Walks do not nest: a hook that starts another
 * would corrupt this one's sums.
 *
 * The sums are kept in the nodes' `gradData` while the walk runs (a field less per node than a
 * field of their own), and each node's gradient from before is set aside (see `setAside`), where
 * `.grad` still finds it: hooks see every node as it was.
 */
export function walk<R>(
  roots: readonly Node[],
  seeds: readonly Grad[],
  createGraph: boolean,
  use: (order: readonly Node[], own: readonly (Grad | null)[] | null) => R,
  observer: RuleObserver | null = null,
): R {
  if (walking) {
    throw new TypeError(
      'backward: cannot start a backward pass inside another one (a hook called backward() or grad()); ' +
        'record what the hook needs and compute it after the pass',
    );
  }
  walking = true;
  let order: Node[] = [];
  let own: (Grad | null)[] | null = null;
  let used = false;
  try {
    order = topoSort(roots);
    setAside(order, takeGradients(order));
    roots.forEach((root, i) => {
      const seed = seeds[i]!;
      root.gradData =
        root.gradData === null
          ? seed
          : (createGraph ? graph : root.rawBackend).add(root.gradData as never, seed as never);
    });
    const watch = anomalyMode ? checkingAnomalies(observer) : observer; // the mode is read once per pass
    withGradMode(createGraph, () => runRules(order, createGraph, watch));
    own = endAside();
    const result = use(order, own);
    used = true;
    return result;
  } finally {
    if (!used) restoreGradients(order, own ?? endAside());
    releaseScratch();
    walking = false;
  }
}

/**
 * The reverse pass proper: each reached node's rule, children before parents. A function of its own
 * rather than the loop of a closure made per pass: in the closure the same loop ran 25% slower on W1
 * (measured; most likely V8 entering a fresh closure's loop by on-stack replacement every pass).
 */
function runRules(order: readonly Node[], createGraph: boolean, watch: RuleObserver | null): void {
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    if (node.gradData === null || !node.requiresGrad) continue;
    if (node.hooks) node.gradData = runHooks(node, node.gradData);
    if (node.op === null) continue;
    if (node.id < lastWrite) checkSaved(node); // one compare: only nodes older than a write
    propagate(node, createGraph, watch);
  }
}

/**
 * Empties the nodes' gradient fields for a walk's sums, and returns what they held by position, or
 * null when none held anything (a graph recorded since the last pass): no array for most passes.
 */
function takeGradients(order: readonly Node[]): (Grad | null)[] | null {
  let own: (Grad | null)[] | null = null;
  for (let k = 0; k < order.length; k++) {
    const n = order[k]!;
    if (n.gradData === null) continue;
    own ??= new Array<Grad | null>(order.length).fill(null);
    own[k] = n.gradData;
    n.gradData = null;
  }
  return own;
}

/** Gives each node of a walk the gradient it held before the walk (see `walk`). */
export function restoreGradients(order: readonly Node[], own: readonly (Grad | null)[] | null): void {
  for (let k = 0; k < order.length; k++) order[k]!.gradData = own === null ? null : own[k]!;
}

/** How an input is named in messages: its label, else its position and shape. */
function inputName(node: Node, i: number): string {
  const x = i < 0 ? node : node.parent(i);
  const what = i < 0 ? 'its output' : `input ${i}`;
  const shape = x.shape.length === 0 ? '' : ` ${fmt(x.shape)}`;
  return x.label ? `${what} '${x.label}'${shape}` : `${what}${shape}`;
}

/**
 * The version check (PyTorch's "modified by an inplace operation"): the rule of `node` reads its
 * inputs and output as they were recorded, so none may have been written since `node` was made,
 * nor released by an earlier pass. Runs only for nodes older than the latest write anywhere.
 */
function checkSaved(node: Node): void {
  const op = node.gradFn!;
  for (let i = -1; i < node.arity; i++) {
    const x = i < 0 ? node : node.parent(i);
    if (!(x.writtenAt > node.id)) continue;
    if (x.isReleased) {
      throw new AutogradError(
        op,
        `trying to backward through the graph a second time: ${inputName(node, i)} was released by an ` +
          'earlier backward() (saved arrays are freed after a pass); pass { retainGraph: true } to the ' +
          'first backward() to backpropagate through this graph again, or record a new forward pass',
      );
    }
    if (x.writtenBy === REQUIRED) {
      throw new AutogradError(
        op,
        `${inputName(node, i)} started requiring a gradient (requiresGrad = true) after the graph was ` +
          'recorded, so the graph did not record what its gradient needs; set requiresGrad before the ' +
          'forward pass, or record the forward pass again',
      );
    }
    const version = x.version > 0 ? ` (its version is now ${x.version})` : '';
    throw new AutogradError(
      op,
      `${inputName(node, i)} was modified by ${x.writtenBy} after the graph was recorded; ` +
        `record a new forward pass after changing it${version}`,
    );
  }
}

/** A reused rule context: its arrays and fields keep one representation (doubles for Values). */
interface Scratch {
  ins: Grad[];
  out: Grad;
  attrs: unknown;
  need: boolean[];
}

/**
 * Reused on first-order passes (rules read them and return before the next node): one per arity and
 * kind. Values get their own, holding only doubles, so that V8 stores the numbers unboxed: sharing
 * one with tensors cost a heap number per input per step.
 */
const scratch = {
  number: [[0.5], [0.5, 0.5], [0.5, 0.5, 0.5]].map(
    (ins): Scratch => ({ ins, out: 0.5, attrs: undefined, need: ins.map(() => false) }),
  ),
  array: [1, 2, 3].map(
    (n): Scratch => ({
      ins: new Array<Grad>(n).fill(0),
      out: 0,
      attrs: undefined,
      need: new Array(n).fill(false),
    }),
  ),
};

/** Drops what the reused contexts hold, so that they keep no array alive after a walk. */
function releaseScratch(): void {
  for (const ctx of scratch.array) {
    ctx.ins.fill(0);
    ctx.out = 0;
    ctx.attrs = undefined;
  }
}

/** The rule's view of `node`: its nodes with `createGraph`, their raw data otherwise. */
function contextOf(node: Node, n: number, createGraph: boolean): AnyRuleContext<Grad> {
  if (createGraph || n > 3) {
    const parents = node.parents;
    const ins = createGraph ? parents : parents.map((p) => p.raw);
    return {
      ins,
      out: createGraph ? node : node.raw,
      attrs: node.attrs,
      need: parents.map((p) => p.requiresGrad),
    };
  }
  const ctx = (typeof node.raw === 'number' ? scratch.number : scratch.array)[n - 1]!;
  for (let i = 0; i < n; i++) {
    const p = node.parent(i);
    ctx.ins[i] = p.raw;
    ctx.need[i] = p.requiresGrad;
  }
  ctx.out = node.raw;
  ctx.attrs = node.attrs;
  return ctx;
}

/** The step handed to an observer, reused (an observer copies what it keeps). */
const step: { node: Node; upstream: Grad; contributions: (Grad | null)[] } = {
  node: null as unknown as Node,
  upstream: 0,
  contributions: [],
};

/**
 * Applies the rule of `node.op` and adds each input's gradient into that input's running sum (its
 * `gradData` while the walk runs); then tells `observer`, if any, what the rule sent (the only place
 * a rule runs, so a trace sees every step).
 */
function propagate(node: Node, createGraph: boolean, observer: RuleObserver | null): void {
  const op = node.op!;
  const n = node.arity;
  const B = (createGraph ? graph : node.rawBackend) as Backend<Grad>;
  const ctx = contextOf(node, n, createGraph);
  const each = inputRules(op);
  if (each?.length === n && observer === null && typeof node.raw === 'number' && !createGraph) {
    // A Value's first-order step: each input's gradient on its own, no list of them per node. The same
    // numbers as below (a number needs no fitting, and numberBackend.add is +).
    const g = node.gradData as number;
    for (let i = 0; i < n; i++) {
      const p = i === 0 ? node.p0! : i === 1 ? node.p1! : node.parent(i);
      const rule = each[i];
      if (rule == null || !p.requiresGrad) continue;
      const gi = rule(B as Backend<number>, g, ctx as AnyRuleContext<number>);
      p.gradData = p.gradData === null ? gi : (p.gradData as number) + gi;
    }
    return;
  }
  const grads = op.backward!(B, node.gradData!, ctx);
  if (grads.length !== n) {
    throw new AutogradError(op.name, `rule returned ${grads.length} gradients for ${n} inputs`);
  }
  for (let i = 0; i < n; i++) {
    const p = node.parent(i);
    const gi = grads[i];
    if (gi == null || !p.requiresGrad) continue;
    const fitted = fitToInput(B, node, i, gi, createGraph);
    p.gradData = p.gradData === null ? fitted : B.add(p.gradData, fitted);
    if (observer) step.contributions[i] = fitted;
  }
  if (observer) notify(observer, node, grads);
}

/** Hands the step of `node` to `observer`: inputs that received nothing get null. */
function notify(observer: RuleObserver, node: Node, grads: readonly (Grad | null)[]): void {
  const c = step.contributions;
  c.length = grads.length;
  for (let i = 0; i < grads.length; i++) {
    if (grads[i] == null || !node.parent(i).requiresGrad) c[i] = null;
  }
  step.node = node;
  step.upstream = node.gradData!;
  observer(step);
  step.node = null as unknown as Node;
  step.upstream = 0;
  c.fill(null);
}
