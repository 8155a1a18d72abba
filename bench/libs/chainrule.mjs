/**
 * @file chainrule runner: the same workloads as libs/tfjs.mjs, written against the public API
 * contract in docs/design ("Public API contract"), imported from the built `dist/index.js`.
 *
 * Runner interface: see libs/tfjs.mjs.
 *
 * `CHAINRULE_MODULE` (an absolute path or file URL) overrides the module to import; it exists to
 * test this harness against a stand-in before the library is built. Leave it unset to bench the real
 * library.
 */

import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  w1Data,
  w1OpsPerForward,
  w1ParamList,
  w2Data,
  w3Data,
  w4Data,
  w5Data,
  w6Data,
  w7Data,
} from '../data.mjs';
import { w1Layers, w1Loss } from '../w1-model.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultModule = path.join(here, '..', '..', 'dist', 'index.js');

/** The imported library: { Value, tensor, noGrad, ... }. */
let cr;

export async function init() {
  const spec = process.env.CHAINRULE_MODULE || defaultModule;
  const url = spec.startsWith('file:') ? spec : pathToFileURL(spec).href;
  cr = await import(url);
  for (const name of ['Value', 'tensor', 'SGD', 'grad']) {
    if (!(name in cr)) throw new Error(`chainrule module ${spec} does not export ${name}`);
  }
  return { module: spec === defaultModule ? 'dist/index.js' : spec, update: 'SGD' };
}

const leaf = (data, dtype) => cr.tensor(data, { requiresGrad: true, dtype });
const constant = (data, dtype) => cr.tensor(data, { dtype });

/** Σ|x| over tensors (through toArray, outside the timed region). */
function sumAbs(tensors) {
  let s = 0;
  const walk = (a) => {
    if (Array.isArray(a)) for (const v of a) walk(v);
    else s += Math.abs(a);
  };
  for (const t of tensors) walk(t.toArray());
  return s;
}

// ---------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------

export async function setup(c, variant) {
  const dtype = variant.startsWith('f32') ? 'float32' : 'float64';
  const compiled = variant.endsWith('compile');
  switch (c.workload) {
    case 'W1':
      return w1();
    case 'W2':
      return w2(c.size);
    case 'W3':
      return w3(c.size, dtype);
    case 'W4':
      return w4(dtype, undefined, compiled);
    case 'W5':
      return w5(dtype, compiled);
    case 'W6':
      return w6(dtype);
    case 'W7':
      return w7(dtype);
    case 'MEM':
      return mem(c.size);
    default:
      throw new Error(`chainrule: workload ${c.workload} not implemented`);
  }
}

/** W1: scalar MLP from Value nodes; loss Σ(out − y)²; gradients to every weight. */
function w1() {
  const { Value } = cr;
  const data = w1Data();
  const params = w1ParamList(data.layers).map((v) => new Value(v));
  const layers = w1Layers(params, data.layers);
  const { xs, ys } = data;
  const forward = () => w1Loss(layers, xs, ys);

  return {
    step() {
      for (const p of params) p.zeroGrad();
      const loss = forward();
      loss.backward();
      return { loss: loss.data, grads: params.map((p) => p.grad) };
    },
    result: ({ loss, grads }) => ({ loss, check: grads.reduce((s, g) => s + Math.abs(g), 0) }),
    meta: { ops: w1OpsPerForward(data) },
  };
}

/** W2: y = x; repeat N: y = tanh(y·1.0001 + 0.1); value and dy/dx. */
function w2(n) {
  const { Value } = cr;
  const d = w2Data();
  return {
    step() {
      const x = new Value(d.x);
      let y = x;
      for (let i = 0; i < n; i++) y = y.mul(d.scale).add(d.shift).tanh();
      y.backward();
      return { loss: y.data, grad: x.grad };
    },
    result: ({ loss, grad }) => ({ loss, check: grad }),
  };
}

/** W3: (A @ B).sum(), gradients to A and B. */
function w3(n, dtype) {
  const d = w3Data(n);
  let A;
  let B;
  return {
    reset() {
      A = leaf(d.a, dtype);
      B = leaf(d.b, dtype);
    },
    step() {
      const loss = A.matmul(B).sum();
      loss.backward();
      return { loss: loss.item(), grads: [A.grad, B.grad] };
    },
    result: ({ loss, grads }) => ({ loss, check: sumAbs(grads) }),
  };
}

/**
 * Trains params with plain SGD: `train(n)` runs n more steps, `step()` runs `steps` of them; the loss is
 * the last step's (before its update). `compiled`: each step is `compile(step)`'s (captured at the
 * first step of a run, replayed after), the same numbers bit for bit.
 */
