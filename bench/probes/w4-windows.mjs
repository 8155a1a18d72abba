/**
 * @file The benchmark's W4 (bench/libs/chainrule.mjs), timed in windows of 100 epochs after 3,000
 * warm-up epochs: the fastest window (and the 10th percentile) per 1,000 epochs, which this shared
 * machine's swings disturb less than a median of whole runs. Compare two builds by alternating
 * processes (CHAINRULE_MODULE picks the build, as for `npm run bench`):
 *
 *   npm run build && for i in 1 2 3; do
 *     CHAINRULE_MODULE=/path/to/other/dist/index.js node bench/probes/w4-windows.mjs compile
 *     node bench/probes/w4-windows.mjs compile
 *   done
 *
 * The argument is `eager` or `compile` (the default).
 */
import { init, setup } from '../libs/chainrule.mjs';

const mode = process.argv[2] ?? 'compile';
const { module } = await init();
const w = await setup({ workload: 'W4' }, mode === 'compile' ? 'compile' : '');
w.reset();
w.train(3000);
const windows = [];
for (let r = 0; r < 60; r++) {
  const t = performance.now();
  w.train(100);
  windows.push((performance.now() - t) * 10);
}
windows.sort((a, b) => a - b);
const ms = (v) => v.toFixed(1);
console.log(
  `${module}: W4 ${mode}, ms per 1,000 epochs: fastest window ${ms(windows[0])}, 10th percentile ${ms(windows[6])}, median ${ms(windows[30])}`,
);
