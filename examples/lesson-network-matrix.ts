/**
 * @file The lesson's network in matrix form, ŷ = σ(W¹ · σ(W⁰ · [x1, x2, 1])), written with tensors
 * (bias rows as the lesson has them), trained full-batch on the two-blobs data, and checked against
 * the scalar network of examples/lesson/two-layer.ts: same weights, same gradients.
 *
 * Run: npm run demo:matrix
 */

import { binaryCrossEntropy, manualSeed, noGrad, randn, SGD } from '../src/index.js';
import { asTensors, compareWithScalar, predict } from './lesson/matrix.js';
import { loadTwoBlobs } from './lesson/two-layer.js';

const data = loadTwoBlobs();
const { X, y } = asTensors(data);
manualSeed(7);
const W0 = randn([3, 2], { requiresGrad: true, label: 'W0' });
const W1 = randn([3, 1], { requiresGrad: true, label: 'W1' });

// ─── The same gradients as the scalar network ──────────────────────────────────────────────────
const round = (rows: number[][]) => JSON.stringify(rows.map((r) => r.map((v) => +v.toFixed(6))));
const { matrix, maxDiff } = compareWithScalar(data, W0.toArray() as number[][], W1.toArray() as number[][]);
console.log('∇E for the same weights, matrix form vs the scalar network of Values:');
console.log(`  W0.grad = ${round(matrix.W0)}`);
console.log(`  W1.grad = ${round(matrix.W1)}`);
console.log(
  `  largest difference over the 9 weights: ${maxDiff.toExponential(2)} (below 1e-12: ${maxDiff < 1e-12})`,
);

// ─── Full-batch gradient descent: wᵢⱼ ← wᵢⱼ − α·∂E/∂wᵢⱼ ─────────────────────────────────────────
const optimizer = new SGD([W0, W1], { lr: 2 });
for (let epoch = 0; epoch <= 1000; epoch++) {
  optimizer.zeroGrad();
  const loss = binaryCrossEntropy(predict(X, W0, W1), y);
  if (epoch % 200 === 0) {
    const accuracy = noGrad(() => predict(X, W0, W1).ge(0.5).eq(y).mean().item());
    console.log(
      `  epoch ${String(epoch).padStart(4)}: mean E = ${loss.item().toFixed(4)}, training accuracy ${(accuracy * 100).toFixed(0)}%`,
    );
  }
  loss.backward();
  optimizer.step();
}
