/**
 * @file The tutorial's pictures, drawn by the library from the same code the chapters run:
 * `npm run docs` writes them into docs/tutorial/img/ (toDot + renderSvg for graphs, the examples' plot
 * writer for the heat map, traceFrames for the frames of a backward pass). test/scripts/docs-pictures.test.ts runs it into a temporary directory.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heatmap } from '../examples/plot/svg.js';
import { boundarySvg, lessonModel, score, train, twoBlobs } from '../examples/two-blobs/lesson-model.js';
import { type Activation, activations, gradientNorms } from '../examples/vanishing/norms.js';
import {
  binaryCrossEntropy,
  type DotOptions,
  manualSeed,
  type Node,
  renderSvg,
  toDot,
  traceBackward,
  traceFrames,
  Value,
} from '../src/index.js';

/** Chapter 1: z = b·(a·x) at x = 1, a = 3, b = 2, after backward. */
function chainRule(): Node {
  const x = new Value(1, { label: 'x' });
  const a = new Value(3, { label: 'a' });
  const b = new Value(2, { label: 'b' });
  const y = a.mul(x);
  y.label = 'y';
  const z = b.mul(y);
  z.label = 'z';
  z.backward();
  return z;
}

/** Chapter 2: the neuron's error for x = (0.3, 0.7), y = 0, after backward. */
function neuron(): Node {
  const w1 = new Value(0.6, { label: 'w1' });
  const w2 = new Value(-0.2, { label: 'w2' });
  const b = new Value(0.1, { label: 'b' });
  const yHat = w1.mul(0.3).add(w2.mul(0.7)).add(b).sigmoid();
  yHat.label = 'ŷ';
  const E = binaryCrossEntropy(yHat, 0);
  E.label = 'E';
  E.backward();
  return E;
}

/** Chapter 3: the two-layer network's error for x = (0.4, 0.6), y = 1, after backward. */
function network(): Node {
  const W0 = [
    [0.5, -0.3],
    [0.2, 0.8],
    [-0.1, 0.1],
  ].map((row, i) => row.map((w, j) => new Value(w, { label: `W0[${i + 1}][${j + 1}]` })));
  const W1 = [0.7, -0.4, 0.3].map((w, i) => new Value(w, { label: `W1[${i + 1}][1]` }));
  const h = [0, 1].map((j) => W0[0]![j]!.mul(0.4).add(W0[1]![j]!.mul(0.6)).add(W0[2]![j]!));
  h.forEach((hj, j) => {
    hj.label = `h${j + 1}`;
  });
  const out = W1[0]!.mul(h[0]!.sigmoid()).add(W1[1]!.mul(h[1]!.sigmoid())).add(W1[2]!);
  out.label = 'h';
  const yHat = out.sigmoid();
  yHat.label = 'ŷ';
  const E = binaryCrossEntropy(yHat, 1);
  E.label = 'E';
  E.backward();
  return E;
}

/** Chapter 5: y = 2x·eˣ at x = 0.5, its backward pass recorded as frames (the seed, then one per rule). */
function fanOutFrames(): string[] {
  const x = new Value(0.5, { label: 'x' });
  const a = x.mul(2);
  a.label = 'a';
  const b = x.exp();
  b.label = 'b';
  const y = a.mul(b);
  y.label = 'y';
  return traceFrames(y, traceBackward(y), { colour: 'gradient' });
}

/** Writes every picture of the tutorial into `dir`; returns the file names written. */
export async function writeDocPictures(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const graphs: [string, Node, DotOptions][] = [
    ['01-chain.svg', chainRule(), {}],
    ['02-neuron.svg', neuron(), { composites: true }],
    ['03-network.svg', network(), { composites: true }],
    ['07-sigmoid-heat.svg', gradientNorms('sigmoid', 4).loss, { heat: true }],
  ];
  const written: string[] = [];
  for (const [name, root, options] of graphs) {
    writeFileSync(join(dir, name), await renderSvg(toDot(root, options)));
    written.push(name);
  }
  for (const [k, frame] of fanOutFrames().entries()) {
    const name = `05-frame-${k}.svg`;
    writeFileSync(join(dir, name), await renderSvg(frame));
    written.push(name);
  }
  // Chapter 3: the network trained on the two blobs, as examples/two-blobs.ts trains it
  manualSeed(7);
  const blobs = twoBlobs();
  const model = lessonModel();
  train(model, blobs, 2000);
  const { accuracy } = score(model, blobs);
  writeFileSync(
    join(dir, '03-boundary.svg'),
    boundarySvg(model, blobs.rows, `After 2000 epochs: accuracy ${(100 * accuracy).toFixed(0)}%`),
  );
  written.push('03-boundary.svg');

  const depth = 10;
  const names = Object.keys(activations) as Activation[];
  const norms = names.map((name) => gradientNorms(name, depth).norms);
  writeFileSync(
    join(dir, '07-vanishing.svg'),
    heatmap({
      title: `Gradient size per layer, ${depth} hidden layers`,
      xLabel: 'hidden layer (1 = nearest the input; the loss is to the right)',
      yLabel: 'activation',
      rows: names,
      columns: Array.from({ length: depth }, (_, i) => String(i + 1)),
      values: norms,
      legendLabel: '‖∂E/∂W‖',
    }),
  );
  written.push('07-vanishing.svg');
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir =
    process.argv[2] ?? join(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'tutorial', 'img');
  const written = await writeDocPictures(dir);
  console.log(`wrote ${written.length} pictures into ${dir}: ${written.join(', ')}`);
}
