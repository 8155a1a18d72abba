/**
 * @file The benchmark's data, from ONE seeded generator.
 *
 * Every library's child process imports this file and calls the same functions with the same seeds,
 * so every library starts from bit-identical numbers (plain JS doubles; TF.js and chainrule's
 * float32 rows round them to float32 on the way in).
 *
 * Generator: mulberry32 (32-bit state, uniform in [0, 1)) and Box–Muller for normals.
 */

/** mulberry32: a small, fast, seeded 32-bit PRNG. Returns uniform doubles in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded source of uniform and standard-normal numbers (Box–Muller, both halves used). */
export function rng(seed) {
  const uniform = mulberry32(seed);
  let spare = null;
  function normal() {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform(); // avoid log(0)
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  return { uniform, normal };
}

/** A rows × cols matrix (nested arrays) of normals scaled by `scale`. */
export function normalMatrix(r, rows, cols, scale = 1) {
  const out = [];
  for (let i = 0; i < rows; i++) {
    const row = new Array(cols);
    for (let j = 0; j < cols; j++) row[j] = r.normal() * scale;
    out.push(row);
  }
  return out;
}

/** A vector (plain array) of normals scaled by `scale`. */
export function normalVector(r, n, scale = 1) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = r.normal() * scale;
  return out;
}

export const SEEDS = { W1: 101, W2: 202, W3: 303, W4: 404, W5: 505, W6: 606 };

/**
 * W1: a 2-16-16-1 tanh MLP built from scalars, 100 samples.
 * Layers are `{ w: [out][in], b: [out] }`; hidden layers use tanh, the output is linear.
 */
export function w1Data() {
  const r = rng(SEEDS.W1);
  const sizes = [2, 16, 16, 1];
  const layers = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    layers.push({ w: normalMatrix(r, nout, nin, 1 / Math.sqrt(nin)), b: normalVector(r, nout, 0.1) });
  }
  const xs = normalMatrix(r, 100, 2);
  // a smooth target so the loss is a meaningful number
  const ys = xs.map(([a, b]) => Math.sin(a) * 0.5 + 0.3 * b);
  return { sizes, layers, xs, ys };
}

/** Flatten W1's layers into one parameter list, in a fixed order both libraries use. */
export function w1ParamList(layers) {
  const flat = [];
  for (const { w, b } of layers) {
    for (const row of w) for (const v of row) flat.push(v);
    for (const v of b) flat.push(v);
  }
  return flat;
}

/**
 * The number of op nodes one W1 forward pass creates (neuron: nin muls, nin-1 + 1 adds for the
 * weighted sum and the bias, one tanh on hidden layers; loss per sample: sub, pow, and an add
 * into the running sum for every sample but the first).
 */
export function w1OpsPerForward({ sizes, xs }) {
  let perSample = 0;
  for (let l = 0; l < sizes.length - 1; l++) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    const hidden = l < sizes.length - 2;
    perSample += nout * (nin + nin + (hidden ? 1 : 0));
  }
  perSample += 2; // sub, pow
  return xs.length * perSample + (xs.length - 1);
}

/** W2: the starting x of the tanh chain. */
export function w2Data() {
  const r = rng(SEEDS.W2);
  return { x: r.uniform() - 0.5, scale: 1.0001, shift: 0.1 };
}

/** W3: two n × n normal matrices. */
export function w3Data(n) {
  const r = rng(SEEDS.W3 + n);
  return { a: normalMatrix(r, n, n), b: normalMatrix(r, n, n) };
}

/**
 * W4: the lesson's network shape, 2-3-1 with sigmoid units and biases, binary cross-entropy.
 * 400 samples: two Gaussian blobs labelled 0 and 1, with some overlap.
 */
export function w4Data() {
  const r = rng(SEEDS.W4);
  const n = 400;
  const x = [];
  const y = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const cx = label ? 1 : -1;
    x.push([cx + r.normal() * 0.9, -cx * 0.5 + r.normal() * 0.9]);
    y.push([label]);
  }
  return {
    x,
    y,
    w0: normalMatrix(r, 2, 3, 0.5),
    b0: normalVector(r, 3, 0.1),
    w1: normalMatrix(r, 3, 1, 0.5),
    b1: normalVector(r, 1, 0.1),
    epochs: 1000,
    lr: 0.5,
  };
}

/** W5: a 784-128-10 relu classifier, one fixed batch of 64 with one-hot labels, 50 SGD steps. */
export function w5Data() {
  const r = rng(SEEDS.W5);
  const batch = 64;
  const x = normalMatrix(r, batch, 784);
  const y = [];
  for (let i = 0; i < batch; i++) {
    const row = new Array(10).fill(0);
    row[Math.floor(r.uniform() * 10)] = 1;
    y.push(row);
  }
  return {
    x,
    y,
    w0: normalMatrix(r, 784, 128, Math.sqrt(2 / 784)),
    b0: new Array(128).fill(0),
    w1: normalMatrix(r, 128, 10, Math.sqrt(2 / 128)),
    b1: new Array(10).fill(0),
    steps: 50,
    lr: 0.1,
  };
}

/**
 * W6: a Hessian-vector product of W5's loss at W5's initial parameters, along a fixed direction `v`
 * (one normal array per parameter, in W5's parameter order w0, b0, w1, b1), `hvps` times a run.
 */
export function w6Data() {
  const r = rng(SEEDS.W6);
  const d = w5Data();
  return {
    x: d.x,
    y: d.y,
    w0: d.w0,
    b0: d.b0,
    w1: d.w1,
    b1: d.b1,
    v: [normalMatrix(r, 784, 128), normalVector(r, 128), normalMatrix(r, 128, 10), normalVector(r, 10)],
    hvps: 10,
  };
}

/**
 * W7: W4's network and data, trained for 10,000 epochs; the heap is read after each checkpoint epoch.
 * Growth is from the first checkpoint to the last; the one between tells a leak (growing on) from a
 * one-off (compiled code, caches filled once).
 */
export function w7Data() {
  return { ...w4Data(), checkpoints: [100, 1_000, 10_000] };
}

/**
 * The data of one workload as plain JSON-able numbers, for a library that runs outside Node (the
 * PyTorch worker reads it from a file, so it starts from the very same doubles: JSON.stringify
 * writes the shortest text that reads back to the same double, and Python's float() reads it so).
 */
export function dataFor(workload, size) {
  switch (workload) {
    case 'W1': {
      const d = w1Data();
      return { ...d, ops: w1OpsPerForward(d) };
    }
    case 'W2':
      return { ...w2Data(), n: size };
    case 'W3':
      return w3Data(size);
    case 'W4':
      return w4Data();
    case 'W5':
      return w5Data();
    case 'W6':
      return w6Data();
    case 'W7':
      return w7Data();
    default:
      throw new Error(`no data for workload ${workload}`);
  }
}
