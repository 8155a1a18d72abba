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
import {
  binaryCrossEntropy,
  Linear,
  Module,
  manualSeed,
  randn,
  renderSvg,
  Sequential,
  type Tensor,
  tensor,
  toDot,
} from '../src/index.js';
import { heatmap } from './plot/svg.js';

const { values } = parseArgs({ options: { depth: { type: 'string' }, out: { type: 'string' } } });
const depth = Number(values.depth ?? process.env.DEPTH ?? 10);
if (!Number.isInteger(depth) || depth < 2)
  throw new RangeError(`--depth must be an integer ≥ 2 (got ${depth})`);
const out = resolve(values.out ?? join(import.meta.dirname, '..', 'out'));
mkdirSync(out, { recursive: true });

const width = 16;

/**
 * A linear layer initialised for relu (He et al., 2015): weights drawn from N(0, 2/in), so that the
 * signal, and the gradient, keep their size through a relu (which zeroes half of it). A Module subclass
 * lists its parameters in own(); parameters() gathers them for an optimizer.
 */
class HeLinear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(inFeatures: number, outFeatures: number) {
    super();
    this.weight = randn([outFeatures, inFeatures])
      .mul(Math.sqrt(2 / inFeatures))
      .detach();
    this.weight.requiresGrad = true;
    this.bias = tensor(new Array<number>(outFeatures).fill(0), { requiresGrad: true });
  }
  forward(x: Tensor): Tensor {
    return x.matmul(this.weight.T).add(this.bias);
  }
  protected override own(): readonly Tensor[] {
    return [this.weight, this.bias];
  }
}

const activations = {
  sigmoid: (x: Tensor) => x.sigmoid(),
  tanh: (x: Tensor) => x.tanh(),
  relu: (x: Tensor) => x.relu(),
  'relu, He init': (x: Tensor) => x.relu(),
} as const;

manualSeed(0);
const X = randn([64, width]);
const y = tensor(Array.from({ length: 64 }, (_, i) => [i % 2]));

/** One backward pass through `depth` hidden layers with activation `name`; each hidden layer's ‖∂E/∂W‖. */
function gradientNorms(name: keyof typeof activations) {
  manualSeed(1); // the same initial weights for every activation
  // PyTorch's default initialisation (uniform in ±1/√in) everywhere but in the last row
  const hidden = Array.from({ length: depth }, () =>
    name === 'relu, He init' ? new HeLinear(width, width) : new Linear(width, width),
  );
  const layers = hidden.flatMap((l) => [l, activations[name]]);
  const model = new Sequential(...layers, new Linear(width, 1), (x) => x.sigmoid());
  const loss = binaryCrossEntropy(model.forward(X), y);
  loss.label = 'E';
  loss.backward();
  const norms = hidden.map((l) => l.weight.grad!.pow(2).sum().sqrt().item());
  return { norms, loss };
}

const names = Object.keys(activations) as (keyof typeof activations)[];
const results = names.map((name) => ({ name, ...gradientNorms(name) }));

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
