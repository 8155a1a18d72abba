/** @file What a replay does and does not do: no arrays allocated, new shapes re-captured (or refused), random numbers drawn anew, drawings on request. */

import { afterEach, describe, expect, it } from 'vitest';
import { asTensors, predict } from '../../examples/lesson/matrix.js';
import { loadTwoBlobs } from '../../examples/lesson/two-layer.js';
import {
  binaryCrossEntropy,
  compile,
  Dropout,
  grad,
  manualSeed,
  rand,
  randn,
  SGD,
  ShapeError,
  type Tensor,
  tensor,
  toDot,
  zeros,
} from '../../src/index.js';

/** A one-hidden-layer relu regression, with its parameters, trained by plain SGD; `x` and `t` are its data. */
function model(dropout = false) {
  manualSeed(11);
  const w0 = randn([6, 16], { requiresGrad: true, label: 'w0' });
  const b0 = zeros([16], { requiresGrad: true, label: 'b0' });
  const w1 = randn([16, 3], { requiresGrad: true, label: 'w1' });
  const opt = new SGD([w0, b0, w1], { lr: 0.05 });
  const drop = new Dropout(0.3);
  const step = (x: Tensor, t: Tensor) => {
    opt.zeroGrad();
    let h = x.matmul(w0).add(b0).relu();
    if (dropout) h = drop.forward(h);
    const loss = h.matmul(w1).sub(t).pow(2).mean();
    loss.backward();
    opt.step();
    return loss;
  };
  return { step, params: [w0, b0, w1] };
}

const data = (rows: number, seed = 1) => {
  manualSeed(seed);
  return [randn([rows, 6]), randn([rows, 3])] as const;
};

type Ctor = typeof Float64Array | typeof Float32Array | typeof Int32Array;
const KINDS = ['Float64Array', 'Float32Array', 'Int32Array'] as const;
const saved = new Map<string, Ctor>();
type Sliceable = { slice: (this: unknown, ...args: unknown[]) => unknown };
const slices = new Map<string, Sliceable['slice']>();

/** Counts every typed array made (constructors, `of`, `from`, `slice`) until `restore()`. */
function countTypedArrays(): { count: () => number } {
  let n = 0;
  const g = globalThis as unknown as Record<string, Ctor>;
  for (const name of KINDS) {
    const Real = g[name]!;
    saved.set(name, Real);
    g[name] = new Proxy(Real, {
      construct(target, args, newTarget) {
        n++;
        return Reflect.construct(target, args, newTarget === g[name] ? target : newTarget);
      },
    });
    const proto = Real.prototype as unknown as Sliceable;
    const slice = proto.slice;
    proto.slice = function (this: unknown, ...args: unknown[]) {
      n++;
      return slice.apply(this, args);
    };
    slices.set(name, slice);
  }
  return { count: () => n };
}

function restore(): void {
  const g = globalThis as unknown as Record<string, Ctor>;
  for (const name of KINDS) {
    const Real = saved.get(name);
    if (Real === undefined) continue;
    g[name] = Real;
    (Real.prototype as unknown as Sliceable).slice = slices.get(name)!;
  }
  saved.clear();
  slices.clear();
}

afterEach(restore);

