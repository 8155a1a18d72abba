/** @file The public surface as users see it: imports only from src/index.ts; README and design.md examples as written. */

import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import {
  AutogradError,
  add,
  arange,
  crossEntropy,
  eye,
  full,
  grad,
  gradcheck,
  manualSeed,
  noGrad,
  ones,
  rand,
  randn,
  ShapeError,
  Tensor,
  tensor,
  toDot,
  Value,
  zeros,
} from '../src/index.js';

describe('README', () => {
  it('"Ten lines": the printed numbers are what it claims', () => {
    const x1 = new Value(2, { label: 'x1' });
    const w1 = new Value(-3, { label: 'w1' });
    const b = new Value(6.88, { label: 'b' });
    const y = x1.mul(w1).add(b).tanh();
    y.backward();
    expect([y.data.toFixed(4), w1.grad!.toFixed(4), x1.grad!.toFixed(4)]).toEqual([
      '0.7064',
      '1.0019',
      '-1.5029',
    ]);

    const W = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true, label: 'W' },
    );
    W.matmul(tensor([0.5, -1]))
      .sigmoid()
      .sum()
      .backward();
    expect(W.grad!.toString()).toBe('tensor([[ 0.0746, -0.1491],\n        [ 0.0351, -0.0701]])');
  });

  it('"Drawing a graph": toDot is pure, deterministic text', () => {
    const x = new Value(2, { label: 'x' });
    const y = x.mul(x).add(1);
    const dot = toDot(y);
    expect(dot.startsWith('digraph')).toBe(true);
    expect(toDot(y)).toBe(dot);
    expect(toDot(y, { rankdir: 'TB' })).toContain('rankdir=TB');
    expect(typeof api.renderSvg).toBe('function');
  });

  it('"Higher derivatives and checks"', () => {
    const x = new Value(2);
    const [dy] = grad(x.pow(3), [x], { createGraph: true });
    expect(dy!.data).toBe(12);
    const [d2y] = grad(dy!, [x]);
    expect(d2y!.data).toBe(12);
    expect(gradcheck((v) => (v as Value).tanh().mul(v as Value), [new Value(0.3)]).ok).toBe(true);
  });

  it('"Tensors": seeded randn, broadcasting bias, crossEntropy, b.grad summed to [2]', () => {
    manualSeed(0);
    const X = randn([4, 3]);
    const W = randn([3, 2], { requiresGrad: true });
    const b = tensor([0, 0], { requiresGrad: true });
    const logits = X.matmul(W).add(b);
    expect(logits.shape).toEqual([4, 2]);
    crossEntropy(
      logits,
      tensor([
        [1, 0],
        [0, 1],
        [1, 0],
        [0, 1],
      ]),
    ).backward();
    expect(b.grad!.shape).toEqual([2]);
    expect(W.grad!.shape).toEqual([3, 2]);
    const g = b.grad!.toArray() as number[];
    expect(g[0]! + g[1]!).toBeCloseTo(0, 14);
    manualSeed(0);
    expect(randn([4, 3]).toArray()).toEqual(X.toArray());
  });

  it('the listed tensor operations all exist', () => {
    const names =
      'add sub mul div pow neg exp log sqrt abs tanh sigmoid relu maximum minimum clamp matmul sum mean max min argmax argmin reshape transpose permute expand squeeze unsqueeze slice gt ge lt le eq softmax logSoftmax';
    for (const n of names.split(' ')) {
      expect(typeof (Tensor.prototype as unknown as Record<string, unknown>)[n], n).toBe('function');
    }
    for (const n of ['cat', 'stack', 'where', 'maximum', 'minimum']) {
      expect(typeof (api as Record<string, unknown>)[n], n).toBe('function');
    }
    expect(tensor([1], { dtype: 'float32' }).dtype).toBe('float32');
  });
});

