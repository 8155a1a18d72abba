/**
 * @file The lesson's network (2 inputs, 2 sigmoid hidden units, 1 sigmoid output, biases) trained by
 * full-batch gradient descent on the two-blobs data, with its decision boundary drawn before and after
 * training: out/two-blobs-before.svg and out/two-blobs-after.svg.
 *
 * Run: npm run example:two-blobs   (options: --epochs N, --out DIR)
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryCrossEntropy, Linear, manualSeed, noGrad, Sequential, SGD, tensor } from '../src/index.js';
import { exampleOptions, progress, readData } from './common.js';
import { decisionBoundary } from './plot/svg.js';

const { epochs, out } = exampleOptions(2000);
manualSeed(7);

const { rows } = readData('two-blobs.csv', { header: false }); // x1, x2, class
const X = tensor(rows.map((r) => [r[0]!, r[1]!]));
const y = tensor(rows.map((r) => [r[2]!]));

// W⁰ and its bias are the first Linear (the lesson's 3×2 matrix, bias row apart); W¹ the second.
const model = new Sequential(
  new Linear(2, 2),
  (h) => h.sigmoid(),
  new Linear(2, 1),
  (h) => h.sigmoid(),
);
const opt = new SGD(model.parameters(), { lr: 2 });

const accuracy = () => noGrad(() => model.forward(X).ge(0.5).eq(y).mean().item());
const loss = () => noGrad(() => binaryCrossEntropy(model.forward(X), y).item());

function draw(title: string, file: string): void {
  const probability = (a: number, b: number) => noGrad(() => model.forward(tensor([[a, b]])).item());
  const points = (c: number) => rows.filter((r) => r[2] === c).map((r) => [r[0]!, r[1]!] as const);
  const svg = decisionBoundary({
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
  writeFileSync(join(out, file), svg);
  console.log(`wrote ${join(out, file)}`);
}

console.log(
  `two blobs: ${rows.length} points; before training: loss ${loss().toFixed(4)}, accuracy ${(100 * accuracy()).toFixed(0)}%`,
);
draw(`Before training: accuracy ${(100 * accuracy()).toFixed(0)}%`, 'two-blobs-before.svg');

const bar = progress('gradient descent', epochs);
for (let epoch = 1; epoch <= epochs; epoch++) {
  opt.zeroGrad();
  const e = binaryCrossEntropy(model.forward(X), y);
  e.backward();
  opt.step(); // wᵢⱼ ← wᵢⱼ − α·∂E/∂wᵢⱼ
  if (epoch % 20 === 0 || epoch === epochs) bar.update(epoch, e.item());
}
bar.stop();

console.log(`after ${epochs} epochs: loss ${loss().toFixed(4)}, accuracy ${(100 * accuracy()).toFixed(0)}%`);
draw(`After ${epochs} epochs: accuracy ${(100 * accuracy()).toFixed(0)}%`, 'two-blobs-after.svg');
