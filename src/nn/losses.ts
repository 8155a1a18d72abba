/**
 * @file Losses, composed from primitives: binary cross-entropy (on probabilities and on logits),
 * mean squared, L1 and Huber errors, cross-entropy and negative log-likelihood over classes.
 */

import { graph as B } from '../engine/graph-backend.js';
import { noteRead } from '../engine/mode.js';
import { type Node, nodesMade } from '../engine/node.js';
import { checkFinite, checkOptions, fmt, type OptionNames, ShapeError } from '../errors.js';
import { alloc, type DType, NDArray, sameShape } from '../kernels/ndarray.js';
import { logSoftmax, mean, sum } from '../ops/composites.js';
import { type ArrayKernel, activeRecorder, runArray } from '../ops/tape.js';
import { Value } from '../scalar/value.js';
import { Tensor } from '../tensor/tensor.js';

/** How a loss combines its per-element values, as PyTorch's `reduction`. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss takes: `mseLoss(p, y, { reduction: 'sum' })`. */
export interface LossOptions {
  /** 'mean' (default): the average; 'sum': the total; 'none': one loss per element (per row for class losses). */
  readonly reduction?: Reduction;
}

/** Options of `huberLoss`: `huberLoss(p, y, { delta: 0.5 })`. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from squared to linear (default 1). */
  readonly delta?: number;
}

function checkPair(op: string, pred: unknown, target: unknown): void {
  const kind = pred instanceof Value ? 'Value' : pred instanceof Tensor ? 'Tensor' : null;
  if (kind === null) throw new TypeError(`${op}: prediction must be a Value or a Tensor`);
  if (typeof target === 'number') {
    checkFinite(op, target, 'target');
    return;
  }
  if (kind === 'Value' ? !(target instanceof Value) : !(target instanceof Tensor)) {
    throw new TypeError(`${op}: target must be a number or a ${kind} like the prediction`);
  }
  const [ps, ts] = [(pred as Node).shape, (target as Node).shape];
  if (!sameShape(ps, ts)) {
    throw new ShapeError(
      op,
      `prediction has shape ${fmt(ps)}, target has ${fmt(ts)}`,
      "pass a target of the prediction's shape",
    );
  }
}

/** The options every loss takes, and huberLoss's. */
const LOSS_OPTIONS: OptionNames<LossOptions> = { reduction: true };
const HUBER_OPTIONS: OptionNames<HuberOptions> = { reduction: true, delta: true };
/** PyTorch's older names for `reduction` (`reduce=False`, `size_average`), named in the error. */
const LOSS_RENAMED = { reduce: 'reduction', size_average: 'reduction' };

/** The reduction asked for, after refusing options `op` does not take (`known`: its option names). */
function reductionOf(
  op: string,
  options: LossOptions | undefined,
  known: Readonly<Record<string, true>> = LOSS_OPTIONS,
): Reduction {
  checkOptions(op, options, known, LOSS_RENAMED);
  const r = options?.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new TypeError(`${op}: reduction must be 'mean', 'sum' or 'none' (got ${JSON.stringify(r)})`);
  }
  return r;
}

/** The per-element losses `e` reduced as asked; a Value is one element, returned as it is. */
function reduce(e: Node, reduction: Reduction): Node {
  if (!(e instanceof Tensor) || reduction === 'none') return e;
  return reduction === 'mean' ? mean(B, e, undefined, false) : sum(B, e, undefined, false);
}

/** PyTorch's check: binary cross-entropy takes probabilities; logits give a meaningless (negative) loss. */
function checkProbabilities(pred: Node): void {
  const data = typeof pred.raw === 'number' ? [pred.raw] : pred.raw.data;
  for (let i = 0; i < data.length; i++) {
    const p = data[i]!;
    if (!(p >= 0 && p <= 1)) {
      const where = typeof pred.raw === 'number' ? '' : ` at flat index ${i}`;
      throw new RangeError(
        `binaryCrossEntropy: all elements of input should be between 0 and 1 (got ${p}${where}); ` +
          'pass probabilities (e.g. sigmoid() of the logits), or use binaryCrossEntropyWithLogits on logits',
      );
    }
  }
}

const TINY = Math.exp(-100);

/**
 * log p, at least −100 (PyTorch clamps the logs of binary cross-entropy there, so a saturated
 * sigmoid gives a finite loss). NOTE: clamped inside the log, log(max(p, e⁻¹⁰⁰)), so that the
 * gradient at p = 0 is 0 rather than 0·∞ = NaN; for a float32 p, clamped in float64 and rounded
 * back after the log: e⁻¹⁰⁰ is subnormal in float32, where its log is −99.98 and 1/e⁻¹⁰⁰ overflows
 * to ∞ (a saturated float32 sigmoid then gave a NaN gradient, ∞·0).
 */
function clampedLog(p: Node): Node {
  if (B.dtype(p) === 'float64') return B.log(B.maximum(p, TINY));
  return B.cast(B.log(B.maximum(B.cast(p, 'float64'), TINY)), 'float32');
}

