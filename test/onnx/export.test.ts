/** @file exportOnnx: models run in onnxruntime-node give chainrule's outputs to 1e-6 in float32. */

import onnx from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { predict } from '../../examples/lesson/matrix.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  cat,
  crossEntropy,
  exportOnnx,
  grad,
  huberLoss,
  Linear,
  l1Loss,
  MLP,
  Module,
  manualSeed,
  mseLoss,
  noGrad,
  randn,
  Sequential,
  type Tensor,
  tensor,
  where,
  zeros,
} from '../../src/index.js';

/** Runs ONNX bytes on `inputs` in onnxruntime; returns the outputs by name. */
async function runOrt(
  bytes: Uint8Array,
  inputs: Record<string, Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(inputs)) {
    const data = t.dtype === 'float32' ? Float32Array.from(t.array.data) : Float64Array.from(t.array.data);
    feeds[name] = new ort.Tensor(t.dtype === 'float32' ? 'float32' : 'float64', data, [...t.shape]);
  }
  return session.run(feeds);
}

function expectClose(got: ort.Tensor, want: Tensor, tolerance = 1e-6): void {
  expect([...got.dims]).toEqual(want.shape);
  const w = want.array.data;
  const g = got.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

const f32 = { dtype: 'float32' } as const;

describe('exportOnnx, checked by onnxruntime', () => {
  it("the lesson's network (matrix form): σ(W¹ · (σ(W⁰ · x), 1))", async () => {
    const W0 = tensor(
      [
        [0.5, -0.3],
        [0.2, 0.8],
        [-0.1, 0.1],
      ],
      { ...f32, requiresGrad: true, label: 'W0' },
    );
    const W1 = tensor([[0.7], [-0.4], [0.3]], { ...f32, requiresGrad: true, label: 'W1' });
    const X = tensor(
      [
        [0.4, 0.6, 1],
        [0.1, -0.2, 1],
        [2, 1, 1],
      ],
      f32,
    );
    const bytes = await exportOnnx((x) => predict(x, W0, W1), [X]);
    expectClose((await runOrt(bytes, { input: X })).output!, predict(X, W0, W1));
  });

  it('a 784-128-10 MLP with a dynamic batch: traced with 3 rows, run with 5; parameters named by module path', async () => {
    manualSeed(0);
    const model = new MLP([784, 128, 10], f32);
    const bytes = await exportOnnx(model, [randn([3, 784], f32)], { dynamicBatch: true });
    const x = randn([5, 784], f32);
    expectClose((await runOrt(bytes, { input: x })).output!, model.forward(x));

    const decoded = onnx.onnx.ModelProto.decode(bytes);
    const graph = decoded.graph as onnx.onnx.GraphProto;
    expect(Number(decoded.opsetImport[0]!.version)).toBe(17);
    expect(graph.initializer.map((t) => t.name)).toEqual(
      expect.arrayContaining(['0.weight', '0.bias', '2.weight', '2.bias']),
    );
    const dims = (v: onnx.onnx.IValueInfoProto) =>
      (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
    expect(dims(graph.input[0]!)).toEqual(['batch', 784]);
    expect(dims(graph.output[0]!)).toEqual(['batch', 10]);
  });

  it('a model with softmax, with and without a dynamic batch', async () => {
    manualSeed(1);
    const model = new Sequential(
      new Linear(4, 8, f32),
      (h) => h.tanh(),
      new Linear(8, 3, f32),
      (h) => h.softmax(1),
    );
    for (const dynamicBatch of [false, true]) {
      const bytes = await exportOnnx(model, [randn([2, 4], f32)], { dynamicBatch });
      const x = dynamicBatch ? randn([7, 4], f32).mul(3) : randn([2, 4], f32);
      expectClose((await runOrt(bytes, { input: x })).output!, model.forward(x));
    }
  });

  it('a custom composite: where, clamp, max/min over axes, mean, cat, slice, transpose, expand, pow, argmax', async () => {
    class Composite extends Module {
      w = randn([4, 4], { ...f32, requiresGrad: true });
      forward(x: Tensor): Tensor {
        const h = x.matmul(this.w);
        const gated = where(h.gt(0), h.sqrt(), h.abs().mul(-0.5)).clamp(-1, 2);
        const pooled = cat([gated.max(1, true), gated.min(1, true), gated.mean(1, true)], 1); // [b, 3]
        const mixed = pooled.transpose(0, 1).transpose(0, 1).slice(1, 0, 2).pow(2); // [b, 2]
        const wide = mixed.unsqueeze(1).expand([-1, 3, 2]).reshape([-1, 6]); // [b, 6]
        return cat([wide.exp().log().maximum(0.1).minimum(5), x.argmax(1, true)], 1)
          .div(2)
          .sub(h.sigmoid().sum(1, true));
      }
    }
    manualSeed(2);
    const model = new Composite();
    const bytes = await exportOnnx(model, [randn([3, 4], f32)], { dynamicBatch: true });
    const x = randn([6, 4], f32);
    expectClose((await runOrt(bytes, { input: x })).output!, model.forward(x));
  });

  it("a loss's forward, with the target as a second input; several outputs", async () => {
    manualSeed(3);
    const model = new MLP([3, 4, 1], { ...f32, activation: 'sigmoid' });
    const x = randn([4, 3], f32);
    const y = randn([4, 1], f32);
    const bytes = await exportOnnx((a, b) => [model.forward(a!), mseLoss(model.forward(a!), b!)], [x, y], {
      inputNames: ['x', 'y'],
      outputNames: ['prediction', 'loss'],
    });
    const out = await runOrt(bytes, { x, y });
    expectClose(out.prediction!, model.forward(x));
    expectClose(out.loss!, mseLoss(model.forward(x), y));
  });

  it('every loss’s forward, targets as inputs: cross-entropy (one-hot), BCE (probabilities and logits), L1, Huber', async () => {
    manualSeed(5);
    const logits = randn([5, 3], f32);
    const oneHot = tensor(
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [0, 1, 0],
        [1, 0, 0],
      ],
      f32,
    );
    const losses = (x: Tensor, t: Tensor) => [
      crossEntropy(x, t),
      binaryCrossEntropy(x.sigmoid(), t, { reduction: 'none' }),
      binaryCrossEntropyWithLogits(x.mul(50), t, { reduction: 'sum' }),
      l1Loss(x, t),
      huberLoss(x, t, { delta: 0.5 }),
    ];
    const bytes = await exportOnnx(losses, [logits, oneHot]);
    const out = await runOrt(bytes, { input: logits, input1: oneHot });
    for (const [i, want] of losses(logits, oneHot).entries()) {
      const tolerance = 2e-6 * Math.max(1, Math.abs(want.array.data[0]!));
      expectClose(out[i === 0 ? 'output' : `output${i}`]!, want, tolerance);
    }
  });

  it('sin, cos, softplus, log1p and expm1', async () => {
    const x = randn([3, 4], f32);
    const f = (t: Tensor) =>
      t.sin().add(t.cos()).add(t.softplus()).add(t.abs().log1p()).add(t.mul(0.5).expm1());
    expectClose((await runOrt(await exportOnnx(f, [x]), { input: x })).output!, f(x));
  });

  describe('log1p and expm1 keep their accuracy near 0 (not Log(1 + x), Exp(x) − 1)', () => {
    const SMALL = [0, -0, 1e-300, -1e-300, 1e-12, -1e-12, 1e-7, -1e-7, 1e-4, 0.5, 10, -0.999];
    const CASES = {
      log1p: [...SMALL, -1, -0.5, 1e30, 3e38, 1e300, Number.POSITIVE_INFINITY],
      expm1: [...SMALL, -1, 50, 88, 700, 1000, -50, -800, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    };
    for (const dtype of ['float32', 'float64'] as const) {
      for (const op of ['log1p', 'expm1'] as const) {
        it(`${op} in ${dtype}: within 4 ulp of chainrule's forward, the same infinities, no NaN`, async () => {
          const x = tensor(CASES[op], { dtype });
          const got = (await runOrt(await exportOnnx((t) => t[op](), [x]), { input: x })).output!;
          const want = x[op]().array.data;
          const bits = dtype === 'float32' ? 23 : 52;
          const tiny = dtype === 'float32' ? 2 ** -149 : 2 ** -1074;
          [...(got.data as Float32Array | Float64Array)].forEach((g, i) => {
            const w = want[i]!;
            const at = `${op}(${x.array.data[i]})`;
            if (!Number.isFinite(w)) expect(g, at).toBe(w);
            else {
              const ulp = Math.max(2 ** (Math.floor(Math.log2(Math.abs(w) || tiny)) - bits), tiny);
              expect(Math.abs(g - w) / ulp, `${at}: ${g} vs ${w}`).toBeLessThanOrEqual(4);
            }
          });
        });
      }
    }
  });

  describe('opsets 17 to 23: max/min reductions and what uses them (axes an input from 18)', () => {
    const f = (t: Tensor) =>
      t
        .softmax(1)
        .add(t.logSoftmax(0))
        .add(t.logsumexp(1, true))
        .add(t.max(0, true))
        .add(t.min(1, true))
        .add(t.max());
    for (let opset = 17; opset <= 23; opset++) {
      it(`opset ${opset}`, async () => {
        const x = randn([3, 4], f32);
        const bytes = await exportOnnx(f, [x], { opset });
        expect(Number(onnx.onnx.ModelProto.decode(bytes).opsetImport[0]!.version)).toBe(opset);
        expectClose((await runOrt(bytes, { input: x })).output!, f(x), 2e-6);
      });
    }
  });

  it('float64 export', async () => {
    manualSeed(4);
    const model = new MLP([3, 5, 2], { activation: 'tanh' });
    const x = randn([2, 3]);
    const out = await runOrt(await exportOnnx(model, [x]), { input: x });
    expect(out.output!.type).toBe('float64');
    expectClose(out.output!, model.forward(x), 1e-14);
  });
});

describe('exportOnnx: the indexing ops', () => {
  const index = tensor([
    [2, 0],
    [1, 1],
    [0, 2],
  ]);
  it('cumsum along either axis, and gather with an index baked into the model', async () => {
    const f = (x: Tensor) => cat([x.cumsum(0), x.cumsum(-1), x.gather(1, index)], 1);
    const x = randn([3, 3], f32);
    const bytes = await exportOnnx(f, [x]);
    expectClose((await runOrt(bytes, { input: x })).output!, f(x));
  });

  const repeated = tensor([
    [2, 0],
    [2, 0],
    [0, 1],
  ]);
  it('scatterAdd, in an exported gradient of gather (repeated indices add up), as float64', async () => {
    const f = (x: Tensor) =>
      grad(x.gather(0, repeated).mul(x.gather(0, repeated)).sum(), [x], { createGraph: true })[0]! as Tensor;
    const x = randn([3, 2], { requiresGrad: true });
    const bytes = await exportOnnx(f, [x]);
    const got = (await runOrt(bytes, { input: x })).output!;
    expect(got.type).toBe('float64');
    expectClose(got, f(x), 1e-12);
    const types = onnx.onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType);
    expect(types).toEqual(expect.arrayContaining(['GatherElements', 'ScatterElements']));
  });

  it('gradients through sigmoid, tanh and relu (their backward primitives), as float64', async () => {
    const f = (x: Tensor) =>
      grad(x.sigmoid().add(x.tanh()).add(x.relu()).mul(x).sum(), [x], { createGraph: true })[0]! as Tensor;
    const x = tensor([-1.5, -0.2, 0.3, 2], { requiresGrad: true });
    const bytes = await exportOnnx(f, [x]);
    expectClose((await runOrt(bytes, { input: x })).output!, f(x), 1e-12);
  });

  it('gradients through a product of matrices (matmulNT and matmulTN, its backward primitives), as float64', async () => {
    const w = tensor([
      [0.5, -1, 2],
      [1.5, 0.25, -0.5],
    ]);
    const f = (x: Tensor) => {
      const [gx] = grad(x.matmul(w).tanh().matmul(w.transpose(0, 1)).sum(), [x], { createGraph: true });
      return gx as Tensor;
    };
    const x = tensor(
      [
        [0.3, -0.7],
        [1.1, 0.2],
        [-0.4, 0.9],
      ],
      { requiresGrad: true },
    );
    const bytes = await exportOnnx(f, [x]);
    expectClose((await runOrt(bytes, { input: x })).output!, f(x), 1e-12);
    const types = onnx.onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType);
    expect(types).toEqual(expect.arrayContaining(['MatMul', 'Transpose']));
  });

  it("an index computed from the input is an error: the export would bake one input's index", async () => {
    const f = (x: Tensor) => x.gather(1, x.argmax(1, true).toArray() as number[][]);
    await expect(exportOnnx(f, [randn([3, 3])])).rejects.toThrow(
      /toArray\(\) read the numbers of a tensor made from the inputs \(argmax of shape \[3, 1\]\)/,
    );
    const g = (x: Tensor) => x.gather(1, x.argmax(1, true));
    await expect(exportOnnx(g, [randn([3, 3])])).rejects.toThrow(/gather \(its index\) read the numbers/);
  });
});

