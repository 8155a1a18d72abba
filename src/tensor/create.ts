/** @file Making tensors: from nested arrays, typed arrays, constants, ranges and seeded random numbers. */

import { checkOptions, type OptionNames, type Shape } from '../errors.js';
import * as K from '../kernels/create.js';
import { checkShape, type Data, type DType, NDArray, sizeOf } from '../kernels/ndarray.js';
import { fromNested } from '../kernels/nested.js';
import { type ArrayKernel, runArray } from '../ops/tape.js';
import { Tensor, type TensorOptions, tensorOptions } from './tensor.js';

let generator = new K.Rng(0);

/**
 * Seeds the generator behind `rand` and `randn` (PyTorch's `torch.manual_seed`). The same seed
 * gives the same numbers on every machine; the seed at start-up is 0.
 *
 * @example
 * manualSeed(42); const a = randn([2, 2]);
 * manualSeed(42); const b = randn([2, 2]);   // b equals a
 */
export function manualSeed(seed: number): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new TypeError(`manualSeed: seed must be an integer (got ${String(seed)})`);
  }
  // NOTE: the generator's state is 32 bits; a larger seed would silently repeat a smaller one's numbers.
  if (seed < 0 || seed > K.MAX_SEED) {
    throw new RangeError(
      `manualSeed: seed ${seed} is outside 0..${K.MAX_SEED} (the generator keeps 32 bits); pass a seed in that range`,
    );
  }
  generator = new K.Rng(seed);
}

/** The dtype an options object asks for (float64 by default), checked. */
function dtypeOf(options: TensorOptions, op: string): DType {
  return tensorOptions(op, options).dtype ?? 'float64';
}

function shapeArg(shape: number | readonly number[], options: unknown, op: string): number[] {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(
      `${op}: the second argument is options, got ${String(options)}; pass the shape as an array, e.g. ${op}([2, 3])`,
    );
  }
  return checkShape(typeof shape === 'number' ? [shape] : shape, op);
}

/**
 * A tensor from a number or nested arrays of numbers (copied).
 *
 * @example
 * tensor([[1, 2], [3, 4]], { requiresGrad: true, label: 'W' });
 */
export function tensor(data: unknown, options: TensorOptions = {}): Tensor {
  return new Tensor(fromNested(data, 'tensor', dtypeOf(options, 'tensor')), options);
}

/** The dtype is the array's own, so it is not an option. */
const FROM_TYPED_ARRAY_OPTIONS: OptionNames<Omit<TensorOptions, 'dtype'>> = {
  requiresGrad: true,
  label: true,
};

/**
 * Wraps a typed array as a tensor of `shape` without copying (PyTorch's `from_numpy`): a
 * Float32Array gives a float32 tensor. Mutating the array afterwards changes the tensor.
 *
 * @example
 * fromTypedArray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 */
export function fromTypedArray(
  data: Data,
  shape: readonly number[],
  options: Omit<TensorOptions, 'dtype'> = {},
): Tensor {
  checkOptions('fromTypedArray', options, FROM_TYPED_ARRAY_OPTIONS);
  if (!(data instanceof Float64Array || data instanceof Float32Array)) {
    throw new TypeError(
      'fromTypedArray: data must be a Float64Array or a Float32Array; use tensor() for other arrays',
    );
  }
  const s = checkShape(shape, 'fromTypedArray');
  if (sizeOf(s) !== data.length) {
    throw new RangeError(
      `fromTypedArray: shape [${s.join(', ')}] holds ${sizeOf(s)} elements, the array has ${data.length}; pass a matching shape`,
    );
  }
  return new Tensor(new NDArray(data, s), options);
}

/** A tensor of `shape` filled with `value`. @example full([2, 2], 7) */
export function full(shape: number | readonly number[], value: number, options: TensorOptions = {}): Tensor {
  if (typeof value !== 'number') throw new TypeError(`full: value must be a number (got ${typeof value})`);
  return new Tensor(
    K.full(shapeArg(shape, options, 'full'), value, dtypeOf(options, 'full'), 'full'),
    options,
  );
}

/** Zeros of `shape`. @example zeros([2, 3]) */
export function zeros(shape: number | readonly number[], options: TensorOptions = {}): Tensor {
  return new Tensor(
    K.full(shapeArg(shape, options, 'zeros'), 0, dtypeOf(options, 'zeros'), 'zeros'),
    options,
  );
}

/** Ones of `shape`. @example ones([3]) */
export function ones(shape: number | readonly number[], options: TensorOptions = {}): Tensor {
  return new Tensor(K.full(shapeArg(shape, options, 'ones'), 1, dtypeOf(options, 'ones'), 'ones'), options);
}

/**
 * `start, start + step, …` up to but not including `end`; `arange(n)` is `0 … n-1`, as torch.
 *
 * @example arange(5); arange(1, 2, 0.25)
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  return new Tensor(K.arange(lo, hi, step, dtypeOf(options, 'arange')), options);
}

/** `steps` evenly spaced numbers from `start` to `end` inclusive. @example linspace(0, 1, 5) */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  return new Tensor(K.linspace(start, end, steps, dtypeOf(options, 'linspace')), options);
}

/** The identity matrix, n×m (m = n by default). @example eye(3) */
export function eye(n: number, m: number = n, options: TensorOptions = {}): Tensor {
  return new Tensor(K.eye(n, m, dtypeOf(options, 'eye')), options);
}

interface RandomAttrs {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

// NOTE: kernels, so that a compiled step draws anew from the generator at every replay, as eager does.
const RAND: ArrayKernel = {
  name: 'rand',
  array: (_, a: RandomAttrs) => K.randUniform(a.shape, generator, a.dtype),
};
const RANDN: ArrayKernel = {
  name: 'randn',
  array: (_, a: RandomAttrs) => K.randNormal(a.shape, generator, a.dtype),
};

/** Uniform random numbers in [0, 1), from the generator seeded by `manualSeed`. @example rand([2, 2]) */
export function rand(shape: number | readonly number[], options: TensorOptions = {}): Tensor {
  return new Tensor(
    runArray(RAND, [], { shape: shapeArg(shape, options, 'rand'), dtype: dtypeOf(options, 'rand') }),
    options,
  );
}

/** Standard normal random numbers, from the generator seeded by `manualSeed`. @example randn([2, 2]) */
export function randn(shape: number | readonly number[], options: TensorOptions = {}): Tensor {
  return new Tensor(
    runArray(RANDN, [], { shape: shapeArg(shape, options, 'randn'), dtype: dtypeOf(options, 'randn') }),
    options,
  );
}

/** Zeros shaped like `t` (and of its dtype). @example zerosLike(tensor([[1, 2]])).toArray();   // [[0, 0]] */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  tensorOptions('zerosLike', options);
  return zeros(t.shape, { dtype: t.dtype, ...options });
}

/** Ones shaped like `t` (and of its dtype). @example onesLike(tensor([[1, 2]])).toArray();   // [[1, 1]] */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  tensorOptions('onesLike', options);
  return ones(t.shape, { dtype: t.dtype, ...options });
}

export type { DType, Shape };
