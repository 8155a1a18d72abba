/**
 * @file TensorFlow.js runner: the benchmark workloads written the idiomatic fast way
 * (tf.variableGrads / tf.valueAndGrads / optimizer.minimize, tf.tidy against leaks,
 * dataSync() inside the timed region so the work has really finished).
 *
 * One file serves both backends; the worker calls `init({ backend: 'cpu' | 'wasm' })` first.
 *
 * Runner interface (shared with libs/chainrule.mjs):
 *   init(options)              once per process
 *   setup(caseSpec, variant)   -> { reset?(), step(), result(out), meta?, train?(n), growth? }
 *     reset()   untimed: put the model back to its initial state before a run
 *     step()    timed: one run of the workload; returns its materialized outputs
 *     result()  untimed: { loss, check } from step's outputs (check = a gradient/parameter checksum)
 *     meta      numbers for the notes; `meta.note` is printed in the table's notes
 *
 * W6 (second derivatives) has no TF.js version: see `unsupported` in cases.mjs.
 *     train(n)  (W7) n more training steps, returning the last loss; `checkpoints` (epochs) tell
 *               the worker when to read the heap
 */

import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { w1Data, w1OpsPerForward, w1ParamList, w2Data, w3Data, w4Data, w5Data, w7Data } from '../data.mjs';
import { w1Layers, w1Loss } from '../w1-model.mjs';

const require = createRequire(import.meta.url);

export async function init({ backend }) {
  if (backend === 'wasm') {
    // Load the .wasm binaries from node_modules, never from a CDN.
    const dist = path.join(
      path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'dist',
    );
    setWasmPaths(`${dist}${path.sep}`);
  }
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`TF.js backend ${backend} did not initialize`);
  const info = { version: tf.version.tfjs, backend: tf.getBackend() };
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  return info;
}

const sumAbs = (arrays) => {
  let s = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
};

export async function setup(c) {
  switch (c.workload) {
    case 'W1':
      return w1();
    case 'W2':
      return w2(c.size);
    case 'W3':
      return w3(c.size);
    case 'W4':
      return w4();
    case 'W5':
      return w5();
    case 'W7':
      return w7();
    default:
      throw new Error(`tfjs: workload ${c.workload} not implemented`);
  }
}

/** W1: scalar MLP from 0-d tensors; loss Σ(out − y)²; gradients to every weight. */
function w1() {
  const data = w1Data();
  const vars = w1ParamList(data.layers).map((v) => tf.variable(tf.scalar(v)));
  const layers = w1Layers(vars, data.layers);
  const xs = data.xs.map((row) => row.map((v) => tf.scalar(v)));
  const ys = data.ys.map((v) => tf.scalar(v));
  const forward = () => w1Loss(layers, xs, ys);

  return {
    step() {
      const outs = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(forward, vars);
        return [value, ...vars.map((v) => grads[v.name])];
      });
      const arrays = outs.map((t) => t.dataSync());
      tf.dispose(outs);
      return arrays;
    },
    result: (arrays) => ({ loss: arrays[0][0], check: sumAbs(arrays.slice(1)) }),
    meta: { ops: w1OpsPerForward(data) },
  };
}

/** W2: y = x; repeat N: y = tanh(y·1.0001 + 0.1); value and dy/dx. */
function w2(n) {
  const d = w2Data();
  const x = tf.scalar(d.x);
  const scale = tf.scalar(d.scale);
  const shift = tf.scalar(d.shift);
  const f = tf.valueAndGrad((x0) => {
    let y = x0;
    for (let i = 0; i < n; i++) y = y.mul(scale).add(shift).tanh();
    return y;
  });
  return {
    step() {
      const outs = tf.tidy(() => {
        const { value, grad } = f(x);
        return [value, grad];
      });
      const arrays = outs.map((t) => t.dataSync());
      tf.dispose(outs);
      return arrays;
    },
    result: ([value, grad]) => ({ loss: value[0], check: grad[0] }),
  };
}

/** W3: (A @ B).sum(), gradients to A and B. */
function w3(n) {
  const d = w3Data(n);
  const A = tf.tensor2d(d.a);
  const B = tf.tensor2d(d.b);
  const f = tf.valueAndGrads((a, b) => a.matMul(b).sum());
  return {
    step() {
      const outs = tf.tidy(() => {
        const { value, grads } = f([A, B]);
        return [value, ...grads];
      });
      const arrays = outs.map((t) => t.dataSync());
      tf.dispose(outs);
      return arrays;
    },
    result: (arrays) => ({ loss: arrays[0][0], check: sumAbs(arrays.slice(1)) }),
  };
}

/**
 * Trains `vars` with plain SGD: `train(n)` runs n more steps, `step()` runs `steps` of them; both
 * return the loss of the last step (before its update).
 */
function trainer(vars, init, lossFn, steps, lr) {
  const opt = tf.train.sgd(lr);
  const train = (n) => {
    let last = null;
    for (let e = 0; e < n; e++) {
      const cost = opt.minimize(lossFn, e === n - 1, vars);
      if (cost) last = cost;
    }
    const loss = last.dataSync()[0];
    last.dispose();
    return loss;
  };
  return {
    reset() {
      vars.forEach((v, i) => {
        v.assign(init[i]);
      });
    },
    train,
    step: () => train(steps),
    result(loss) {
      return { loss, check: sumAbs(vars.map((v) => v.dataSync())) };
    },
  };
}

/** W4: the lesson's 2-3-1 sigmoid network, binary cross-entropy, full-batch gradient descent. */
function w4(d = w4Data()) {
  const X = tf.tensor2d(d.x);
  const Y = tf.tensor2d(d.y);
  const one = tf.scalar(1);
  const oneMinusY = one.sub(Y);
  const init = [tf.tensor2d(d.w0), tf.tensor1d(d.b0), tf.tensor2d(d.w1), tf.tensor1d(d.b1)];
  const vars = init.map((t) => tf.variable(t.clone()));
  const [w0, b0, w1, b1] = vars;
  const lossFn = () => {
    const h = X.matMul(w0).add(b0).sigmoid();
    const yhat = h.matMul(w1).add(b1).sigmoid();
    // E = -mean(y·log ŷ + (1 − y)·log(1 − ŷ))
    return Y.mul(yhat.log())
      .add(oneMinusY.mul(yhat.neg().add(one).log()))
      .mean()
      .neg();
  };
  return trainer(vars, init, lossFn, d.epochs, d.lr);
}

/** W5: 784-128-10 relu MLP, softmax cross-entropy, 50 SGD steps on one fixed batch. */
function w5() {
  const d = w5Data();
  const X = tf.tensor2d(d.x);
  const Y = tf.tensor2d(d.y);
  const init = [tf.tensor2d(d.w0), tf.tensor1d(d.b0), tf.tensor2d(d.w1), tf.tensor1d(d.b1)];
  const vars = init.map((t) => tf.variable(t.clone()));
  const [w0, b0, w1, b1] = vars;
  const lossFn = () => {
    const h = X.matMul(w0).add(b0).relu();
    const logits = h.matMul(w1).add(b1);
    // E = -mean over the batch of Σ_classes y · logSoftmax(logits)
    return tf.logSoftmax(logits, -1).mul(Y).sum(1).mean().neg();
  };
  return trainer(vars, init, lossFn, d.steps, d.lr);
}

/** W7: W4's training, `train(n)` at a time (the worker reads the heap in between). */
function w7() {
  const d = w7Data();
  return { ...w4(d), checkpoints: d.checkpoints };
}

/** For leak checks in the worker. */
export function liveTensors() {
  return tf.memory().numTensors;
}
