/**
 * @file W4's step in a loop, timed in windows of 100 epochs after 3,000 warm-up epochs: the fastest
 * window (and the 10th percentile) per 1,000 epochs, which this shared machine's swings disturb less
 * than a median of whole runs. Compare two builds by alternating processes:
 *
 *   npm run build && for i in 1 2 3; do
 *     node bench/probes/w4-windows.mjs compile /path/to/other/dist/index.js; node bench/probes/w4-windows.mjs compile
 *   done
 *
 * `eager` or `compile` (default); the module defaults to this checkout's dist/index.js.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { w4Data } from '../data.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const mode = process.argv[2] ?? 'compile';
const modulePath = process.argv[3] ?? path.join(here, '..', '..', 'dist', 'index.js');
const cr = await import(pathToFileURL(path.resolve(modulePath)).href);

const d = w4Data();
const X = cr.tensor(d.x);
const Y = cr.tensor(d.y);
const oneMinusY = cr.tensor(d.y.map(([v]) => [1 - v]));
const params = [d.w0, d.b0, d.w1, d.b1].map((v) => cr.tensor(v, { requiresGrad: true }));
const [w0, b0, w1, b1] = params;
const opt = new cr.SGD(params, { lr: d.lr });
const step = () => {
  opt.zeroGrad();
  const h = X.matmul(w0).add(b0).sigmoid();
  const yhat = h.matmul(w1).add(b1).sigmoid();
  const E = Y.mul(yhat.log())
    .add(oneMinusY.mul(yhat.neg().add(1).log()))
    .mean()
    .neg();
  E.backward();
  opt.step();
  return E;
};
const f = mode === 'compile' ? cr.compile(step) : step;
for (let e = 0; e < 3000; e++) f();
const windows = [];
for (let r = 0; r < 60; r++) {
  const t = performance.now();
  for (let e = 0; e < 100; e++) f();
  windows.push((performance.now() - t) * 10);
}
windows.sort((a, b) => a - b);
const ms = (v) => v.toFixed(1);
console.log(
  `${modulePath}: W4 ${mode}, ms per 1,000 epochs: fastest window ${ms(windows[0])}, 10th percentile ${ms(windows[6])}, median ${ms(windows[30])}`,
);
