/** @file DataLoader: tensors cut into (optionally shuffled, seeded) batches along their first axis. */

import { checkOptions, fmt, type OptionNames, ShapeError, show } from '../errors.js';
import { MAX_SEED, Rng } from '../kernels/create.js';
import { alloc, NDArray } from '../kernels/ndarray.js';
import { rand } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of `DataLoader`: `new DataLoader([x, y], { batchSize: 32, shuffle: true, seed: 0 })`. */
export interface DataLoaderOptions {
  /** Rows per batch (default 1, as PyTorch). */
  readonly batchSize?: number;
  /** Visit the rows in a new random order every epoch (default false). */
  readonly shuffle?: boolean;
  /** Leave out a last batch smaller than `batchSize` (default false). */
  readonly dropLast?: boolean;
  /** Seed of the shuffling, an integer in 0..2³²−1 as `manualSeed`; by default drawn once from the generator `manualSeed` sets. */
  readonly seed?: number;
}

const DATA_LOADER_OPTIONS: OptionNames<DataLoaderOptions> = {
  batchSize: true,
  shuffle: true,
  dropLast: true,
  seed: true,
};

/**
 * Batches of rows of one or more tensors that share their first size (inputs and targets), as
 * PyTorch's `DataLoader(TensorDataset(x, y))`. Each pass over the loader is one epoch; with `shuffle`
 * every epoch draws a new order from the loader's own seeded generator, so a run is reproducible.
 * Batches are new constant tensors (no gradient), in the dtype of their source.
 *
 * @example
 * const loader = new DataLoader([x, y], { batchSize: 32, shuffle: true, seed: 0 });
 * for (const [xb, yb] of loader) { ... }
 */
export class DataLoader implements Iterable<Tensor[]> {
  readonly tensors: readonly Tensor[];
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly rng: Rng;

  constructor(tensors: readonly Tensor[], options: DataLoaderOptions = {}) {
    if (!Array.isArray(tensors) || tensors.length === 0 || !tensors.every((t) => t instanceof Tensor)) {
      throw new TypeError('DataLoader: expected a non-empty array of tensors, e.g. new DataLoader([x, y])');
    }
    checkOptions('DataLoader', options, DATA_LOADER_OPTIONS);
    const rows = tensors[0]!.shape[0];
    tensors.forEach((t, i) => {
      if (t.ndim === 0) {
        throw new ShapeError(
          'DataLoader',
          `tensor ${i} is 0-d (shape [], value ${t.item()}): it has no rows to batch`,
          'pass tensors with a first axis of one row per example, e.g. reshape([1]) for a single value',
        );
      }
      if (t.shape[0] !== rows) {
        throw new ShapeError(
          'DataLoader',
          `tensor ${i} has shape ${fmt(t.shape)}, tensor 0 has ${fmt(tensors[0]!.shape)}`,
          'pass tensors with the same first size (one row per example)',
        );
      }
    });
    const { batchSize = 1, shuffle = false, dropLast = false, seed } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`DataLoader: batchSize must be a positive integer (got ${batchSize})`);
    }
    for (const [name, value] of [
      ['shuffle', shuffle],
      ['dropLast', dropLast],
    ] as const) {
      if (typeof value !== 'boolean') {
        throw new TypeError(`DataLoader: ${name} must be true or false (got ${show(value)})`);
      }
    }
    if (seed !== undefined && !Number.isInteger(seed)) {
      throw new TypeError(`DataLoader: seed must be an integer (got ${show(seed)})`);
    }
    // NOTE: the generator's state is 32 bits; a larger seed would silently repeat a smaller one's order.
    if (seed !== undefined && (seed < 0 || seed > MAX_SEED)) {
      throw new RangeError(
        `DataLoader: seed ${seed} is outside 0..${MAX_SEED} (the generator keeps 32 bits); pass a seed in that range`,
      );
    }
    this.tensors = [...tensors];
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.rng = new Rng(seed ?? Math.floor(rand([]).item() * 2 ** 31));
  }

  /** Number of examples (the first size of the tensors). */
  get numRows(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Number of batches in an epoch. */
  get length(): number {
    const n = this.numRows / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  *[Symbol.iterator](): Iterator<Tensor[]> {
    const order = this.order();
    for (let b = 0; b < this.length; b++) {
      const rows = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      yield this.tensors.map((t) => gatherRows(t, rows));
    }
  }

  /** The rows of this epoch, in order, or shuffled (Fisher–Yates on the loader's generator). */
  private order(): Int32Array {
    const order = new Int32Array(this.numRows);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (!this.shuffle) return order;
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }
}

/** Rows `rows` of `t` (along the first axis) as a new tensor. */
function gatherRows(t: Tensor, rows: Int32Array): Tensor {
  const width = t.size / t.shape[0]! || 0;
  const src = t.array.data;
  const out = alloc(t.dtype, rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.set(src.subarray(r * width, (r + 1) * width), i * width);
  }
  return new Tensor(new NDArray(out, [rows.length, ...t.shape.slice(1)]));
}
