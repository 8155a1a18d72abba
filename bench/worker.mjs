/**
 * @file One child process = one library × one case (× one variant). Started by run.mjs with
 * `node --expose-gc bench/worker.mjs --lib L --case C [--variant V] --runs N --warmup W [--gc-stats]`.
 *
 * Prints exactly one line starting with RESULT_MARKER followed by JSON; everything else on
 * stdout/stderr is diagnostics (TF.js prints a banner, for example).
 */

import { constants, PerformanceObserver, performance } from 'node:perf_hooks';
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
    'gc-stats': { type: 'boolean', default: false },
  },
});

const gc = globalThis.gc ?? (() => {});

/**
 * --gc-stats: every collection V8 reports (a `gc` performance entry: start, duration, kind), so the
 * time the collector took inside each timed run can be told apart from the library's own. Entries
 * arrive asynchronously; `gcIn` is read after the runs, once they have been delivered.
 */
function gcRecorder() {
  const entries = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      entries.push({ start: e.startTime, ms: e.duration, kind: e.detail?.kind });
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async flush() {
      await new Promise((resolve) => setTimeout(resolve, 10));
      observer.disconnect();
    },
    /** Collector time and counts (minor = scavenges, major = mark-compact) inside [t0, t1]. */
    gcIn(t0, t1) {
      const inside = entries.filter((e) => e.start >= t0 && e.start < t1);
      const { NODE_PERFORMANCE_GC_MINOR: MINOR, NODE_PERFORMANCE_GC_MAJOR: MAJOR } = constants;
      return {
        ms: inside.reduce((s, e) => s + e.ms, 0),
        minor: inside.filter((e) => e.kind === MINOR).length,
        major: inside.filter((e) => e.kind === MAJOR).length,
      };
    },
  };
}

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

  const recorder = args['gc-stats'] ? gcRecorder() : null;
  const windows = [];
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
    windows.push([t0, t1]);
    results.push(w.result(o));
  }
  if (recorder) {
    await recorder.flush();
    const perRun = windows.map(([t0, t1]) => recorder.gcIn(t0, t1));
    out.gc = {
      ms: median(perRun.map((g) => g.ms)),
      minor: median(perRun.map((g) => g.minor)),
      major: median(perRun.map((g) => g.major)),
      runs: perRun,
    };
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