describe('gradients stop at detach() in the export too (it gave 2, 4, 6 for x·detach(x), as if not detached)', () => {
  const gradOf = (loss: (x: Tensor) => Tensor) => (x: Tensor) =>
    grad(loss(x), [x], { createGraph: true })[0]! as Tensor;
  const target = (x: Tensor) => x.mul(0.3).sigmoid();
  const cases: [string, (x: Tensor) => Tensor, number[] | null][] = [
    ['x · x.detach()', gradOf((x) => x.mul(x.detach()).sum()), [1, 2, 3]],
    ['x · x.data', gradOf((x) => x.mul(x.data).sum()), [1, 2, 3]],
    [
      'binaryCrossEntropyWithLogits against a detached target made from x',
      gradOf((x) => binaryCrossEntropyWithLogits(x, target(x).detach())),
      null,
    ],
    [
      'softmax (its max shift is detached)',
      gradOf((x) =>
        x
          .softmax(0)
          .mul(tensor([1, -2, 0.5]))
          .sum(),
      ),
      null,
    ],
    [
      'logSoftmax (its max shift is detached)',
      gradOf((x) =>
        x
          .logSoftmax(0)
          .mul(tensor([1, -2, 0.5]))
          .sum(),
      ),
      null,
    ],
  ];
  for (const [name, f, expected] of cases) {
    it(name, async () => {
      const x = tensor([1, 2, 3]);
      const want = f(tensor([1, 2, 3], { requiresGrad: true }));
      if (expected) expect(want.toArray()).toEqual(expected);
      const got = (await runOrt(await exportOnnx(f, [x]), { input: x })).output!;
      expectClose(got, want, 1e-12);
    });
  }
});