function trainer(initial, dtype, lossFn, steps, lr, compiled = false) {
  let params;
  let optimizer;
  let compiledStep;
  const eagerTrain = (n) => {
    let loss = 0;
    for (let e = 0; e < n; e++) {
      optimizer.zeroGrad();
      const E = lossFn(params);
      E.backward();
      if (e === n - 1) loss = E.item();
      optimizer.step();
    }
    return loss;
  };
  const compiledTrain = (n) => {
    let E;
    for (let e = 0; e < n; e++) E = compiledStep();
    return n > 0 ? E.item() : 0;
  };
  const train = compiled ? compiledTrain : eagerTrain;
  return {
    reset() {
      params = initial.map((v) => leaf(v, dtype));
      optimizer = new cr.SGD(params, { lr });
      if (compiled) {
        compiledStep = cr.compile(() => {
          optimizer.zeroGrad();
          const E = lossFn(params);
          E.backward();
          optimizer.step();
          return E;
        });
      }
    },
    train,
    step: () => train(steps),
    result: (loss) => ({ loss, check: sumAbs(params) }),
  };
}

/** W4: the lesson's 2-3-1 sigmoid network, binary cross-entropy, full-batch gradient descent. */
function w4(dtype, d = w4Data(), compiled = false) {
  const X = constant(d.x, dtype);
  const Y = constant(d.y, dtype);
  const oneMinusY = constant(
    d.y.map(([v]) => [1 - v]),
    dtype,
  );
  const lossFn = ([w0, b0, w1, b1]) => {
    const h = X.matmul(w0).add(b0).sigmoid();
    const yhat = h.matmul(w1).add(b1).sigmoid();
    // E = -mean(y·log ŷ + (1 − y)·log(1 − ŷ))
    return Y.mul(yhat.log())
      .add(oneMinusY.mul(yhat.neg().add(1).log()))
      .mean()
      .neg();
  };
  return trainer([d.w0, d.b0, d.w1, d.b1], dtype, lossFn, d.epochs, d.lr, compiled);
}

/** W5's loss as a function of its parameters [w0, b0, w1, b1]. */
function w5Loss(d, dtype) {
  const X = constant(d.x, dtype);
  const Y = constant(d.y, dtype);
  return ([w0, b0, w1, b1]) => {
    const h = X.matmul(w0).add(b0).relu();
    const logits = h.matmul(w1).add(b1);
    // E = -mean over the batch of Σ_classes y · logSoftmax(logits)
    return logits.logSoftmax(-1).mul(Y).sum(1).mean().neg();
  };
}

/** W5: 784-128-10 relu MLP, softmax cross-entropy, 50 SGD steps on one fixed batch. */
function w5(dtype, compiled = false) {
  const d = w5Data();
  return trainer([d.w0, d.b0, d.w1, d.b1], dtype, w5Loss(d, dtype), d.steps, d.lr, compiled);
}

/**
 * W6: Hessian-vector products of W5's loss at its initial parameters: g = grad(E, params) with
 * `createGraph`, then Hv = grad(Σ g·v, params), `hvps` times a run. Loss column: g·v; check: Σ|Hv|.
 */
function w6(dtype) {
  const d = w6Data();
  const lossFn = w5Loss(d, dtype);
  const params = [d.w0, d.b0, d.w1, d.b1].map((v) => leaf(v, dtype));
  const v = d.v.map((x) => constant(x, dtype));
  return {
    step() {
      let gv;
      let hv;
      for (let k = 0; k < d.hvps; k++) {
        const g = cr.grad(lossFn(params), params, { createGraph: true });
        gv = g[0].mul(v[0]).sum();
        for (let i = 1; i < g.length; i++) gv = gv.add(g[i].mul(v[i]).sum());
        hv = cr.grad(gv, params);
      }
      return { loss: gv.item(), hv };
    },
    result: ({ loss, hv }) => ({ loss, check: sumAbs(hv) }),
  };
}

/** W7: W4's training, `train(n)` at a time (the worker reads the heap in between). */
function w7(dtype) {
  const d = w7Data();
  return { ...w4(dtype, d), checkpoints: d.checkpoints };
}

/** MEM: heap bytes per node while a chain of `n` scalar nodes (y = y.add(0.5)) is alive. */
function mem(n) {
  const { Value } = cr;
  const gc = globalThis.gc;
  if (!gc) throw new Error('MEM needs node --expose-gc');
  return {
    measure() {
      gc();
      gc();
      const before = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const x = new Value(0);
      let y = x;
      // NOTE: fractional values, as a model's are: V8 keeps a small integer in the node itself but a
      // fractional number as a 16-byte heap number beside it (a chain of y.add(1) measured 80 B a node
      // in a process that never held a fraction in a Value, 96 B once any Value had).
      for (let i = 0; i < n; i++) y = y.add(0.5);
      const ms = performance.now() - t0;
      gc();
      gc();
      const after = process.memoryUsage().heapUsed;
      if (y.data !== n / 2) throw new Error(`MEM: chain computed ${y.data}, expected ${n / 2}`);
      // Nodes actually created, if the library numbers its nodes in creation order.
      const created = typeof y.id === 'number' && typeof x.id === 'number' ? y.id - x.id : undefined;
      // bytesPerNode: per y.add(0.5) op node (a library that also makes a node for the constant
      // shows it in idSpan = 2n; the bytes then cover both).
      return { ms, bytesPerNode: (after - before) / n, meta: { nodes: n, idSpan: created } };
    },
  };
}
