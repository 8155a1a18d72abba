/**
 * @file The lesson's network in matrix form, ŷ = σ(W¹ · σ(W⁰ · [x1, x2, 1])), and the check that it
 * gives the scalar network's gradients: shared by the matrix demo and its test.
 */

import { binaryCrossEntropy, cat, ones, type Tensor, tensor } from '../../src/index.js';
import { forward, makeWeights } from './two-layer.js';

/** The data as tensors: X is [N, 3] (the third column, all 1, carries the bias), y is [N, 1]. */
export function asTensors(data: readonly (readonly [number, number, number])[]): { X: Tensor; y: Tensor } {
  return {
    X: tensor(
      data.map(([x1, x2]) => [x1, x2, 1]),
      { label: 'X' },
    ),
    y: tensor(
      data.map(([, , t]) => [t]),
      { label: 'y' },
    ),
  };
}

/** σ(W¹ · (σ(W⁰ · x), 1)) for every row x of X at once: [N, 3] → [N, 1]. */
export function predict(X: Tensor, W0: Tensor, W1: Tensor): Tensor {
  const hidden = X.matmul(W0).sigmoid(); // [N, 2]
  return cat([hidden, ones([X.shape[0]!, 1])], 1)
    .matmul(W1)
    .sigmoid();
}

/**
 * The mean loss's gradients for weights `w0` (3×2) and `w1` (3×1), from the matrix form and from the
 * scalar network of `Value`s, and the largest difference between the two over the nine weights.
 */
export function compareWithScalar(
  data: readonly (readonly [number, number, number])[],
  w0: number[][],
  w1: number[][],
): { matrix: { W0: number[][]; W1: number[][] }; maxDiff: number } {
  const { X, y } = asTensors(data);
  const [W0, W1] = [tensor(w0, { requiresGrad: true }), tensor(w1, { requiresGrad: true })];
  binaryCrossEntropy(predict(X, W0, W1), y).backward();
  const matrix = { W0: W0.grad!.toArray() as number[][], W1: W1.grad!.toArray() as number[][] };

  const scalar = makeWeights(w0, w1);
  data
    .map(([x1, x2, t]) => binaryCrossEntropy(forward(scalar, x1, x2).yHat, t))
    .reduce((acc, e) => acc.add(e))
    .div(data.length)
    .backward();
  const diffs = [
    ...scalar.W0.flatMap((row, i) => row.map((w, j) => w.grad! - matrix.W0[i]![j]!)),
    ...scalar.W1.map((row, i) => row[0]!.grad! - matrix.W1[i]![0]!),
  ];
  return { matrix, maxDiff: Math.max(...diffs.map(Math.abs)) };
}
