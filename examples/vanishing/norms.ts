/**
 * @file The vanishing-gradients experiment: a deep stack of Linear layers with one activation between
 * them, one backward pass on a fixed batch, and each hidden layer's weight-gradient norm. Shared by
 * examples/vanishing-gradients.ts and the tutorial's pictures (scripts/docs-pictures.ts).
 */

import {
  binaryCrossEntropy,
  Linear,
  Module,
  manualSeed,
  randn,
  Sequential,
  type Tensor,
  tensor,
} from '../../src/index.js';

export const width = 16;

/**
 * A linear layer initialised for relu (He et al., 2015): weights drawn from N(0, 2/in), so that the
 * signal, and the gradient, keep their size through a relu (which zeroes half of it). A Module subclass
 * registers its tensors that require a gradient as parameters, from its properties, as PyTorch does.
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
}

export const activations = {
  sigmoid: (x: Tensor) => x.sigmoid(),
  tanh: (x: Tensor) => x.tanh(),
  relu: (x: Tensor) => x.relu(),
  'relu, He init': (x: Tensor) => x.relu(),
} as const;

export type Activation = keyof typeof activations;

/** One backward pass through `depth` hidden layers with activation `name`; each hidden layer's ‖∂E/∂W‖. */
export function gradientNorms(name: keyof typeof activations, depth: number) {
  manualSeed(0);
  const X = randn([64, width]);
  const y = tensor(Array.from({ length: 64 }, (_, i) => [i % 2]));
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
