/**
 * @file Nanoseconds per element of exp, log and sigmoid loops over 1200 float64 elements (W4's size):
 * V8's Math.exp/Math.log against src/kernels/fast-math.ts, in alternating rounds, medians printed. Times
 * are this process's CPU time (process.cpuUsage), which a busy machine's other work moves less than the clock.
 * Run from the repository root: `npx tsx bench/probes/fast-math.ts` (imports src/, no build needed).
 */

import { expOf as exp, logOf as log } from '../../src/kernels/fast-math.js';

const N = 1200;
const REPS = 2000;
const ROUNDS = 15;

function uniform(lo: number, hi: number): Float64Array {
  const a = new Float64Array(N);
  let s = 12345;
  for (let i = 0; i < N; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = lo + ((hi - lo) * s) / 2147483648;
  }
  return a;
}

const wide = uniform(-700, 700);
const narrow = uniform(-6, 6);
const unit = uniform(1e-6, 1);
const out = new Float64Array(N);

const loops: Record<string, (src: Float64Array) => void> = {
  'Math.exp': (src) => {
    for (let i = 0; i < N; i++) out[i] = Math.exp(src[i]!);
  },
  exp: (src) => {
    for (let i = 0; i < N; i++) out[i] = exp(src[i]!);
  },
  'Math.log': (src) => {
    for (let i = 0; i < N; i++) out[i] = Math.log(src[i]!);
  },
  log: (src) => {
    for (let i = 0; i < N; i++) out[i] = log(src[i]!);
  },
  'sigmoid (Math.exp)': (src) => {
    for (let i = 0; i < N; i++) {
      const v = src[i]!;
      const e = Math.exp(-Math.abs(v));
      out[i] = v >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
  },
  'sigmoid (exp)': (src) => {
    for (let i = 0; i < N; i++) {
      const v = src[i]!;
      const e = exp(-Math.abs(v));
      out[i] = v >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
  },
};

const cases: [string, string, Float64Array][] = [
  ['Math.exp', 'x in [-6, 6]', narrow],
  ['exp', 'x in [-6, 6]', narrow],
  ['Math.exp', 'x in [-700, 700]', wide],
  ['exp', 'x in [-700, 700]', wide],
  ['Math.log', 'x in (0, 1]', unit],
  ['log', 'x in (0, 1]', unit],
  ['sigmoid (Math.exp)', 'x in [-6, 6]', narrow],
  ['sigmoid (exp)', 'x in [-6, 6]', narrow],
];

const times = cases.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  for (const [c, [name, , src]] of cases.entries()) {
    const loop = loops[name]!;
    const t0 = process.cpuUsage();
    for (let r = 0; r < REPS; r++) loop(src);
    const { user, system } = process.cpuUsage(t0);
    times[c]!.push(((user + system) * 1e3) / (REPS * N));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const [c, [name, range]] of cases.entries()) {
  console.log(`${`${name}, ${range}`.padEnd(34)} ${median(times[c]!).toFixed(2)} ns/element`);
}