describe('exportOnnx refuses what it cannot express', () => {
  it('an op with no ONNX form is an error naming it (a gradient of max uses selectMask)', async () => {
    const f = (x: Tensor) => grad(x.max(), [x], { createGraph: true })[0]! as Tensor;
    await expect(exportOnnx(f, [tensor([1, 3, 2])])).rejects.toThrow(
      /exportOnnx: op 'selectMask' .* has no ONNX form/,
    );
  });

  it('class-index targets are read as data (their one-hot rows would be a constant), so the export fails', async () => {
    const model = new Linear(3, 2);
    const f = (x: Tensor, t: Tensor) => crossEntropy(model.forward(x), t);
    await expect(exportOnnx(f, [randn([1, 3]), tensor([1])])).rejects.toThrow(
      /crossEntropy \(its class indices\) read the numbers of a tensor made from the inputs \(input 1 of shape \[1\]\)/,
    );
  });

  it('data read past the Tensor methods is caught by the second trace, on moved rows: grad() without createGraph', async () => {
    // NOTE: grad() computes on raw arrays and hands back a constant; with one row nothing moves, and this passes unseen
    const f = (x: Tensor) => grad(x.pow(3).sum(), [x])[0]! as Tensor;
    await expect(exportOnnx(f, [randn([3, 2])])).rejects.toThrow(/a constant .* depends on the input values/);
  });

  it('a constant sized by the batch cannot take a dynamic batch', async () => {
    const W0 = tensor(
      [
        [0.5, -0.3],
        [0.2, 0.8],
        [-0.1, 0.1],
      ],
      { requiresGrad: true },
    );
    const W1 = tensor([[0.7], [-0.4], [0.3]], { requiresGrad: true });
    await expect(
      exportOnnx((x) => predict(x, W0, W1), [randn([2, 3])], { dynamicBatch: true }),
    ).rejects.toThrow(/depends on the input values or the batch size/);
  });

  it('bad arguments', async () => {
    await expect(exportOnnx(new Linear(2, 1), [])).rejects.toThrow(/exampleInputs must be a Tensor/);
    for (const opset of [13, 16, 24, 17.5]) {
      await expect(exportOnnx(new Linear(2, 1), [tensor([[1, 2]])], { opset })).rejects.toThrow(
        new RangeError(
          `exportOnnx: opset must be an integer from 17 to 23 (got ${opset}); these are the opsets whose ops this exporter writes as the ONNX standard defines them`,
        ),
      );
    }
    await expect(exportOnnx((() => 3) as never, [tensor([1])])).rejects.toThrow(/must return a Tensor/);
  });

  it('restores training mode after exporting a model with Dropout', async () => {
    const { Dropout } = await import('../../src/index.js');
    const model = new Sequential(new Linear(2, 2), new Dropout(0.5));
    await exportOnnx(model, [randn([4, 2])]);
    expect(model.namedModules().every(([, m]) => m.training)).toBe(true);
  });
});

