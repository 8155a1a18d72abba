/**
 * @file The benchmark's W1 (bench/libs/chainrule.mjs), step by step as the harness runs it (`gc()`
 * before each timed step), with more steps than the harness's five: the fastest and median step,
 * and every step in order, so that warm-up shows. Compare two builds by alternating processes
 * (CHAINRULE_MODULE picks the build, as for `npm run bench`):
 *
 *   npm run build && for i in 1 2 3; do
 *     CHAINRULE_MODULE=/path/to/other/dist/index.js node --expose-gc bench/probes/w1-steps.mjs
 *     node --expose-gc bench/probes/w1-steps.mjs
 *   done
 *
 * Arguments: warm-up steps (default 3, the harness's), timed steps (default 30).
 */
import { init, setup } from '../libs/chainrule.mjs';

if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
const warmup = Number(process.argv[2] ?? 3);
const runs = Number(process.argv[3] ?? 30);
const { module } = await init();
const w = await setup({ workload: 'W1' }, '');
for (let i = 0; i < warmup; i++) w.result(w.step());
const times = [];
for (let i = 0; i < runs; i++) {
  gc();
  const t0 = performance.now();
  const out = w.step();
  times.push(performance.now() - t0);
  w.result(out);
}
const sorted = [...times].sort((a, b) => a - b);
console.log(
  `${module}: W1 ms a step: fastest ${sorted[0].toFixed(1)}, median ${sorted[runs >> 1].toFixed(1)}; in order ${times.map((t) => t.toFixed(0)).join(' ')}`,
);
