/** @file Layers: Linear, Sequential, and the activations as modules. */

import { ANY_OPTION, fmt, type OptionSpecs, readOptions, ShapeError } from '../errors.js';
import { checkDType, type DType } from '../kernels/ndarray.js';
import { rand } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** Options of `Linear`: `new Linear(4, 2, { bias: false, dtype: 'float32' })`. */
export interface LinearOptions {
  /** Add a learned bias (default true). */
  readonly bias?: boolean;
  readonly dtype?: DType;
}

const LINEAR_OPTIONS: OptionSpecs<LinearOptions> = { bias: 'boolean', dtype: ANY_OPTION };

/** A uniform tensor in [−bound, bound), drawn from the generator `manualSeed` sets. */
function uniform(shape: number[], bound: number, dtype: DType | undefined, label: string): Tensor {
  const t = rand(shape, { dtype })
    .mul(2 * bound)
    .sub(bound)
    .detach();
  t.requiresGrad = true;
  t.label = label;
  return t;
}

/**
 * y = x · Wᵀ + b, as `torch.nn.Linear`: W is [out, in], b is [out], both initialised uniformly in
 * ±1/√in as PyTorch does. Takes any batch shape `[..., in]`.
 *
 * @example
 * const layer = new Linear(2, 3);
 * layer.forward(tensor([[1, 2]])).shape;   // [1, 3]
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    for (const [name, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`Linear: ${name} must be a positive integer (got ${v})`);
    }
    const bound = 1 / Math.sqrt(inFeatures);
    const o = readOptions('Linear', options, LINEAR_OPTIONS);
    const dtype = o.dtype === undefined ? undefined : checkDType(o.dtype, 'Linear');
    this.weight = uniform([outFeatures, inFeatures], bound, dtype, 'weight');
    this.bias = o.bias === false ? null : uniform([outFeatures], bound, dtype, 'bias');
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(
        'Linear',
        `input of shape ${fmt(x.shape)} for a layer of ${this.inFeatures} inputs`,
        `pass [..., ${this.inFeatures}]`,
      );
    }
    const y = x.matmul(this.weight.T);
    return this.bias ? y.add(this.bias) : y;
  }
}

/** A layer of a Sequential: a module, or a plain function such as `(x) => x.relu()`. */
export type Layer = Module | ((x: Tensor) => Tensor);

/**
 * Runs layers one after another, as `torch.nn.Sequential`.
 *
 * @example
 * const mlp = new Sequential(new Linear(2, 8), (x) => x.tanh(), new Linear(8, 1));
 * new Adam(mlp.parameters(), { lr: 0.01 });
 */
export class Sequential extends Module {
  readonly layers: readonly Layer[];

  constructor(...layers: Layer[]) {
    super();
    layers.forEach((l, i) => {
      if (!(l instanceof Module) && typeof l !== 'function') {
        throw new TypeError(`Sequential: layer ${i} is neither a Module nor a function of a tensor`);
      }
    });
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, l) => (l instanceof Module ? l.forward(h) : l(h)), x);
  }

  /** The module layers, named by their position as in PyTorch (`0`, `2` when layer 1 is a function). */
  override namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    this.layers.forEach((l, i) => {
      if (l instanceof Module) out.push([String(i), l]);
    });
    return out;
  }
}
