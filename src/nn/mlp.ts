/** @file MLP: Linear layers with an activation between them, as a Sequential named like PyTorch's. */

import { checkOptions, type OptionNames, show } from '../errors.js';
import type { DType } from '../kernels/ndarray.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dropout, ReLU, Sigmoid, Tanh } from './activations.js';
import { type Layer, Linear, Sequential } from './layers.js';
import { Module } from './module.js';

/**
 * An activation by name; a plain function of a tensor such as `(x) => x.relu()`, as `Sequential`
 * takes; or a factory of no arguments making a fresh activation module, `() => new ReLU()`.
 */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | ((x: Tensor) => Tensor) | (() => Module);

/** Options of `MLP`: `new MLP([2, 8, 1], { activation: 'tanh', dropout: 0.1 })`. */
export interface MLPOptions {
  /** Between hidden layers (default 'relu'); none after the last layer, which gives raw outputs (logits). */
  readonly activation?: Activation;
  /** Dropout probability after each hidden activation (default 0: none). */
  readonly dropout?: number;
  readonly bias?: boolean;
  readonly dtype?: DType;
}

const MLP_OPTIONS: OptionNames<MLPOptions> = { activation: true, dropout: true, bias: true, dtype: true };

const ACTIVATIONS = { relu: () => new ReLU(), tanh: () => new Tanh(), sigmoid: () => new Sigmoid() };

const ACCEPTED =
  "'relu', 'tanh', 'sigmoid', a function of a tensor such as (x) => x.relu(), or a factory () => new ReLU()";

/** What makes each activation layer. NOTE: the two function forms are told apart by their number of parameters. */
function activationLayer(activation: Activation): () => Layer {
  if (typeof activation === 'string' && Object.hasOwn(ACTIVATIONS, activation))
    return ACTIVATIONS[activation];
  if (typeof activation !== 'function') {
    throw new TypeError(`MLP: unknown activation ${show(activation)}; use ${ACCEPTED}`);
  }
  if (activation.length >= 1) return () => activation as (x: Tensor) => Tensor;
  const factory = activation as () => Module;
  return () => {
    const layer = factory();
    if (!(layer instanceof Module)) {
      throw new TypeError(
        `MLP: the activation factory returned ${show(layer)}, not a Module; use ${ACCEPTED}`,
      );
    }
    return layer;
  };
}

/**
 * A multi-layer perceptron over `sizes` = [inputs, hidden..., outputs]: Linear, activation, Linear, …,
 * Linear. It is a Sequential, so its parameters are named as `torch.nn.Sequential` of the same layers
 * names them (`0.weight`, `0.bias`, `2.weight`, …) and its weights load in PyTorch.
 *
 * @example
 * const model = new MLP([784, 128, 10]);
 * model.numParameters;   // 101770
 */
export class MLP extends Sequential {
  readonly sizes: readonly number[];

  constructor(sizes: readonly number[], options: MLPOptions = {}) {
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new TypeError(
        `MLP: sizes must list at least inputs and outputs, e.g. [2, 8, 1] (got ${JSON.stringify(sizes)})`,
      );
    }
    checkOptions('MLP', options, MLP_OPTIONS);
    const { activation = 'relu', dropout = 0, bias, dtype } = options;
    const make = activationLayer(activation);
    const linearOptions = {
      ...(bias === undefined ? {} : { bias }),
      ...(dtype === undefined ? {} : { dtype }),
    };
    const layers: Layer[] = [];
    for (let i = 1; i < sizes.length; i++) {
      layers.push(new Linear(sizes[i - 1]!, sizes[i]!, linearOptions));
      if (i === sizes.length - 1) break;
      layers.push(make());
      if (dropout > 0) layers.push(new Dropout(dropout));
    }
    super(...layers);
    this.sizes = Object.freeze([...sizes]);
  }
}
