/** @file Losses, composed from primitives: binary cross-entropy, mean squared error, cross-entropy. */

import { graph as B } from '../engine/graph-backend.js';
import { type Node, nodesMade } from '../engine/node.js';
import { checkFinite, fmt, ShapeError } from '../errors.js';
import { sameShape } from '../kernels/ndarray.js';
import { logSoftmax, mean } from '../ops/composites.js';
import { Value } from '../scalar/value.js';
import { fromTypedArray } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

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

/** The mean over every element of a Tensor; a Value is returned as it is. */
function meanAll(x: Node): Node {
  return x instanceof Tensor ? mean(B, x, undefined, false) : x;
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
 * gradient at p = 0 is 0 rather than 0·∞ = NaN.
 */
function clampedLog(p: Node): Node {
  return B.log(B.maximum(p, TINY));
}

/**
 * E(y, ŷ) = −y·log ŷ − (1 − y)·log(1 − ŷ), averaged over elements for tensors (PyTorch's
 * `binary_cross_entropy`). `pred` holds probabilities, e.g. the output of `sigmoid()`.
 *
 * @example
 * binaryCrossEntropy(new Value(0.8), 1).data;   // −log 0.8 ≈ 0.2231
 */
export function binaryCrossEntropy<N extends Value | Tensor>(pred: N, target: N | number): N {
  checkPair('binaryCrossEntropy', pred, target);
  checkProbabilities(pred);
  const from = nodesMade();
  const y = target as Node | number;
  const oneMinusY = typeof y === 'number' ? 1 - y : B.sub(1, y);
  const e = B.neg(B.add(B.mul(y, clampedLog(pred)), B.mul(oneMinusY, clampedLog(B.sub(1, pred)))));
  return meanAll(e).madeBy('binaryCrossEntropy', from) as N;
}

/**
 * (ŷ − y)², averaged over elements for tensors (PyTorch's `mse_loss`).
 *
 * @example
 * mseLoss(tensor([1, 2]), tensor([1, 4])).item();   // 2
 */
export function mseLoss<N extends Value | Tensor>(pred: N, target: N | number): N {
  checkPair('mseLoss', pred, target);
  const from = nodesMade();
  const d = B.sub(pred, target as Node | number);
  return meanAll(B.mul(d, d)).madeBy('mseLoss', from) as N;
}

/**
 * Softmax cross-entropy of `logits` [batch, classes] against `targets`: class indices [batch] (as
 * PyTorch's `cross_entropy`), or one-hot / probability rows [batch, classes]. Averaged over the batch:
 * −Σ targets · logSoftmax(logits), stable for large logits.
 *
 * @example
 * crossEntropy(tensor([[2, 0]]), tensor([0])).item();        // log(1 + e⁻²) ≈ 0.1269
 * crossEntropy(tensor([[2, 0]]), tensor([[1, 0]])).item();   // the same
 */
export function crossEntropy(logits: Tensor, targets: Tensor): Tensor {
  if (!(logits instanceof Tensor) || !(targets instanceof Tensor)) {
    throw new TypeError('crossEntropy: logits and targets must be Tensors; wrap arrays with tensor()');
  }
  if (logits.ndim !== 2) {
    throw new ShapeError(
      'crossEntropy',
      `logits must be [batch, classes], got shape ${fmt(logits.shape)}`,
      'reshape the logits to 2-D',
    );
  }
  const from = nodesMade();
  const rows = targets.ndim === 1 ? oneHot(targets, logits) : targets;
  checkPair('crossEntropy', logits, rows);
  const perRow = B.neg(B.sumTo(B.mul(rows, logSoftmax(B, logits, 1)), [logits.shape[0]!, 1]));
  return mean(B, perRow, undefined, false).madeBy('crossEntropy', from) as Tensor;
}

/** One-hot rows [batch, classes] from class indices [batch]. */
function oneHot(indices: Tensor, logits: Tensor): Tensor {
  const [batch, classes] = logits.shape;
  if (indices.shape[0] !== batch) {
    throw new ShapeError(
      'crossEntropy',
      `${indices.shape[0]} class indices for a batch of ${batch} (logits ${fmt([batch!, classes!])})`,
      'pass one class index per row',
    );
  }
  const rows =
    logits.dtype === 'float32' ? new Float32Array(batch! * classes!) : new Float64Array(batch! * classes!);
  indices.array.data.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 0 || k >= classes!) {
      throw new RangeError(
        `crossEntropy: target ${i} is ${k}, not a class index in 0..${classes! - 1}; pass integer class indices`,
      );
    }
    rows[i * classes! + k] = 1;
  });
  return fromTypedArray(rows, [batch!, classes!]);
}