describe('a replay', () => {
  it('makes no typed array but the copy of the result it returns', () => {
    const m = model();
    const train = compile(m.step);
    const [x, t] = data(8);
    train(x, t); // the capture
    train(x, t);
    const counter = countTypedArrays();
    for (let i = 0; i < 5; i++) train(x, t);
    restore();
    expect(counter.count()).toBe(5); // one per call: the loss handed back
  });

  it('of a float32 softmax classifier (W5’s kind of step) makes none either', () => {
    manualSeed(5);
    const dtype = 'float32';
    const x = randn([8, 20], { dtype });
    const y = tensor(
      Array.from({ length: 8 }, (_, i) => Array.from({ length: 4 }, (_, j) => (j === i % 4 ? 1 : 0))),
      { dtype },
    );
    const w0 = randn([20, 8], { requiresGrad: true, dtype });
    const b0 = zeros([8], { requiresGrad: true, dtype });
    const w1 = randn([8, 4], { requiresGrad: true, dtype });
    const opt = new SGD([w0, b0, w1], { lr: 0.1 });
    const train = compile((X: Tensor, Y: Tensor) => {
      opt.zeroGrad();
      const logits = X.matmul(w0).add(b0).relu().matmul(w1);
      const loss = logits.logSoftmax(-1).mul(Y).sum(1).mean().neg();
      loss.backward();
      opt.step();
      return loss;
    });
    train(x, y);
    const counter = countTypedArrays();
    for (let i = 0; i < 3; i++) train(x, y);
    restore();
    expect(counter.count()).toBe(3);
  });

  it('of the lesson network (sigmoid, cat, binary cross-entropy) makes none either', () => {
    const { X, y } = asTensors(loadTwoBlobs());
    manualSeed(7);
    const W0 = randn([3, 2], { requiresGrad: true });
    const W1 = randn([3, 1], { requiresGrad: true });
    const opt = new SGD([W0, W1], { lr: 2 });
    const train = compile((x: Tensor, t: Tensor) => {
      opt.zeroGrad();
      const loss = binaryCrossEntropy(predict(x, W0, W1), t);
      loss.backward();
      opt.step();
      return loss;
    });
    train(X, y);
    const counter = countTypedArrays();
    for (let i = 0; i < 3; i++) train(X, y);
    restore();
    expect(counter.count()).toBe(3);
  });

  it('runs only kernels: as many calls as the eager step made, minus views', () => {
    const m = model();
    const train = compile(m.step);
    train(...data(8));
    expect(train.kernelCalls).toHaveLength(1);
    expect(train.kernelCalls[0]).toBeGreaterThan(10);
  });

  it('returns new tensors, so a kept result keeps its numbers', () => {
    const train = compile(model().step);
    const [x, t] = data(8);
    const first = train(x, t);
    const value = first.item();
    const second = train(x, t);
    expect(first.item()).toBe(value);
    expect(second.item()).not.toBe(value);
    expect(second.requiresGrad).toBe(false);
  });
});

describe('inputs of other shapes', () => {
  it('are captured again by default, and each signature keeps its own capture', () => {
    const eager = model();
    const m = model();
    const train = compile(m.step);
    const batches = [data(8, 1), data(5, 2), data(8, 3), data(5, 4)];
    const got = batches.map(([x, t]) => train(x, t).item());
    const want = batches.map(([x, t]) => eager.step(x, t).item());
    expect(got.every((v, i) => Object.is(v, want[i]))).toBe(true);
    expect(train.captures).toBe(2);
    expect(m.params[0]!.toArray()).toEqual(eager.params[0]!.toArray());
  });

  it('a new dtype is a new signature', () => {
    const train = compile((x: Tensor) => x.mul(2).sum());
    expect(train(tensor([1, 2])).item()).toBe(6);
    expect(train(tensor([1, 2], { dtype: 'float32' })).item()).toBe(6);
    expect(train.captures).toBe(2);
  });

  it('raise a ShapeError naming both signatures with errorOnRecompile', () => {
    const train = compile(model().step, { errorOnRecompile: true });
    train(...data(8));
    expect(() => train(...data(5))).toThrow(ShapeError);
    expect(() => train(...data(5))).toThrow(
      /compile: the inputs \(float64\[5, 6\], float64\[5, 3\]\) differ from those captured \(\(float64\[8, 6\], float64\[8, 3\]\)\) and errorOnRecompile is set/,
    );
    expect(train.captures).toBe(1);
  });

  it('beyond cacheSizeLimit signatures are an error, not a silent re-capture', () => {
    const train = compile((x: Tensor) => x.sum(), { cacheSizeLimit: 2 });
    train(zeros([1]));
    train(zeros([2]));
    expect(() => train(zeros([3]))).toThrow(/compile: the step has been captured for 2 input signatures/);
  });
});