describe('exportOnnx refuses a forward that hands the numbers its inputs computed to JavaScript', () => {
  const row = () => tensor([[1, 2]], f32);
  const fix =
    /; make the forward pass independent of the data: use where\(\)\/maximum\(\) instead of branching on \.item\(\), or export a function that takes the value as an input$/;

  it('a branch on item(), with a dynamic batch (it exported, and onnxruntime gave -6, -8 for -3, -4 where chainrule gives 6, 8)', async () => {
    const f = (x: Tensor) => (x.sum().item() > 0 ? x.mul(2) : x.mul(-2));
    const exported = exportOnnx(f, [row()], { dynamicBatch: true });
    await expect(exported).rejects.toThrow(
      /^exportOnnx: item\(\) read the numbers of a tensor made from the inputs \(sum of shape \[\]\): ONNX would keep/,
    );
    await expect(exported).rejects.toThrow(fix);
  });

  it('item() as a factor, one row and no dynamic batch, where moving rows changes nothing (it gave 9, 12 for 21, 28)', async () => {
    const f = (x: Tensor) => x.mul(x.sum().item());
    await expect(exportOnnx(f, [row()])).rejects.toThrow(
      /item\(\) read the numbers .* \(sum of shape \[\]\)/,
    );
  });

  it('toArray() of a max, with a dynamic batch (doubling the batch keeps the max)', async () => {
    const f = (x: Tensor) => x.mul(x.max().toArray() as number);
    await expect(exportOnnx(f, [row()], { dynamicBatch: true })).rejects.toThrow(
      /toArray\(\) read the numbers .* \(max of shape \[\]\)/,
    );
  });

  const shown = 'toString() (which String(t), template strings and comparisons such as t > 0 call)';
  const reads: [string, string, (x: Tensor) => Tensor][] = [
    ['.array.data', 'array', (x) => x.mul(x.sum().array.data[0]!)],
    ['a comparison', shown, (x) => ((x.sum() as unknown as number) > 0 ? x : x.neg())],
    ['a template string', shown, (x) => x.mul(Number.parseFloat(`${x.sum()}`.slice(7)))],
    ['summary()', 'summary()', (x) => x.mul(x.summary().max)],
    ['.data, then item()', 'item()', (x) => x.mul(x.data.sum().item())],
    ['item() of a detached max in noGrad', 'item()', (x) => x.mul(noGrad(() => x.detach().max()).item())],
    ['copy_ from the input', 'copy_ (its source)', (x) => x.add(zeros([1, 2], f32).copy_(x))],
    [
      'data = the input',
      'data (its source)',
      (x) => {
        const c = zeros([1, 2], f32);
        c.data = x;
        return x.add(c);
      },
    ],
  ];
  it.each(reads)('every way a Tensor hands out numbers is refused, named: %s', async (_, method, f) => {
    const escaped = method.replace(/[()[\].*+?^$|\\]/g, '\\$&');
    await expect(exportOnnx(f, [row()])).rejects.toThrow(
      new RegExp(`^exportOnnx: ${escaped} read the numbers of a tensor made from the inputs`),
    );
  });

  it('the message names the input, or the op and label of what was read', async () => {
    await expect(exportOnnx((x) => x.mul((x.toArray() as number[][])[0]![0]!), [row()])).rejects.toThrow(
      /toArray\(\) read the numbers of a tensor made from the inputs \(input 0 of shape \[1, 2\]\)/,
    );
    const f = (x: Tensor) => {
      const total = x.tanh().sum();
      total.label = 'total';
      return x.mul(total.item());
    };
    await expect(exportOnnx(f, [row()])).rejects.toThrow(/\(sum 'total' of shape \[\]\)/);
  });

  it('a forward that catches the error and goes on is refused all the same', async () => {
    const f = (x: Tensor) => {
      let scale = 1;
      try {
        scale = x.sum().item();
      } catch {}
      return x.mul(scale);
    };
    await expect(exportOnnx(f, [row()])).rejects.toThrow(/item\(\) read the numbers/);
  });

  it('numbers of parameters and constants are baked in, as before, and onnxruntime agrees', async () => {
    manualSeed(6);
    const model = new Linear(2, 3, f32);
    const offsets = tensor([0.5, 3], f32);
    const f = (x: Tensor) => {
      const y = model.forward(x).mul(model.weight.abs().max().item());
      return offsets.sum().item() > 3 ? y.add(offsets.max().item()) : y;
    };
    const bytes = await exportOnnx(f, [randn([1, 2], f32)], { dynamicBatch: true });
    const x = randn([4, 2], f32);
    expectClose((await runOrt(bytes, { input: x })).output!, f(x));
    expect(onnx.onnx.ModelProto.decode(bytes).graph!.initializer!.length).toBeGreaterThan(2);
  });
});
