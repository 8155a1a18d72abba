/** @file A compiled training step gives the eager step's numbers to the last bit: the lesson network and W5's model. */

import { describe, expect, it } from 'vitest';
import { asTensors, predict } from '../../examples/lesson/matrix.js';
import { loadTwoBlobs } from '../../examples/lesson/two-layer.js';
import {
  binaryCrossEntropy,
  compile,
  type DType,
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
