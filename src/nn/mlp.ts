/** @file MLP: Linear layers with an activation between them, as a Sequential named like PyTorch's. */

import { checkOptions, type OptionNames } from '../errors.js';
import type { DType } from '../kernels/ndarray.js';
import { Dropout, ReLU, Sigmoid, Tanh } from './activations.js';
import { type Layer, Linear, Sequential } from './layers.js';
import type { Module } from './module.js';

/** An activation by name, or a function making a fresh activation module. */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | (() => Module);

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
    const make = typeof activation === 'function' ? activation : ACTIVATIONS[activation];
    if (make === undefined) {
      throw new TypeError(
        `MLP: unknown activation ${JSON.stringify(activation)}; use 'relu', 'tanh', 'sigmoid' or a function`,
      );
    }
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