/**
 * E(y, ŷ) = −y·log ŷ − (1 − y)·log(1 − ŷ), averaged over elements for tensors (PyTorch's
 * `binary_cross_entropy`). `pred` holds probabilities, e.g. the output of `sigmoid()`; from logits,
 * `binaryCrossEntropyWithLogits` is the stable choice.
 *
 * @example
 * binaryCrossEntropy(new Value(0.8), 1).data;   // −log 0.8 ≈ 0.2231
 */
export function binaryCrossEntropy<N extends Value | Tensor>(
  pred: N,
  target: N | number,
  options?: LossOptions,
): N {
  checkPair('binaryCrossEntropy', pred, target);
  checkProbabilities(pred);
  const reduction = reductionOf('binaryCrossEntropy', options);
  const from = nodesMade();
  const y = target as Node | number;
  const oneMinusY = typeof y === 'number' ? 1 - y : B.sub(1, y);
  const e = B.neg(B.add(B.mul(y, clampedLog(pred)), B.mul(oneMinusY, clampedLog(B.sub(1, pred)))));
  return reduce(e, reduction).madeBy('binaryCrossEntropy', from) as N;
}

/**
 * Binary cross-entropy of σ(x) against y, computed from the logits x without forming σ(x):
 * softplus(x) − x·y = max(x, 0) − x·y + log(1 + e^(−|x|)), as PyTorch's
 * `binary_cross_entropy_with_logits`, so a logit of ±1000 gives a finite loss, and the gradient is
 * σ(x) − y everywhere (x = 0 included).
 *
 * @example
 * binaryCrossEntropyWithLogits(tensor([1000]), tensor([0])).item();   // 1000
 */
export function binaryCrossEntropyWithLogits<N extends Value | Tensor>(
  logits: N,
  target: N | number,
  options?: LossOptions,
): N {
  checkPair('binaryCrossEntropyWithLogits', logits, target);
  const reduction = reductionOf('binaryCrossEntropyWithLogits', options);
  const from = nodesMade();
  const x = logits as Node;
  // NOTE: softplus(x) − x·y, softplus being max(x, 0) + log(1 + e^(−|x|)) in one op: written out of
  // relu and abs, the gradient at x = 0 (where both have a kink) came out −y instead of σ(0) − y.
  const e = B.sub(B.softplus(x), B.mul(x, target as Node | number));
  return reduce(e, reduction).madeBy('binaryCrossEntropyWithLogits', from) as N;
}

/**
 * (ŷ − y)², averaged over elements for tensors (PyTorch's `mse_loss`).
 *
 * @example
 * mseLoss(tensor([1, 2]), tensor([1, 4])).item();   // 2
 */
export function mseLoss<N extends Value | Tensor>(pred: N, target: N | number, options?: LossOptions): N {
  checkPair('mseLoss', pred, target);
  const reduction = reductionOf('mseLoss', options);
  const from = nodesMade();
  const d = B.sub(pred, target as Node | number);
  return reduce(B.mul(d, d), reduction).madeBy('mseLoss', from) as N;
}

/**
 * |ŷ − y|, averaged over elements for tensors (PyTorch's `l1_loss`); the gradient at ŷ = y is 0.
 *
 * @example
 * l1Loss(tensor([1, 2]), tensor([1, 4])).item();   // 1
 */
export function l1Loss<N extends Value | Tensor>(pred: N, target: N | number, options?: LossOptions): N {
  checkPair('l1Loss', pred, target);
  const reduction = reductionOf('l1Loss', options);
  const from = nodesMade();
  return reduce(B.abs(B.sub(pred, target as Node | number)), reduction).madeBy('l1Loss', from) as N;
}

/**
 * Huber loss (PyTorch's `huber_loss`): ½d² where |d| < δ, δ(|d| − ½δ) beyond, with d = ŷ − y;
 * squared near the target, linear (robust to outliers) far from it.
 *
 * @example
 * huberLoss(tensor([0, 0]), tensor([0.5, 3])).item();   // (0.125 + 2.5) / 2
 */
export function huberLoss<N extends Value | Tensor>(pred: N, target: N | number, options?: HuberOptions): N {
  checkPair('huberLoss', pred, target);
  const reduction = reductionOf('huberLoss', options, HUBER_OPTIONS);
  const from = nodesMade();
  const delta = options?.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
    throw new RangeError(`huberLoss: delta must be a positive number (got ${String(delta)})`);
  }
  const d = B.sub(pred, target as Node | number);
  const a = B.abs(d);
  // NOTE: ½d² inside, δ(|d| − ½δ) outside, as torch's where: its second derivative at d = 0 is 1 (a form
  // through min(|d|, δ)² gave 0 there, |d|·sign d differentiated again).
  const e = B.where(B.lt(a, delta), B.mul(B.mul(d, d), 0.5), B.mul(B.sub(a, 0.5 * delta), delta));
  return reduce(e, reduction).madeBy('huberLoss', from) as N;
}