describe('design.md: the public API contract', () => {
  it('every name in the contract is exported', () => {
    for (const n of [
      'Value',
      'tensor',
      'zeros',
      'ones',
      'full',
      'arange',
      'eye',
      'rand',
      'randn',
      'noGrad',
      'toDot',
    ]) {
      expect((api as Record<string, unknown>)[n], n).toBeDefined();
    }
    expect(new ShapeError('op', 'what', 'fix')).toBeInstanceOf(Error);
    expect(new ShapeError('op', 'what', 'fix').message).toBe('op: what; fix');
    expect(new AutogradError('op', 'what')).toBeInstanceOf(Error);
  });

  it('scalars: y = tanh(3x + 1); y.backward() gives x.grad = dy/dx as a number', () => {
    const x = new Value(2, { label: 'x' });
    const y = x.mul(3).add(1).tanh();
    y.backward();
    expect(typeof x.grad).toBe('number');
    expect(x.grad!).toBeCloseTo(3 * (1 - Math.tanh(7) ** 2), 15);
    expect(x.label).toBe('x');
    const v = new Value(0.5);
    for (const m of ['add', 'sub', 'mul', 'div', 'pow']) {
      expect((v as unknown as Record<string, (y: number) => Value>)[m]!(2)).toBeInstanceOf(Value);
    }
    for (const m of ['neg', 'exp', 'log', 'sqrt', 'abs', 'tanh', 'sigmoid', 'relu']) {
      expect((v as unknown as Record<string, () => Value>)[m]!()).toBeInstanceOf(Value);
    }
  });

  it('tensors: a.grad is a Tensor of a’s shape; b.grad stays null; toArray, item, shape', () => {
    const a = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true, label: 'W' },
    );
    const b = tensor([0.5, -1]);
    const loss = a.matmul(b).sigmoid().sum();
    loss.backward();
    expect(a.grad).toBeInstanceOf(Tensor);
    expect(a.grad!.shape).toEqual([2, 2]);
    expect(b.grad).toBeNull();
    const s = [1 / (1 + Math.exp(1.5)), 1 / (1 + Math.exp(2.5))].map((p) => p * (1 - p));
    const want = [
      [s[0]! * 0.5, -s[0]!],
      [s[1]! * 0.5, -s[1]!],
    ];
    const got = a.grad!.toArray() as number[][];
    got.forEach((row, i) => {
      row.forEach((g, j) => {
        expect(g).toBeCloseTo(want[i]![j]!, 15);
      });
    });
    expect(typeof loss.item()).toBe('number');
    expect(loss.item()).toBeCloseTo(1 / (1 + Math.exp(1.5)) + 1 / (1 + Math.exp(2.5)), 15);
    expect(Array.isArray(a.shape)).toBe(true);
    expect(a.label).toBe('W');
  });

  it('constructors in the import line', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2]).toArray()).toEqual([1, 1]);
    expect(full([2], 3).toArray()).toEqual([3, 3]);
    expect(arange(3).toArray()).toEqual([0, 1, 2]);
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(rand([2, 2]).shape).toEqual([2, 2]);
    expect(add(2, tensor([1])).toArray()).toEqual([3]);
  });

  it('backward semantics: leaves accumulate, zeroGrad resets, unreached nodes have null gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const unused = tensor([1], { requiresGrad: true });
    const side = unused.mul(2);
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true }); // as in PyTorch: a second pass needs the graph kept
    y.backward();
    expect(x.grad!.toArray()).toEqual([4, 8]);
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
    expect(unused.grad).toBeNull();
    expect(side.grad).toBeNull();
    x.zeroGrad();
    expect(x.grad).toBeNull();
    const z = noGrad(() => x.mul(3));
    expect(z.requiresGrad).toBe(false);
  });

  it('a many-element output needs an explicit gradient', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    expect(() => a.mul(2).backward()).toThrow(ShapeError);
    a.mul(2).backward(tensor([1, 1]));
    expect(a.grad!.toArray()).toEqual([2, 2]);
  });
});
