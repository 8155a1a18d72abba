/**
 * @file The lesson's network in matrix form, ŷ = σ(W¹ · σ(W⁰ · [x1, x2, 1])), written with tensors
 * (bias rows as the lesson has them), trained full-batch on the two-blobs data, and checked against
 * the scalar network of examples/lesson/two-layer.ts: same weights, same gradients.
 *
 * Run: npm run demo:matrix
 */

import {
  binaryCrossEntropy,
  cat,
  manualSeed,
  noGrad,
  ones,
  randn,
  SGD,
  type Tensor,
  tensor,
  type Value,
} from '../src/index.js';
import { forward, loadTwoBlobs, makeWeights } from './lesson/two-layer.js';

const data = loadTwoBlobs();
const X = tensor(
  data.map(([x1, x2]) => [x1, x2, 1]),
  { label: 'X' },
); // [N, 3]: the 1 carries the bias
const y = tensor(
  data.map(([, , t]) => [t]),
  { label: 'y' },
); // [N, 1]
const biasColumn = ones([data.length, 1]);

/** σ(W¹ · (σ(W⁰ · x), 1)) for every row x of X at once. */
function predict(W0: Tensor, W1: Tensor): Tensor {
  const hidden = X.matmul(W0).sigmoid(); // [N, 2]
  return cat([hidden, biasColumn], 1).matmul(W1).sigmoid(); // [N, 1]
}

manualSeed(7);
const W0 = randn([3, 2]).mul(0.5).detach();
const W1 = randn([3, 1]).mul(0.5).detach();
for (const [w, label] of [
  [W0, 'W0'],
  [W1, 'W1'],
] as const) {
  w.requiresGrad = true;
  w.label = label;
}

// ─── The same gradients as the scalar network ──────────────────────────────────────────────────
binaryCrossEntropy(predict(W0, W1), y).backward();
const scalar = makeWeights(W0.toArray() as number[][], W1.toArray() as number[][]);
const losses = data.map(([x1, x2, t]) => binaryCrossEntropy(forward(scalar, x1, x2).yHat, t));
losses
  .reduce((acc, e) => acc.add(e))
  .div(data.length)
  .backward();
const pairs: [Value, number][] = [
  ...scalar.W0.flatMap((row, i) =>
    row.map((w, j): [Value, number] => [w, (W0.grad!.toArray() as number[][])[i]![j]!]),
  ),
  ...scalar.W1.map((row, i): [Value, number] => [row[0]!, (W1.grad!.toArray() as number[][])[i]![0]!]),
];
const maxDiff = Math.max(...pairs.map(([v, g]) => Math.abs(v.grad! - g)));
console.log('∇E for the same weights, matrix form vs the scalar network of Values:');
console.log(
  `  W0.grad = ${JSON.stringify((W0.grad!.toArray() as number[][]).map((r) => r.map((v) => +v.toFixed(6))))}`,
);
console.log(
  `  W1.grad = ${JSON.stringify((W1.grad!.toArray() as number[][]).map((r) => r.map((v) => +v.toFixed(6))))}`,
);
console.log(
  `  largest difference over the 9 weights: ${maxDiff.toExponential(2)} (below 1e-12: ${maxDiff < 1e-12})`,
);

// ─── Full-batch gradient descent: wᵢⱼ ← wᵢⱼ − α·∂E/∂wᵢⱼ ─────────────────────────────────────────
const optimizer = new SGD([W0, W1], { lr: 2 });
for (let epoch = 0; epoch <= 1000; epoch++) {
  optimizer.zeroGrad();
  const loss = binaryCrossEntropy(predict(W0, W1), y);
  if (epoch % 200 === 0) {
    const accuracy = noGrad(() => predict(W0, W1).ge(0.5).eq(y).mean().item());
    console.log(
      `  epoch ${String(epoch).padStart(4)}: mean E = ${loss.item().toFixed(4)}, training accuracy ${(accuracy * 100).toFixed(0)}%`,
    );
  }
  loss.backward();
  optimizer.step();
}
