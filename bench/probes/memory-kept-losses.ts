/**
 * @file Heap growth per step of a training loop that keeps every loss (`losses.push(loss)`), on a
 * 32×64 model: a batch of 32 rows of 64 features, Linear 64→64, tanh, Linear 64→1, MSE, SGD.
 * Run: `node --expose-gc --import tsx bench/probes/memory-kept-losses.ts [path/to/src/index.ts]`.
 * Prints the growth per step over 2,000 steps (after a full GC at both ends) of the JS heap plus the
 * typed arrays' backing stores (`arrayBuffers`, which `heapUsed` does not count).
 */
import { pathToFileURL } from 'node:url';

const entry = process.argv[2] ?? new URL('../../src/index.ts', import.meta.url).pathname;
const lib = await import(pathToFileURL(entry).href);
const { manualSeed, randn, SGD } = lib;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

manualSeed(0);
const X = randn([32, 64]);
const Y = randn([32, 1]);
const params = [randn([64, 64]).mul(0.1), randn([64]).mul(0.01), randn([64, 1]).mul(0.1), randn([1])].map(
  (t) => {
    const p = t.detach();
    p.requiresGrad = true;
    return p;
  },
);
const [W1, b1, W2, b2] = params;
const opt = new SGD(params, { lr: 0.01 });
const losses: unknown[] = [];

function step(): void {
  opt.zeroGrad();
  const h = X.matmul(W1).add(b1).tanh();
  const d = h.matmul(W2).add(b2).sub(Y);
  const loss = d.mul(d).mean();
  loss.backward();
  opt.step();
  losses.push(loss);
}

for (let i = 0; i < 50; i++) step(); // warm up
gc();
gc();
const used = () => {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
};
const before = used();
const steps = 2000;
for (let i = 0; i < steps; i++) step();
gc();
gc();
const after = used();
const kib = (bytes: number) => `${(bytes / steps / 1024).toFixed(2)} KiB`;
const heap = after.heap - before.heap;
const buffers = after.buffers - before.buffers;
console.log(
  `${steps} steps keeping ${losses.length} losses: per step ${kib(heap + buffers)} ` +
    `(JS heap ${kib(heap)}, array buffers ${kib(buffers)}); total ${((heap + buffers) / 2 ** 20).toFixed(1)} MiB`,
);