describe('random numbers', () => {
  it('are drawn anew at each replay, the same numbers as eager from the same seed (dropout)', () => {
    const eager = model(true);
    const m = model(true);
    const train = compile(m.step);
    const [x, t] = data(8);
    manualSeed(42);
    const want = Array.from({ length: 5 }, () => eager.step(x, t).item());
    manualSeed(42);
    const got = Array.from({ length: 5 }, () => train(x, t).item());
    expect(got.every((v, i) => Object.is(v, want[i]))).toBe(true);
    expect(m.params[0]!.toArray()).toEqual(eager.params[0]!.toArray());
  });

  it('rand inside the step gives new numbers each call', () => {
    const sample = compile(() => rand([4]).mul(1));
    const a = sample().toArray();
    const b = sample().toArray();
    expect(a).not.toEqual(b);
  });
});

describe('drawings', () => {
  it('eager() runs the step as a call would and returns its graph, with current numbers', () => {
    const eager = model();
    const m = model();
    const train = compile(m.step);
    const [x, t] = data(8);
    const want = [eager.step(x, t).item(), eager.step(x, t).item(), eager.step(x, t).item()];
    train(x, t);
    const drawn = train.eager(x, t);
    expect(Object.is(drawn.item(), want[1])).toBe(true);
    expect(drawn.requiresGrad).toBe(true);
    const dot = toDot(drawn);
    expect(dot).toContain('w0');
    expect(dot).toContain('relu');
    expect(Object.is(train(x, t).item(), want[2])).toBe(true); // replays continue from there
  });
});

describe('second order', () => {
  it('a step that differentiates a gradient (a gradient penalty) replays bit for bit', () => {
    const make = () => {
      manualSeed(2);
      const w = randn([4, 3], { requiresGrad: true });
      const opt = new SGD([w], { lr: 0.1 });
      const step = (x: Tensor) => {
        opt.zeroGrad();
        const loss = x.matmul(w).tanh().pow(2).sum();
        const [g] = grad([loss], [w], { createGraph: true });
        const total = loss.add(g!.pow(2).sum());
        total.backward();
        opt.step();
        return total;
      };
      return { step, w };
    };
    manualSeed(9);
    const x4 = randn([5, 4]);
    const eager = make();
    const m = make();
    const train = compile(m.step);
    const want = Array.from({ length: 4 }, () => eager.step(x4).item());
    const got = Array.from({ length: 4 }, () => train(x4).item());
    expect(got.every((v, i) => Object.is(v, want[i]))).toBe(true);
    expect(m.w.toArray()).toEqual(eager.w.toArray());
  });
});

describe('state the step keeps', () => {
  it('in-place writes (copy_) run again with their version bumps: a running average of the loss', () => {
    const make = () => {
      const m = model();
      const ema = zeros([], { label: 'ema' });
      const step = (x: Tensor, t: Tensor) => {
        const loss = m.step(x, t);
        ema.copy_(ema.mul(0.9).add(loss.detach().mul(0.1)));
        return loss;
      };
      return { step, ema, params: m.params };
    };
    const [x, t] = data(8);
    const eager = make();
    const c = make();
    const train = compile(c.step);
    for (let i = 0; i < 4; i++) {
      eager.step(x, t);
      train(x, t);
    }
    expect(Object.is(c.ema.item(), eager.ema.item())).toBe(true);
    expect(c.ema.version).toBe(eager.ema.version);
  });

  it('gradients accumulated over two backward passes inside the step (micro-batches)', () => {
    const make = () => {
      manualSeed(6);
      const w = randn([6, 3], { requiresGrad: true });
      const opt = new SGD([w], { lr: 0.1 });
      const step = (x: Tensor, t: Tensor) => {
        opt.zeroGrad();
        const a = x.matmul(w).sub(t).pow(2).mean();
        a.backward();
        const b = x.mul(2).matmul(w).sub(t).abs().mean();
        b.backward();
        opt.step();
        return a.add(b);
      };
      return { step, w };
    };
    const [x, t] = data(8);
    const eager = make();
    const c = make();
    const train = compile(c.step);
    const want = Array.from({ length: 4 }, () => eager.step(x, t).item());
    const got = Array.from({ length: 4 }, () => train(x, t).item());
    expect(got.every((v, i) => Object.is(v, want[i]))).toBe(true);
    expect(c.w.grad!.toArray()).toEqual(eager.w.grad!.toArray());
    expect(c.w.toArray()).toEqual(eager.w.toArray());
  });
});
