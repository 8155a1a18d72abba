/**
 * @file The lesson's network as modules, the two-blobs data, gradient-descent training and the decision
 * boundary picture. Shared by examples/two-blobs.ts and the tutorial's pictures (scripts/docs-pictures.ts).
 */

import { binaryCrossEntropy, Linear, noGrad, Sequential, SGD, type Tensor, tensor } from '../../src/index.js';
import { readData } from '../common.js';
import { decisionBoundary } from '../plot/svg.js';

/** The two-blobs points: rows of (x1, x2, class), and the same as tensors X [100, 2] and y [100, 1]. */
export function twoBlobs(): { rows: number[][]; X: Tensor; y: Tensor } {
  const { rows } = readData('two-blobs.csv', { header: false });
  return {
    rows: rows.map((r) => [...r]),
    X: tensor(rows.map((r) => [r[0]!, r[1]!])),
    y: tensor(rows.map((r) => [r[2]!])),
  };
}

/**
 * 2 inputs → 2 sigmoid hidden units → 1 sigmoid output. W⁰ (3×2 in the lesson) is the first Linear's
 * weight with its bias as the third row; W¹ (3×1) the second's. Initialised from the seeded generator.
 */
export function lessonModel(): Sequential {
  return new Sequential(
    new Linear(2, 2),
    (h) => h.sigmoid(),
    new Linear(2, 1),
    (h) => h.sigmoid(),
  );
}

/** Full-batch gradient descent, wᵢⱼ ← wᵢⱼ − α·∂E/∂wᵢⱼ, calling `onEpoch` with each epoch's loss. */
export function train(
  model: Sequential,
  { X, y }: { X: Tensor; y: Tensor },
  epochs: number,
  onEpoch: (epoch: number, loss: number) => void = () => {},
): void {
  const opt = new SGD(model.parameters(), { lr: 2 });
  for (let epoch = 1; epoch <= epochs; epoch++) {
    opt.zeroGrad();
    const e = binaryCrossEntropy(model.forward(X), y);
    e.backward();
    opt.step();
    onEpoch(epoch, e.item());
  }
}

/** Training accuracy and loss. */
export function score(
  model: Sequential,
  { X, y }: { X: Tensor; y: Tensor },
): { accuracy: number; loss: number } {
  return noGrad(() => {
    const p = model.forward(X);
    return { accuracy: p.ge(0.5).eq(y).mean().item(), loss: binaryCrossEntropy(p, y).item() };
  });
}

/** The points coloured by class over the model's ŷ, with the boundary ŷ = 0.5 as a contour. */
export function boundarySvg(model: Sequential, rows: readonly number[][], title: string): string {
  const probability = (a: number, b: number) => noGrad(() => model.forward(tensor([[a, b]])).item());
  const points = (c: number) => rows.filter((r) => r[2] === c).map((r) => [r[0]!, r[1]!] as const);
  return decisionBoundary({
    title,
    xLabel: 'x1',
    yLabel: 'x2',
    classes: [
      { name: 'class 0', colour: '#2563eb', points: points(0) },
      { name: 'class 1', colour: '#dc2626', points: points(1) },
    ],
    probability,
    boundaryLabel: 'ŷ = 0.5',
  });
}
