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

async function loadLib(name) {
  if (name === 'chainrule') {
    const lib = await import('./libs/chainrule.mjs');
    return { lib, info: await lib.init() };
  }
  if (name === 'tfjs-cpu' || name === 'tfjs-wasm') {
    const lib = await import('./libs/tfjs.mjs');
    return { lib, info: await lib.init({ backend: name.slice('tfjs-'.length) }) };
  }
  throw new Error(`unknown library ${name}`);
}

async function main() {
  const c = findCase(args.case);
  const runs = Number(args.runs);
  const warmup = Number(args.warmup);
  const { lib, info } = await loadLib(args.lib);
  const w = await lib.setup(c, args.variant);
  const out = { lib: args.lib, variant: args.variant, case: c.id, runs, warmup, info, meta: w.meta ?? {} };

  if (c.memory) {
    // Memory workloads measure themselves (they need gc() between their own steps).
    const samples = [];
    for (let i = 0; i < warmup + runs; i++) {
      const s = w.measure();
      if (i >= warmup) samples.push(s);
    }
    out.times = samples.map((s) => s.ms);
    out.medianMs = median(out.times);
    out.bytesPerNode = median(samples.map((s) => s.bytesPerNode));
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
