/**
 * @file The lesson's network, built from chainrule's scalar `Value`s: the chain-rule warm-up, one
 * sample's gradient table, its backward pass worked node by node (traceBackward), the gradient of
 * one weight as the hand-derived chain rule (explain), the single-neuron update
 * rule, gradient-descent training on the two-blobs data, and the loss graph drawn as DOT and SVG,
 * as numbered frames of its backward pass, and as an interactive page (out/lesson-network.html).
 *
 * Run: npm run demo
 */

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  binaryCrossEntropy,
  explain,
  manualSeed,
  noGrad,
  randn,
  renderSvg,
  toDot,
  toHtml,
  traceBackward,
  traceFrames,
  Value,
} from '../src/index.js';
import { backwardPassLines, num } from './lesson/backward-pass.js';
import { forward, loadTwoBlobs, makeWeights, SAMPLE, SAMPLE_W0, SAMPLE_W1 } from './lesson/two-layer.js';

const here = dirname(fileURLToPath(import.meta.url));
const f = (v: number, digits = 6) => v.toFixed(digits).padStart(digits + 4);
const section = (title: string) => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 72 - title.length))}`);

// ─── 1. The chain-rule warm-up: y = 3x, z = 2y ────────────────────────────────────────────────
section('1. Warm-up: y = 3x, z = 2y');
{
  const x = new Value(1, { label: 'x' });
  const a = new Value(3, { label: 'a' });
  const b = new Value(2, { label: 'b' });
  const z = b.mul(a.mul(x));
  z.backward();
  console.log(`at x = 1: z = ${z.data}, dz/dx = dz/dy · dy/dx = 2 · 3 = ${x.grad}`);
  console.log(`to make z 10% larger (${z.data} → ${(z.data * 1.1).toFixed(1)}), raise either weight by 10%:`);
  console.log(`  a: 3 → 3.3 gives z = 2 · 3.3 · 1 = ${(2 * 3.3 * 1).toFixed(1)}   (dz/da = ${a.grad})`);
  console.log(`  b: 2 → 2.2 gives z = 2.2 · 3 · 1 = ${(2.2 * 3 * 1).toFixed(1)}   (dz/db = ${b.grad})`);
}

// ─── 2. The two-layer network, one sample ─────────────────────────────────────────────────────
section('2. The two-layer network: one sample, the 3×3 gradient table');
const sample = SAMPLE;
const weights = makeWeights(SAMPLE_W0, SAMPLE_W1);
const { yHat } = forward(weights, sample.x1, sample.x2);
const loss = binaryCrossEntropy(yHat, sample.y);
loss.label = 'E';
loss.backward();
console.log(
  `sample x = (${sample.x1}, ${sample.x2}), y = ${sample.y}:  ŷ = ${yHat.data.toFixed(6)}, E = ${loss.data.toFixed(6)}`,
);
console.log("∇E from autograd, one column per weight column: W⁰'s two columns, then W¹'s one.");
console.log(
  "Row i of W⁰ multiplies input i (x1, x2, the bias's 1); row i of W¹ multiplies σ(h1), σ(h2), the bias's 1.",
);
console.log(`  row (W⁰ | W¹)   ${'W0·1'.padStart(10)}${'W0·2'.padStart(10)}${'W1·1'.padStart(10)}`);
['x1   | σ(h1)', 'x2   | σ(h2)', 'bias | bias '].forEach((name, i) => {
  const row = [weights.W0[i]![0]!, weights.W0[i]![1]!, weights.W1[i]![0]!].map((w) => f(w.grad!));
  console.log(`  ${name}   ${row.join('')}`);
});

section('3. The backward pass of section 2, rule by rule (traceBackward)');
// the same backward pass again, recorded rule by rule (accumulate: false leaves .grad alone)
const trace = traceBackward(loss, { accumulate: false });
console.log(
  '  From E back to the weights, in the order the engine ran the rules. Each step is one node: the',
);
console.log('  gradient that reached it (upstream), then for each input its local derivative ∂node/∂input ×');
console.log(
  '  upstream = the contribution sent. An input used more than once (fan-out) sums what it receives;',
);
console.log(
  '  the sum is its gradient once every user has sent. y, x1, x2 and the constants take no gradient.',
);
console.log('  Unlabelled nodes are named op#id (creation order), as explain() in section 4 names them.');
for (const line of backwardPassLines(trace)) console.log(`  ${line}`);
{
  const w = weights.W0[0]![0]!;
  const last = trace.steps
    .flatMap((s) => s.inputs)
    .filter((i) => i.label === w.label)
    .at(-1)!;
  console.log(
    `  After its last contribution, ${w.label}'s sum is its .grad: ${num(last.accumulated as number)} = ${num(w.grad!)} (section 2's table).`,
  );
}

section("4. ∂E/∂W0₁₁ by the lesson's chain rule: explain() lists the paths and their factors");
{
  // Every path from W0₁₁ to E, the local derivative on each edge (each from the op's own rule), the
  // lesson's four factors through the labelled values h1, h, ŷ, and the textbook forms checked.
  const why = explain(loss, weights.W0[0]![0]!);
  console.log(String(why).replace(/^/gm, '  '));
}

section('5. A single neuron: autograd against the update rule wᵢ ← wᵢ + α(y − ŷ)xᵢ');
{
  const [x1, x2, y] = [0.3, 0.7, 0];
  const w1 = new Value(0.6, { label: 'w1' });
  const w2 = new Value(-0.2, { label: 'w2' });
  const b = new Value(0.1, { label: 'b' });
  const p = w1.mul(x1).add(w2.mul(x2)).add(b).sigmoid();
  binaryCrossEntropy(p, y).backward();
  const rule = [(y - p.data) * x1, (y - p.data) * x2, y - p.data];
  [w1, w2, b].forEach((w, i) => {
    const name = ['w1', 'w2', 'b '][i];
    console.log(
      `  −∂E/∂${name} = ${f(-w.grad!, 12)}   (y − ŷ)·${i < 2 ? `x${i + 1}` : '1 '} = ${f(rule[i]!, 12)}   difference ${Math.abs(-w.grad! - rule[i]!).toExponential(1)}`,
    );
  });
}

// ─── 5. Training on the two-blobs data ────────────────────────────────────────────────────────
section('6. Gradient descent on the two-blobs data (100 points, full batch)');
const data = loadTwoBlobs();
manualSeed(7);
const init = (rows: number, cols: number) => randn([rows, cols]).mul(0.5).toArray() as number[][];
const model = makeWeights(init(3, 2), init(3, 1));
const params = [...model.W0.flat(), ...model.W1.flat()];
const alpha = 2;
const epochs = 1000;

function accuracy(): number {
  return noGrad(() => {
    const right = data.filter(
      ([x1, x2, y]) => (forward(model, x1, x2).yHat.data >= 0.5 ? 1 : 0) === y,
    ).length;
    return right / data.length;
  });
}

for (let epoch = 0; epoch <= epochs; epoch++) {
  for (const w of params) w.zeroGrad();
  const losses = data.map(([x1, x2, y]) => binaryCrossEntropy(forward(model, x1, x2).yHat, y));
  const meanLoss = losses
    .reduce<Value>((acc, e) => acc.add(e), new Value(0, { requiresGrad: false }))
    .div(data.length);
  if (epoch % 100 === 0)
    console.log(
      `  epoch ${String(epoch).padStart(4)}: mean E = ${meanLoss.data.toFixed(4)}, training accuracy ${(accuracy() * 100).toFixed(0)}%`,
    );
  if (epoch === epochs) break;
  meanLoss.backward();
  for (const w of params) w.data -= alpha * w.grad!; // wᵢⱼ ← wᵢⱼ − α·∂E/∂wᵢⱼ
}
console.log(
  `  final training accuracy: ${(accuracy() * 100).toFixed(0)}% (the blobs overlap a little: about 90% is what this data allows)`,
);

// ─── 6. The picture ───────────────────────────────────────────────────────────────────────────
section('7. The loss graph of the one sample in section 2: drawings, frames and the viewer');
const outDir = join(here, '..', 'out');
const framesDir = join(outDir, 'lesson-network-frames');
rmSync(framesDir, { recursive: true, force: true });
mkdirSync(framesDir, { recursive: true });
const dot = toDot(loss);
writeFileSync(join(outDir, 'lesson-network.dot'), dot);
writeFileSync(join(outDir, 'lesson-network.svg'), await renderSvg(dot));
console.log(
  `  wrote out/lesson-network.dot and out/lesson-network.svg (${dot.split('\n').length} lines of DOT): every box is a value`,
);
console.log(
  '  (label, data, gradient), every ellipse the op that made the next box. Read it from E back to the weights.',
);
console.log(
  '  Near E are the primitive ops binaryCrossEntropy is built from, E = −(y·log ŷ + (1 − y)·log(1 − ŷ)):',
);
console.log(
  `    max ${Math.exp(-100).toExponential(4)}   max(p, e⁻¹⁰⁰) before each log, so ŷ = 0 or 1 gives a large but finite loss (as PyTorch)`,
);
console.log(
  `    * 1 and * 0      multiplying by y = ${sample.y} and by 1 − y = ${1 - sample.y}: the (1 − y)·log(1 − ŷ) branch`,
);
console.log('                     is multiplied by 0 for this sample, so the gradient it passes back is 0');
console.log('    − and + 1        1 − ŷ, and the leading minus sign');
const magnitudes = (ws: Value[][]) => ws.flat().map((w) => Math.abs(w.grad!));
console.log(
  '  and out/lesson-network-gradient.svg: the same graph, each value coloured by its gradient: blue below 0, red',
);
console.log(
  '  above, darker for larger magnitudes on a log scale, grey for exactly 0 (the legend bar states the scale).',
);
console.log(
  `  The W⁰ weights (largest |gradient| ${Math.max(...magnitudes(weights.W0)).toFixed(4)}) are paler than the W¹ weights (smallest ` +
    `${Math.min(...magnitudes(weights.W1)).toFixed(4)}):`,
);
console.log(
  '  every path from E to a W⁰ weight passes through one more sigmoid (σ′ ≤ 1/4) and through a W¹ weight',
);
console.log(
  `  (|W¹| ≤ ${Math.max(...weights.W1.flat().map((w) => Math.abs(w.data)))} here). This is the start of vanishing gradients:`,
);
console.log('  npm run example:vanishing stacks ten layers.');
writeFileSync(
  join(outDir, 'lesson-network-gradient.svg'),
  await renderSvg(toDot(loss, { colour: 'gradient', composites: true })),
);
const frames = traceFrames(loss, trace, { colour: 'gradient', composites: true });
for (const [k, frame] of frames.entries()) {
  writeFileSync(join(framesDir, `frame-${String(k).padStart(3, '0')}.svg`), await renderSvg(frame));
}
writeFileSync(
  join(outDir, 'lesson-network.html'),
  await toHtml(loss, { trace, title: 'The lesson network' }),
);
console.log(
  `  out/lesson-network-frames/: ${frames.length} frames, one per backward step (${trace.steps.length} rules);`,
);
console.log(
  '  out/lesson-network.html: the viewer of this graph and of the backward pass of section 3, step by step,',
);
console.log('  with explain() for any value. Open the file in a browser (it works offline, from file://):');
console.log(`    ${pathToFileURL(join(outDir, 'lesson-network.html')).href}`);
console.log('  (or: xdg-open out/lesson-network.html on Linux, open … on macOS, start … on Windows).');
