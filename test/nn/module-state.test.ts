/** @file Module state: stateDict / loadStateDict (all or nothing), train / eval, numParameters. */

import { describe, expect, it } from 'vitest';
import {
  Dropout,
  Linear,
  MLP,
  type Module,
  manualSeed,
  Sequential,
  ShapeError,
  type Tensor,
  tensor,
} from '../../src/index.js';

const snapshot = (m: Module) => m.namedParameters().map(([n, p]) => [n, p.toArray()]);

describe('stateDict / loadStateDict', () => {
  it('names every parameter by its dotted path, as PyTorch does, with copies of the data', () => {
    manualSeed(0);
    const model = new MLP([3, 4, 2]);
    const dict = model.stateDict();
    expect(Object.keys(dict)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(dict['0.weight']!.toArray()).toEqual(model.parameters()[0]!.toArray());
    expect(dict['0.weight']!.requiresGrad).toBe(false);
    expect(dict['0.weight']!.array.data).not.toBe(model.parameters()[0]!.array.data);
  });

  it('round trip: a second model takes the first one’s weights and computes the same', () => {
    manualSeed(1);
    const a = new MLP([3, 5, 2], { activation: 'tanh' });
    const b = new MLP([3, 5, 2], { activation: 'tanh' });
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const x = tensor([[0.1, -0.2, 0.3]]);
    expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
  });

  it('converts to each parameter’s dtype', () => {
    const a = new Linear(2, 2);
    const b = new Linear(2, 2, { dtype: 'float32' });
    b.loadStateDict(a.stateDict());
    expect(b.weight.dtype).toBe('float32');
    expect(b.weight.toArray()).toEqual((a.weight.toArray() as number[][]).map((r) => r.map(Math.fround)));
  });

  it('strict: missing or unexpected keys are an error naming them, and nothing changes', () => {
    const model = new MLP([2, 3, 1]);
    const before = snapshot(model);
    const dict = new MLP([2, 3, 1]).stateDict();
    const { ['2.bias']: _dropped, ...partial } = dict;
    expect(() => model.loadStateDict(partial)).toThrow(/missing 2.bias/);
    expect(() => model.loadStateDict({ ...dict, extra: tensor(1) })).toThrow(/unexpected extra/);
    expect(snapshot(model)).toEqual(before);
  });

  it('non-strict: loads what matches and reports the rest', () => {
    const model = new MLP([2, 3, 1]);
    const other = new MLP([2, 3, 1]);
    const { ['2.bias']: _dropped, ...partial } = other.stateDict();
    const result = model.loadStateDict({ ...partial, 'head.weight': tensor([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['2.bias'], unexpectedKeys: ['head.weight'] });
    expect(model.parameters()[0]!.toArray()).toEqual(other.parameters()[0]!.toArray());
  });

  it('a wrong shape anywhere is a ShapeError and changes no parameter (all or nothing)', () => {
    const model = new MLP([2, 3, 1]);
    const before = snapshot(model);
    const dict: Record<string, Tensor> = { ...new MLP([2, 3, 1]).stateDict(), '2.bias': tensor([1, 2]) };
    expect(() => model.loadStateDict(dict)).toThrow(ShapeError);
    expect(() => model.loadStateDict(dict)).toThrow(/'2.bias' has shape \[2\], the parameter has \[1\]/);
    expect(() => model.loadStateDict({ ...dict, '2.bias': [1] as unknown as Tensor })).toThrow(
      /not a Tensor/,
    );
    expect(snapshot(model)).toEqual(before);
  });
});

describe('train / eval and numParameters', () => {
  it('train(false) and eval() reach every sub-module; they return the model', () => {
    const model = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5)));
    expect(model.eval()).toBe(model);
    expect(model.namedModules().every(([, m]) => !m.training)).toBe(true);
    model.train();
    expect(model.namedModules().every(([, m]) => m.training)).toBe(true);
  });

  it('numParameters adds up the sizes: 784·128 + 128 + 128·10 + 10 for a 784-128-10 MLP', () => {
    expect(new MLP([784, 128, 10]).numParameters).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(new Linear(3, 2, { bias: false }).numParameters).toBe(6);
  });

  it('zeroGrad forgets the gradient of every registered parameter', () => {
    const model = new MLP([2, 2, 1]);
    model
      .forward(tensor([[1, 2]]))
      .sum()
      .backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
  });
});
