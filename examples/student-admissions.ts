/**
 * @file Who gets into graduate school? Logistic regression, then a small MLP, on the student-admissions
 * data (admit, gre, gpa, rank; 400 rows): rank one-hot, GRE and GPA standardised with the training
 * set's mean and spread, a seeded 80/20 split. Prints training and test accuracy and loss, and writes
 * the loss curves as out/admissions-loss.svg.
 *
 * Run: npm run example:admissions   (options: --epochs N, --out DIR)
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Adam,
  binaryCrossEntropy,
  Linear,
  type Module,
  manualSeed,
  noGrad,
  Sequential,
  type Tensor,
  tensor,
} from '../src/index.js';
import { exampleOptions, progress, readData, shuffledIndices } from './common.js';
import { lineChart, type Series } from './plot/svg.js';

const { epochs, out } = exampleOptions(1000);
manualSeed(42);

// ─── the data ─────────────────────────────────────────────────────────────────────────────────
const { columns, rows } = readData('student-admissions.csv');
const col = (name: string) => columns.indexOf(name);
const order = shuffledIndices(rows.length);
const cut = Math.round(0.8 * rows.length);
const trainRows = order.slice(0, cut).map((i) => rows[i]!);
const testRows = order.slice(cut).map((i) => rows[i]!);

/** Mean and standard deviation of one column over the training rows only (no peeking at the test set). */
function stats(name: string): { mean: number; std: number } {
  const v = trainRows.map((r) => r[col(name)]!);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std };
}
const gre = stats('gre');
const gpa = stats('gpa');

/** Features: standardised GRE and GPA, then rank 1–4 one-hot. */
function features(r: readonly number[]): number[] {
  const rank = r[col('rank')]!;
  return [
    (r[col('gre')]! - gre.mean) / gre.std,
    (r[col('gpa')]! - gpa.mean) / gpa.std,
    ...[1, 2, 3, 4].map((k) => (rank === k ? 1 : 0)),
  ];
}
const split = (part: number[][]) => ({
  X: tensor(part.map(features)),
  y: tensor(part.map((r) => [r[col('admit')]!])),
});
const train = split(trainRows);
const test = split(testRows);
console.log(
  `student admissions: ${rows.length} rows, ${trainRows.length} for training and ${testRows.length} for testing; ` +
    `features: gre, gpa (standardised), rank 1-4 (one-hot)`,
);

// ─── training ─────────────────────────────────────────────────────────────────────────────────
interface Curve {
  train: [number, number][];
  test: [number, number][];
  /** Accuracy on the training and test rows after the last epoch. */
  trainAccuracy: number;
  testAccuracy: number;
}

function evaluate(model: Module, { X, y }: { X: Tensor; y: Tensor }): { loss: number; accuracy: number } {
  return noGrad(() => {
    const p = model.forward(X);
    const right = p.ge(0.5).eq(y).mean().item();
    return { loss: binaryCrossEntropy(p, y).item(), accuracy: right };
  });
}

function trainModel(name: string, model: Module, lr: number): Curve {
  const opt = new Adam(model.parameters(), { lr });
  const curve: Curve = { train: [], test: [], trainAccuracy: 0, testAccuracy: 0 };
  const bar = progress(name, epochs);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    opt.zeroGrad();
    const loss = binaryCrossEntropy(model.forward(train.X), train.y);
    loss.backward();
    opt.step();
    if (epoch === 1 || epoch % Math.max(1, Math.floor(epochs / 100)) === 0 || epoch === epochs) {
      curve.train.push([epoch, loss.item()]);
      curve.test.push([epoch, evaluate(model, test).loss]);
      bar.update(epoch, loss.item());
    }
  }
  bar.stop();
  const tr = evaluate(model, train);
  const te = evaluate(model, test);
  console.log(
    `${name.padEnd(20)} train: loss ${tr.loss.toFixed(4)}, accuracy ${(100 * tr.accuracy).toFixed(1)}%   ` +
      `test: loss ${te.loss.toFixed(4)}, accuracy ${(100 * te.accuracy).toFixed(1)}%`,
  );
  curve.trainAccuracy = tr.accuracy;
  curve.testAccuracy = te.accuracy;
  return curve;
}

const baseline = Math.max(...[0, 1].map((c) => test.y.eq(c).mean().item()));
console.log(`always predicting the commoner class: test accuracy ${(100 * baseline).toFixed(1)}%`);

const logistic = trainModel(
  'logistic regression',
  new Sequential(new Linear(6, 1), (x) => x.sigmoid()),
  0.05,
);
const mlp = trainModel(
  'MLP 6-16-1 (tanh)',
  new Sequential(
    new Linear(6, 16),
    (x) => x.tanh(),
    new Linear(16, 1),
    (x) => x.sigmoid(),
  ),
  0.003,
);

/** The epoch of the lowest test loss, and whether the test loss rose by more than 1% after it. */
function testMinimum(c: Curve): { epoch: number; rises: boolean } {
  let best = c.test[0]!;
  for (const point of c.test) if (point[1] < best[1]) best = point;
  return { epoch: best[0], rises: c.test[c.test.length - 1]![1] > best[1] * 1.01 };
}
const fitsBetter = mlp.trainAccuracy > logistic.trainAccuracy;
const testsNoBetter = mlp.testAccuracy <= logistic.testAccuracy;
const { epoch: bestEpoch, rises } = testMinimum(mlp);
console.log(
  `the MLP fits the training rows ${fitsBetter ? 'better' : 'no better'} than logistic regression ` +
    `(${(100 * mlp.trainAccuracy).toFixed(1)}% vs ${(100 * logistic.trainAccuracy).toFixed(1)}%) and does ` +
    `${testsNoBetter ? 'no better' : 'better'} on the test rows (${(100 * mlp.testAccuracy).toFixed(1)}% vs ` +
    `${(100 * logistic.testAccuracy).toFixed(1)}%).`,
);
if (fitsBetter && testsNoBetter && rises) {
  console.log(
    `with 320 noisy samples it starts to memorise them: its test loss was lowest at epoch ${bestEpoch} and rose ` +
      'after it (the dashed curve in the picture) while its training loss kept falling; stopping earlier or ' +
      'weight decay (AdamW) keeps it honest',
  );
}

// ─── the picture ──────────────────────────────────────────────────────────────────────────────
const series: Series[] = [
  { name: 'logistic, train', colour: '#2563eb', points: logistic.train },
  { name: 'logistic, test', colour: '#2563eb', points: logistic.test, dashed: true },
  { name: 'MLP, train', colour: '#dc2626', points: mlp.train },
  { name: 'MLP, test', colour: '#dc2626', points: mlp.test, dashed: true },
];
const file = join(out, 'admissions-loss.svg');
writeFileSync(
  file,
  lineChart({
    title: 'Student admissions: binary cross-entropy while training',
    xLabel: 'epoch (full batch, Adam)',
    yLabel: 'mean binary cross-entropy',
    series,
  }),
);
console.log(`wrote ${file}`);
