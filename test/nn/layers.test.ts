/** @file Linear and Sequential: shapes, values, parameters, initialisation, and a model that learns XOR. */

import { describe, expect, it } from 'vitest';
import {
  Adam,
  binaryCrossEntropy,
  Linear,
  Module,
  manualSeed,
  Sequential,
  ShapeError,
  type Tensor,
  tensor,
} from '../../src/index.js';

describe('Linear', () => {
  it('computes x·Wᵀ + b for any batch shape', () => {
    const layer = new Linear(2, 3);
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const W = layer.weight.toArray() as number[][];
    const b = layer.bias!.toArray() as number[];
    const y = layer.forward(x).toArray() as number[][];
    [
      [1, 2],
      [3, 4],
    ].forEach((row, i) => {
      for (let o = 0; o < 3; o++)
        expect(y[i]![o]).toBeCloseTo(row[0]! * W[o]![0]! + row[1]! * W[o]![1]! + b[o]!, 14);
    });
    expect(layer.forward(tensor([[[1, 2]]])).shape).toEqual([1, 1, 3]);
    expect(layer.forward(tensor([1, 2])).shape).toEqual([3]);
  });

  it('initialises uniformly within ±1/√in, reproducibly under manualSeed', () => {
    manualSeed(3);
    const a = new Linear(16, 4).weight.toArray();
    manualSeed(3);
    const layer = new Linear(16, 4);
    expect(layer.weight.toArray()).toEqual(a);
    for (const v of (layer.weight.toArray() as number[][]).flat())
      expect(Math.abs(v)).toBeLessThanOrEqual(0.25);
    expect(layer.weight.requiresGrad && layer.weight.isLeaf).toBe(true);
  });

  it('has no bias when asked, and names bad input', () => {
    expect(new Linear(2, 2, { bias: false }).parameters()).toHaveLength(1);
    expect(() => new Linear(0, 2)).toThrow(/Linear: inFeatures must be a positive integer \(got 0\)/);
    expect(() => new Linear(2, 3).forward(tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => new Linear(2, 3).forward(tensor([[1, 2, 3]]))).toThrow(
      /Linear: input of shape \[1, 3\] for a layer of 2 inputs/,
    );
  });
});

describe('Sequential and Module', () => {
  it('chains modules and functions, and gathers every parameter once', () => {
    const shared = new Linear(4, 4);
    const model = new Sequential(new Linear(2, 4), (x: Tensor) => x.relu(), shared, shared, new Linear(4, 1));
    expect(model.parameters()).toHaveLength(6);
    expect(model.forward(tensor([[1, 2]])).shape).toEqual([1, 1]);
    model
      .forward(tensor([[1, 2]]))
      .sum()
      .backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('refuses a layer that is neither a module nor a function', () => {
    expect(() => new Sequential(3 as never)).toThrow(
      /Sequential: layer 0 is neither a Module nor a function/,
    );
  });

  it('a subclass registers its parameters without listing them', () => {
    class Scale extends Module {
      readonly w = tensor([2], { requiresGrad: true });
      forward(x: Tensor): Tensor {
        return x.mul(this.w);
      }
    }
    const m = new Scale();
    expect(m.parameters()).toEqual([m.w]);
    expect(m.call(tensor([3])).item()).toBe(6);
  });

  it('learns XOR with Adam', () => {
    manualSeed(0);
    const model = new Sequential(
      new Linear(2, 8),
      (x: Tensor) => x.tanh(),
      new Linear(8, 1),
      (x: Tensor) => x.sigmoid(),
    );
    const X = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tensor([[0], [1], [1], [0]]);
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    for (let step = 0; step < 500; step++) {
      opt.zeroGrad();
      binaryCrossEntropy(model.forward(X), y).backward();
      opt.step();
    }
    expect(binaryCrossEntropy(model.forward(X), y).item()).toBeLessThan(0.05);
  });
});
