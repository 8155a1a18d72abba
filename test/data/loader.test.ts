import { describe, expect, test } from 'vitest';
import { arange, DataLoader, manualSeed, tensor } from '../../src/index.js';

const x = arange(0, 10).reshape([5, 2]);
const y = tensor([0, 1, 2, 3, 4]);

describe('DataLoader', () => {
  test('batches rows in order, the last one smaller unless dropLast', () => {
    const loader = new DataLoader([x, y], { batchSize: 2 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([, yb]) => yb!.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(batches[1]![0]!.toArray()).toEqual([
      [4, 5],
      [6, 7],
    ]);
    expect([...new DataLoader([x, y], { batchSize: 2, dropLast: true })]).toHaveLength(2);
  });

  test('shuffle: every row once per epoch, a new order each epoch, the same run for the same seed', () => {
    const epochs = (seed: number) => {
      const loader = new DataLoader([x, y], { batchSize: 2, shuffle: true, seed });
      return [0, 1, 2].map(() => [...loader].flatMap(([, yb]) => yb!.toArray() as number[]));
    };
    const run = epochs(7);
    for (const order of run) expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(run.map(String)).size).toBeGreaterThan(1);
    expect(epochs(7)).toEqual(run);
    // inputs and targets stay paired
    for (const [xb, yb] of new DataLoader([x, y], { batchSize: 3, shuffle: true, seed: 1 })) {
      expect((xb!.toArray() as number[][]).map((r) => r[0]! / 2)).toEqual(yb!.toArray());
    }
  });

  test('without a seed, manualSeed makes the shuffle reproducible', () => {
    const order = () => [...new DataLoader([y], { shuffle: true, batchSize: 5 })][0]![0]!.toArray();
    manualSeed(3);
    const a = order();
    manualSeed(3);
    expect(order()).toEqual(a);
  });

  test('bad input is a clear error', () => {
    expect(() => new DataLoader([x, tensor([1, 2])])).toThrow(
      /tensor 1 has shape \[2\], tensor 0 has \[5, 2\]/,
    );
    expect(() => new DataLoader([x], { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(() => new DataLoader([])).toThrow(TypeError);
  });

  test('shuffle and dropLast must be booleans; a seed must fit the 32-bit generator', () => {
    expect(() => new DataLoader([x], { shuffle: 'yes' as unknown as boolean })).toThrow(
      /^DataLoader: shuffle must be true or false \(got "yes"\)/,
    );
    expect(() => new DataLoader([x], { dropLast: 1 as unknown as boolean })).toThrow(
      /dropLast must be true or false/,
    );
    expect(() => new DataLoader([x], { seed: 2 ** 40 })).toThrow(
      /seed 1099511627776 is outside 0\.\.4294967295/,
    );
    expect(() => new DataLoader([x], { seed: -1 })).toThrow(RangeError);
    expect(() => new DataLoader([x], { seed: 2 ** 32 - 1 })).not.toThrow();
  });

  test('a 0-d tensor is named as having no rows to batch', () => {
    expect(() => new DataLoader([x, tensor(3)])).toThrow(
      /tensor 1 is 0-d \(shape \[\], value 3\): it has no rows to batch/,
    );
    expect(() => new DataLoader([tensor(3)])).toThrow(/tensor 0 is 0-d/);
  });

  test('batches keep the dtype and carry no gradient', () => {
    const [xb] = [...new DataLoader([x.to('float32')], { batchSize: 5 })][0]!;
    expect(xb!.dtype).toBe('float32');
    expect(xb!.requiresGrad).toBe(false);
  });
});
