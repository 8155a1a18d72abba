/** @file A compiled training step gives the eager step's numbers to the last bit: the lesson network and W5's model. */

import { describe, expect, it } from 'vitest';
import { asTensors, predict } from '../../examples/lesson/matrix.js';
import { loadTwoBlobs } from '../../examples/lesson/two-layer.js';
import {
  AdamW,
  binaryCrossEntropy,
  CosineAnnealingLR,
  clipGradNorm,
  compile,
  crossEntropy,
  DataLoader,
  type DType,
  MLP,
  manualSeed,
  randn,
  SGD,
  type Tensor,
  tensor,
  zeros,
} from '../../src/index.js';

/** Every element of every tensor, as plain numbers. */
function elements(ts: readonly Tensor[]): number[] {
  return ts.flatMap((t) => [...t.array.data]);
}

/** Asserts `Object.is` on every element (so -0 and NaN payload-free equality count too). */
function expectSameBits(got: readonly number[], want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  const differing = got.findIndex((v, i) => !Object.is(v, want[i]));
  expect(differing, `first differing element ${differing}: ${got[differing]} vs ${want[differing]}`).toBe(-1);
}

/** The lesson's 2-layer sigmoid network (bias as a column of ones), binary cross-entropy, SGD. */
function lesson(dtype: DType) {
  const data = loadTwoBlobs();
  const { X, y } = asTensors(data);
  const [X32, y32] = [X.to(dtype), y.to(dtype)];
  manualSeed(7);
  const W0 = randn([3, 2], { requiresGrad: true, label: 'W0', dtype });
  const W1 = randn([3, 1], { requiresGrad: true, label: 'W1', dtype });
  const opt = new SGD([W0, W1], { lr: 2 });
  const step = (x: Tensor, t: Tensor) => {
    opt.zeroGrad();
    const loss = binaryCrossEntropy(predict(x, W0, W1), t);
    loss.backward();
    opt.step();
    return loss;
  };
  return { step, params: [W0, W1], args: [X32, y32] as const };
}

/** W5's model: 784-128-10 relu MLP, softmax cross-entropy on one-hot labels, SGD (as bench/libs/chainrule.mjs). */
function w5(dtype: DType) {
  manualSeed(5);
  const batch = 16;
  const x = randn([batch, 784], { dtype });
  const labels = Array.from({ length: batch }, (_, i) => (i * 7) % 10);
  const y = tensor(
    labels.map((k) => Array.from({ length: 10 }, (_, j) => (j === k ? 1 : 0))),
    { dtype },
  );
  const w0 = randn([784, 128], { requiresGrad: true, dtype });
  const b0 = zeros([128], { requiresGrad: true, dtype });
  const w1 = randn([128, 10], { requiresGrad: true, dtype });
  const b1 = zeros([10], { requiresGrad: true, dtype });
  const params = [w0, b0, w1, b1];
  const opt = new SGD(params, { lr: 0.01 });
  const step = (X: Tensor, Y: Tensor) => {
    opt.zeroGrad();
    const h = X.matmul(w0).add(b0).relu();
    const logits = h.matmul(w1).add(b1);
    const loss = logits.logSoftmax(-1).mul(Y).sum(1).mean().neg();
    loss.backward();
    opt.step();
    return loss;
  };
  return { step, params, args: [x, y] as const };
}

const MODELS = { lesson, w5 };

describe.each(['float64', 'float32'] as const)('compile in %s', (dtype) => {
  for (const [name, make] of Object.entries(MODELS)) {
    it(`${name}: parameters and losses after 6 steps are the eager step's, bit for bit`, () => {
      const eager = make(dtype);
      const eagerLosses = Array.from({ length: 6 }, () => eager.step(...eager.args).item());

      const compiled = make(dtype);
      const train = compile(compiled.step);
      const losses = Array.from({ length: 6 }, () => train(...compiled.args).item());

      expect(train.captures).toBe(1);
      expectSameBits(losses, eagerLosses);
      expectSameBits(elements(compiled.params), elements(eager.params));
      expectSameBits(
        elements(compiled.params.map((p) => p.grad!)),
        elements(eager.params.map((p) => p.grad!)),
      );
      expect(compiled.params.map((p) => p.version)).toEqual(eager.params.map((p) => p.version));
      expect(new Set(losses).size).toBeGreaterThan(1); // the replays computed new numbers
    });
  }
});

describe('inputs', () => {
  it('each call reads the new inputs, and the caller’s tensors are never written', () => {
    const eager = lesson('float64');
    const compiled = lesson('float64');
    const train = compile(compiled.step);
    const [X, y] = compiled.args;
    const halves = [X.mul(0.5), X, X.mul(2)];
    const before = halves.map((h) => [...h.array.data]);
    const got = halves.map((h) => train(h, y).item());
    const want = halves.map((h) => eager.step(h, y).item());
    expectSameBits(got, want);
    halves.forEach((h, i) => {
      expectSameBits([...h.array.data], before[i]!);
    });
  });
});

describe('class-index targets', () => {
  it('crossEntropy with class indices as an argument: each call one-hots that call’s targets', () => {
    const make = () => {
      manualSeed(4);
      const w = randn([5, 4], { requiresGrad: true });
      const opt = new SGD([w], { lr: 0.3 });
      const step = (x: Tensor, k: Tensor) => {
        opt.zeroGrad();
        const loss = crossEntropy(x.matmul(w), k);
        loss.backward();
        opt.step();
        return loss;
      };
      return { step, w };
    };
    manualSeed(8);
    const x = randn([6, 5]);
    const targets = [tensor([0, 1, 2, 3, 0, 1]), tensor([3, 3, 2, 1, 0, 0]), tensor([1, 0, 1, 0, 1, 0])];
    const eager = make();
    const m = make();
    const train = compile(m.step);
    const want = targets.map((k) => eager.step(x, k).item());
    const got = targets.map((k) => train(x, k).item());
    expectSameBits(got, want);
    expectSameBits([...m.w.array.data], [...eager.w.array.data]);
  });
});

describe('a full training loop (the README’s)', () => {
  it('MLP with dropout, crossEntropy on class indices, AdamW, clipGradNorm and a schedule, batch by batch', () => {
    const run = (compiled: boolean) => {
      manualSeed(0);
      const model = new MLP([4, 16, 3], { activation: 'relu', dropout: 0.1 });
      const x = randn([64, 4]);
      const y = tensor(Array.from({ length: 64 }, (_, i) => i % 3));
      const opt = new AdamW(model.parameters(), { lr: 1e-2 });
      const schedule = new CosineAnnealingLR(opt, { tMax: 4 });
      const step = (xb: Tensor, yb: Tensor) => {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(xb), yb);
        loss.backward();
        clipGradNorm(model.parameters(), 1);
        opt.step();
        return loss;
      };
      const train = compiled ? compile(step) : step;
      const losses: number[] = [];
      for (let epoch = 0; epoch < 4; epoch++) {
        for (const [xb, yb] of new DataLoader([x, y], { batchSize: 16, shuffle: true, seed: epoch })) {
          losses.push(train(xb!, yb!).item());
        }
        schedule.step();
      }
      return { losses, params: model.parameters() };
    };
    const eager = run(false);
    const compiled = run(true);
    expectSameBits(compiled.losses, eager.losses);
    expectSameBits(elements(compiled.params), elements(eager.params));
  });
});
