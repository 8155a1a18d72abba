/**
 * @file Measures the WebAssembly gemm against plain JS ones: GFLOP/s at n = 64…512, and where wasm
 * starts to win (the evidence for WASM_GEMM_MIN_FLOPS). Run: `npx tsx scripts/measure-gemm.ts`.
 */

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wasmGemm, wasmGemmAvailable } from '../src/kernels/wasm/gemm-wasm.js';

type Data = Float64Array | Float32Array;
type Gemm = (a: Data, b: Data, c: Data, m: number, k: number, n: number) => void;
type DType = 'float64' | 'float32';

/** The baseline asked for: C += A·B in i-k-j order, blocked so a 64-row tile of B stays in cache. */
function jsBlocked(a: Data, b: Data, c: Data, m: number, k: number, n: number): void {
  const T = 64;
  for (let i0 = 0; i0 < m; i0 += T)
    for (let p0 = 0; p0 < k; p0 += T)
      for (let i = i0; i < Math.min(i0 + T, m); i++)
        for (let p = p0; p < Math.min(p0 + T, k); p++) {
          const aip = a[i * k + p]!;
          const row = p * n;
          const out = i * n;
          for (let j = 0; j < n; j++) c[out + j]! += aip * b[row + j]!;
        }
}

/** The fastest plain JS found here: a 2×2 tile of C summed in locals over p; odd edges one by one. */
function jsTiled(a: Data, b: Data, c: Data, m: number, k: number, n: number): void {
  const m2 = m - (m % 2);
  const n2 = n - (n % 2);
  for (let i = 0; i < m2; i += 2)
    for (let j = 0; j < n2; j += 2) {
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[i * k + p]!;
        const x1 = a[(i + 1) * k + p]!;
        const y0 = b[p * n + j]!;
        const y1 = b[p * n + j + 1]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      c[i * n + j]! += s00;
      c[i * n + j + 1]! += s01;
      c[(i + 1) * n + j]! += s10;
      c[(i + 1) * n + j + 1]! += s11;
    }
  for (let i = 0; i < m; i++)
    for (let j = i < m2 ? n2 : 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j]! += s;
    }
}

/** Best-of-7 seconds per call, each sample long enough (≥ 20 ms) for the clock. */
function secondsPerCall(gemm: Gemm, dtype: DType, m: number, k: number, n: number): number {
  const make = dtype === 'float64' ? (s: number) => new Float64Array(s) : (s: number) => new Float32Array(s);
  const a = make(m * k).map(() => Math.random() - 0.5);
  const b = make(k * n).map(() => Math.random() - 0.5);
  const c = make(m * n);
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) gemm(a, b, c, m, k, n);
    if (performance.now() - t0 > 20) break;
    reps *= 2;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let s = 0; s < 7; s++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) gemm(a, b, c, m, k, n);
    best = Math.min(best, (performance.now() - t0) / 1000 / reps);
  }
  return best;
}

function measure(dtype: DType): void {
  if (!wasmGemmAvailable) throw new Error('measure-gemm: the WebAssembly gemm did not load on this runtime');
  const gflops = (n: number, gemm: Gemm): string =>
    ((2 * n ** 3) / secondsPerCall(gemm, dtype, n, n, n) / 1e9).toFixed(2).padStart(8);
  console.log(`\n${dtype}: GFLOP/s for C[n×n] += A·B, best of 7 (wasm includes copying in and out)`);
  console.log('   n  js i-k-j  js 2×2 tile      wasm');
  for (const n of [64, 128, 256, 512]) {
    console.log(
      `${String(n).padStart(4)}  ${gflops(n, jsBlocked)}  ${gflops(n, jsTiled)}   ${gflops(n, wasmGemm)}`,
    );
  }

  console.log(`\n${dtype}: wasm time / JS time (below 1: wasm wins)`);
  console.log('m×k×n              flops  vs i-k-j  vs 2×2 tile');
  const shapes: [number, number, number][] = [
    [2, 3, 4],
    [4, 4, 4],
    [6, 6, 6],
    [8, 8, 8],
    [10, 10, 10],
    [12, 12, 12],
    [16, 16, 16],
    [20, 20, 20],
    [24, 24, 24],
    [32, 32, 32],
    [64, 64, 64],
    [4, 16, 16],
    [16, 4, 16],
    [16, 16, 4],
    [4, 64, 64],
    [64, 4, 64],
    [64, 64, 4],
    [1, 256, 256],
    [256, 256, 1],
    [2, 256, 256],
    [4, 256, 256],
    [256, 1, 256],
  ];
  for (const [m, k, n] of shapes) {
    const wasm = secondsPerCall(wasmGemm, dtype, m, k, n);
    const ratio = (gemm: Gemm): string => (wasm / secondsPerCall(gemm, dtype, m, k, n)).toFixed(2);
    console.log(
      `${`${m}×${k}×${n}`.padEnd(14)} ${String(2 * m * k * n).padStart(9)}  ${ratio(jsBlocked).padStart(8)}  ${ratio(jsTiled).padStart(11)}`,
    );
  }
}

// NOTE: each dtype runs in a process of its own. A JS kernel fed both Float64Array and Float32Array
// goes polymorphic in V8 and loses a third of its speed, which would flatter wasm.
const dtype = process.argv[2];
if (dtype === 'float64' || dtype === 'float32') {
  measure(dtype);
} else {
  for (const d of ['float64', 'float32']) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), d], {
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