/**
 * Softmax cross-entropy of `logits` [batch, classes] against `targets`: class indices [batch] (as
 * PyTorch's `cross_entropy`), or one-hot / probability rows [batch, classes]. Per row
 * −Σ targets · logSoftmax(logits), stable for large logits; averaged over the batch by default.
 *
 * @example
 * crossEntropy(tensor([[2, 0]]), tensor([0])).item();        // log(1 + e⁻²) ≈ 0.1269
 * crossEntropy(tensor([[2, 0]]), tensor([[1, 0]])).item();   // the same
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options?: LossOptions): Tensor {
  checkClassInputs('crossEntropy', 'logits', logits, targets);
  const from = nodesMade();
  return classLoss('crossEntropy', logSoftmax(B, logits, 1) as Tensor, targets, options, from);
}

/**
 * Negative log-likelihood of class indices `targets` [batch] under log-probabilities `logProbs`
 * [batch, classes] (e.g. from `logSoftmax(1)`): −logProbs[i, targets[i]], averaged over the batch by
 * default, as PyTorch's `nll_loss`. `crossEntropy(x, t)` equals `nllLoss(x.logSoftmax(1), t)`.
 *
 * @example
 * nllLoss(tensor([[-0.1, -2.4]]), tensor([1])).item();   // 2.4
 */
export function nllLoss(logProbs: Tensor, targets: Tensor, options?: LossOptions): Tensor {
  checkClassInputs('nllLoss', 'log-probabilities', logProbs, targets);
  if (targets.ndim !== 1) {
    throw new ShapeError(
      'nllLoss',
      `targets must be class indices [batch], got shape ${fmt(targets.shape)}`,
      'pass one class index per row',
    );
  }
  return classLoss('nllLoss', logProbs, targets, options);
}

function checkClassInputs(
  op: string,
  what: string,
  scores: unknown,
  targets: unknown,
): asserts scores is Tensor {
  if (!(scores instanceof Tensor) || !(targets instanceof Tensor)) {
    throw new TypeError(`${op}: ${what} and targets must be Tensors; wrap arrays with tensor()`);
  }
  if (scores.ndim !== 2) {
    throw new ShapeError(
      op,
      `${what} must be [batch, classes], got shape ${fmt(scores.shape)}`,
      `reshape the ${what} to 2-D`,
    );
  }
}

/** −Σ rows · logProbs per row, reduced: the shared end of crossEntropy and nllLoss. */
function classLoss(
  op: string,
  logProbs: Tensor,
  targets: Tensor,
  options?: LossOptions,
  from = nodesMade(),
): Tensor {
  const reduction = reductionOf(op, options);
  const rows = targets.ndim === 1 ? oneHot(op, targets, logProbs) : targets;
  checkPair(op, logProbs, rows);
  // NOTE: class indices pick each row's log-probability (where), as torch gathers it: a product with
  // the one-hot row was 0·(−∞) = NaN where another class's logit was −∞ (a mask). Probability targets
  // multiply, as torch's do.
  const picked = targets.ndim === 1 ? B.where(rows, logProbs, 0) : B.mul(rows, logProbs);
  const perRow = B.neg(B.reshape(B.sumTo(picked, [logProbs.shape[0]!, 1]), [logProbs.shape[0]!]));
  return reduce(perRow, reduction).madeBy(op, from) as Tensor;
}

/** One-hot rows [batch, classes] from class indices [batch]. */
function oneHot(op: string, indices: Tensor, logits: Tensor): Tensor {
  const [batch, classes] = logits.shape;
  if (indices.shape[0] !== batch) {
    throw new ShapeError(
      op,
      `${indices.shape[0]} class indices for a batch of ${batch} (inputs ${fmt([batch!, classes!])})`,
      'pass one class index per row',
    );
  }
  activeRecorder()?.see([indices]); // read by a kernel directly, not through an op
  noteRead(indices, `${op} (its class indices)`);
  return new Tensor(runArray(ONE_HOT, [indices.array], { op, classes: classes!, dtype: logits.dtype }));
}

interface OneHotAttrs {
  readonly op: string;
  readonly classes: number;
  readonly dtype: DType;
}

/** The one-hot kernel: a kernel call, so that a compiled step makes the rows from each call's targets. */
const ONE_HOT: ArrayKernel = {
  name: 'oneHot',
  array: ([indices], { op, classes, dtype }: OneHotAttrs) => {
    const index = (indices as NDArray).data;
    const rows = alloc(dtype, index.length * classes, op);
    index.forEach((k, i) => {
      if (!Number.isInteger(k) || k < 0 || k >= classes) {
        throw new RangeError(
          `${op}: target ${i} is ${k}, not a class index in 0..${classes - 1}; pass integer class indices`,
        );
      }
      rows[i * classes + k] = 1;
    });
    return new NDArray(rows, [index.length, classes]);
  },
};
