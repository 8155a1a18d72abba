/** @file Activation modules, Dropout in training and evaluation, and MLP. */

import { describe, expect, it } from 'vitest';
import { Dropout, type Linear, MLP, manualSeed, ones, ReLU, Sigmoid, Tanh, tensor } from '../../src/index.js';

describe('activation modules', () => {
  it('Tanh, Sigmoid and ReLU apply their op and have no parameters', () => {
    const x = tensor([-1, 0, 2]);
    expect(new Tanh().forward(x).toArray()).toEqual(x.tanh().toArray());
    expect(new Sigmoid().forward(x).toArray()).toEqual(x.sigmoid().toArray());
    expect(new ReLU().forward(x).toArray()).toEqual([0, 0, 2]);
    expect(new ReLU().parameters()).toEqual([]);
    expect(() => new ReLU().forward([1] as never)).toThrow(/ReLU: input must be a Tensor/);
  });
});

describe('Dropout', () => {
  it('in training, zeroes about p of the elements and scales the rest by 1/(1 − p)', () => {
    manualSeed(0);
    const y = new Dropout(0.25).forward(ones([10000]));
    const values = y.toArray() as number[];
    expect(new Set(values)).toEqual(new Set([0, 1 / 0.75]));
    const dropped = values.filter((v) => v === 0).length / values.length;
    expect(dropped).toBeGreaterThan(0.22);
    expect(dropped).toBeLessThan(0.28);
  });

  it('the gradient flows through the kept elements only, with the same scale', () => {
    manualSeed(1);
    const x = ones([100], { requiresGrad: true });
    const y = new Dropout(0.5).forward(x);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual(y.toArray());
  });

  it('after eval() it is the identity; train() brings dropping back; the mask follows manualSeed', () => {
    const drop = new Dropout(0.5);
    const x = ones([8]);
    expect(drop.eval().forward(x)).toBe(x);
    manualSeed(5);
    const a = drop.train().forward(x).toArray();
    manualSeed(5);
    expect(drop.forward(x).toArray()).toEqual(a);
    expect(() => new Dropout(1.5)).toThrow(/p must be a probability in \[0, 1\]/);
  });
});

describe('MLP', () => {
  it('is Linear, activation, …, Linear: no activation after the last layer', () => {
    const model = new MLP([2, 3, 4, 1], { activation: 'tanh' });
    const kinds = model.layers.map((l) => (l as object).constructor.name);
    expect(kinds).toEqual(['Linear', 'Tanh', 'Linear', 'Tanh', 'Linear']);
    expect(model.forward(tensor([[1, 2]])).shape).toEqual([1, 1]);
  });

  it('computes what its layers compute, by hand', () => {
    const model = new MLP([2, 3, 1], { activation: 'sigmoid' });
    const [l0, , l2] = model.layers as [Linear, unknown, Linear];
    const x = tensor([[0.5, -1]]);
    const want = l2.forward(l0.forward(x).sigmoid());
    expect(model.forward(x).toArray()).toEqual(want.toArray());
  });

  it('dropout option puts Dropout after each hidden activation; custom activation factories work', () => {
    const model = new MLP([2, 3, 1], { dropout: 0.1, activation: () => new ReLU() });
    expect(model.layers.map((l) => (l as object).constructor.name)).toEqual([
      'Linear',
      'ReLU',
      'Dropout',
      'Linear',
    ]);
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
  });

  it('takes a plain function of a tensor as its activation, as Sequential does', () => {
    manualSeed(0);
    const model = new MLP([2, 3, 1], { activation: (x) => x.relu() });
    const [l0, l2] = [model.layers[0] as Linear, model.layers[2] as Linear];
    const x = tensor([[1, -2]]);
    expect(model.forward(x).toArray()).toEqual(l2.forward(l0.forward(x).relu()).toArray());
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('a factory that makes no Module, or an activation of another kind, is a TypeError at construction', () => {
    const notModule = () => 3 as unknown as ReLU;
    expect(() => new MLP([2, 3, 1], { activation: notModule })).toThrow(
      /^MLP: the activation factory returned 3, not a Module; use 'relu', 'tanh', 'sigmoid', a function of a tensor/,
    );
    expect(() => new MLP([2, 3, 1], { activation: 1 as unknown as 'relu' })).toThrow(
      /unknown activation 1; use/,
    );
    expect(() => new MLP([2, 3, 1], { activation: 'toString' as 'relu' })).toThrow(
      /unknown activation "toString"/,
    );
  });

  it('float32 and bad options', () => {
    expect(new MLP([2, 1], { dtype: 'float32' }).parameters()[0]!.dtype).toBe('float32');
    expect(() => new MLP([2])).toThrow(/sizes must list at least inputs and outputs/);
    expect(() => new MLP([2, 1], { activation: 'gelu' as 'relu' })).toThrow(/unknown activation "gelu"/);
    expect(() => new MLP([2, 0])).toThrow(/outFeatures must be a positive integer/);
  });
});
