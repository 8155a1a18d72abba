/**
 * @file Vanishing gradients, measured: the same deep stack of Linear layers with sigmoid, tanh or relu
 * between them, one backward pass on the same batch, and the size of each layer's weight gradient.
 * σ′ is at most 1/4, so every sigmoid layer shrinks the gradient passed back by 4× or more; tanh′ and
 * relu′ reach 1. Prints the per-layer norms and writes out/vanishing-gradients.svg (a layer × activation
 * heat map) and out/vanishing-sigmoid-graph.svg (the sigmoid stack's graph coloured by gradient size).
 *
 * Run: npm run example:vanishing   (options: --depth N, --out DIR)
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderSvg, toDot } from '../src/index.js';
import { heatmap } from './plot/svg.js';
import { type Activation, activations, gradientNorms, width } from './vanishing/norms.js';

const { values } = parseArgs({ options: { depth: { type: 'string' }, out: { type: 'string' } } });
const depth = Number(values.depth ?? process.env.DEPTH ?? 10);
if (!Number.isInteger(depth) || depth < 2)
  throw new RangeError(`--depth must be an integer ≥ 2 (got ${depth})`);
const out = resolve(values.out ?? join(import.meta.dirname, '..', 'out'));
mkdirSync(out, { recursive: true });

const names = Object.keys(activations) as Activation[];
const results = names.map((name) => ({ name, ...gradientNorms(name, depth) }));

console.log(
  `‖∂E/∂W‖ per hidden layer of a ${depth}-layer stack of Linear(${width}, ${width}) (layer 1 is nearest the input):`,
);
console.log(`layer  ${names.map((n) => n.padStart(15)).join('')}`);
for (let i = 0; i < depth; i++) {
  console.log(
    `${String(i + 1).padStart(5)}  ${results.map((r) => r.norms[i]!.toExponential(2).padStart(15)).join('')}`,
  );
}
for (const r of results) {
  const ratio = r.norms[depth - 1]! / r.norms[0]!;
  console.log(
    `${r.name.padEnd(14)} the last layer's gradient is ${ratio.toExponential(1)} times the first's`,
  );
}

writeFileSync(
  join(out, 'vanishing-gradients.svg'),
  heatmap({
    title: `Gradient size per layer, ${depth} hidden layers`,
    xLabel: 'hidden layer (1 = nearest the input; the loss is to the right)',
    yLabel: 'activation',
    rows: names,
    columns: Array.from({ length: depth }, (_, i) => String(i + 1)),
    values: results.map((r) => r.norms),
    legendLabel: '‖∂E/∂W‖',
  }),
);
const sigmoid = results[0]!;
writeFileSync(
  join(out, 'vanishing-sigmoid-graph.svg'),
  await renderSvg(toDot(sigmoid.loss, { heat: true, rankdir: 'TB' })),
);
console.log(`wrote ${join(out, 'vanishing-gradients.svg')} and ${join(out, 'vanishing-sigmoid-graph.svg')}`);
