/**
 * @file One child process = one library × one case (× one variant). Started by run.mjs with
 * `node --expose-gc bench/worker.mjs --lib L --case C [--variant V] --runs N --warmup W`.
 *
 * Prints exactly one line starting with RESULT_MARKER followed by JSON; everything else on
 * stdout/stderr is diagnostics (TF.js prints a banner, for example).
 */

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { findCase } from './cases.mjs';
import { median } from './stats.mjs';

export const RESULT_MARKER = '@@BENCH_RESULT ';

const { values: args } = parseArgs({
  options: {
    lib: { type: 'string' },
    case: { type: 'string' },
    variant: { type: 'string', default: '' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
  },
});

const gc = globalThis.gc ?? (() => {});

/**
 * Bytes the process holds for JavaScript after full collections: the V8 heap plus memory outside it
 * that JS objects own (`external`: typed-array backing stores over 64 bytes, WebAssembly memory).
 */
function heapBytes() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, total: m.heapUsed + m.external };
}

/**
 * W7: train to each checkpoint epoch and read the heap there. Growth is from the first reading to the
 * last. The time is the training's alone (the readings' collections left out).
 */
function measureGrowth(w, checkpoints) {
  if (!globalThis.gc) throw new Error('growth workloads need node --expose-gc');
  w.reset?.();
  gc();
  let ms = 0;
  let epoch = 0;
  let loss;
  const readings = [];
  for (const at of checkpoints) {
    const t0 = performance.now();
    loss = w.train(at - epoch);
    ms += performance.now() - t0;
    epoch = at;
    readings.push({ epoch, ...heapBytes() });
  }
  const first = readings[0].total;
  const last = readings[readings.length - 1].total;
  return { ms, growth: (last - first) / first, ...w.result(loss), meta: { memory: 'heap', readings } };
}

async function loadLib(name) {
  if (name === 'chainrule') {
    const lib = await import('./libs/chainrule.mjs');
    return { lib, info: await lib.init() };
  }
  if (name === 'tfjs-cpu' || name === 'tfjs-wasm') {
    const lib = await import('./libs/tfjs.mjs');
    return { lib, info: await lib.init({ backend: name.slice('tfjs-'.length) }) };
  }
  // PyTorch runs in its own Python process (libs/torch_worker.py), started by run.mjs directly.
  throw new Error(`unknown library ${name}`);
}

async function main() {
  const c = findCase(args.case);
  const runs = Number(args.runs);
  const warmup = Number(args.warmup);
  const { lib, info } = await loadLib(args.lib);
  const w = await lib.setup(c, args.variant);
  const out = { lib: args.lib, variant: args.variant, case: c.id, runs, warmup, info, meta: w.meta ?? {} };

  if (c.memory || c.growth) {
    // Memory workloads measure themselves (they need gc() between their own steps).
    const measure = c.growth ? () => measureGrowth(w, w.checkpoints) : () => w.measure();
    const samples = [];
    for (let i = 0; i < warmup + runs; i++) {
      const s = measure();
      if (i >= warmup) samples.push(s);
    }
    out.times = samples.map((s) => s.ms);
    out.medianMs = median(out.times);
    if (c.memory) out.bytesPerNode = median(samples.map((s) => s.bytesPerNode));
    if (c.growth) {
      out.growth = median(samples.map((s) => s.growth));
      out.loss = samples[0].loss;
      out.check = samples[0].check;
      out.losses = samples.map((s) => s.loss);
      out.checks = samples.map((s) => s.check);
    }
    out.meta = { ...out.meta, ...samples[0].meta };
    return out;
  }

  const liveBefore = lib.liveTensors?.();
  for (let i = 0; i < warmup; i++) {
    w.reset?.();
    w.result(w.step());
  }
  const times = [];
  const results = [];
  for (let i = 0; i < runs; i++) {
    w.reset?.();
    gc();
    const t0 = performance.now();
    const o = w.step();
    const t1 = performance.now();
    times.push(t1 - t0);
    results.push(w.result(o));
  }
  const liveAfter = lib.liveTensors?.();
  out.times = times;
  out.medianMs = median(times);
  out.loss = results[0].loss;
  out.check = results[0].check;
  out.losses = results.map((r) => r.loss);
  out.checks = results.map((r) => r.check);
  // Every run starts from the same state, so every run must give the same numbers.
  out.deterministic = results.every((r) => r.loss === out.loss && Object.is(r.check, out.check));
  if (liveBefore !== undefined) out.leakedTensors = liveAfter - liveBefore;
  return out;
}

main().then(
  (out) => {
    process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(out)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stdout.write(
      `\n${RESULT_MARKER}${JSON.stringify({ lib: args.lib, variant: args.variant, case: args.case, error: String(err?.stack ?? err) })}\n`,
    );
    process.exit(1);
  },
);
