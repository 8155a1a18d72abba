/** @file WebAssembly memory grown by a large product is given back when the gemm is idle. */

import { afterEach, describe, expect, it, vi } from 'vitest';
import { gemm } from '../../../src/kernels/matmul.js';
import {
  releaseWasmGemmMemory,
  wasmGemm,
  wasmGemmAvailable,
  wasmGemmMemoryBytes,
} from '../../../src/kernels/wasm/gemm-wasm.js';

const MiB = 2 ** 20;

function product(m: number, k: number, n: number): { wasm: Float64Array; js: Float64Array } {
  const a = Float64Array.from({ length: m * k }, (_, i) => ((i * 7) % 13) - 6);
  const b = Float64Array.from({ length: k * n }, (_, i) => ((i * 5) % 11) - 5);
  const wasm = new Float64Array(m * n);
  const js = new Float64Array(m * n);
  wasmGemm(a, b, wasm, m, k, n);
  gemm(a, b, js, m, k, n);
  return { wasm, js };
}

afterEach(() => {
  vi.useRealTimers();
});

describe.runIf(wasmGemmAvailable)('WebAssembly memory', () => {
  it('grows for a large product, is given back after a second idle, and the next product is right', () => {
    vi.useFakeTimers();
    product(8, 1024, 2200); // B alone is 17.6 MB
    expect(wasmGemmMemoryBytes()).toBeGreaterThan(16 * MiB);
    vi.advanceTimersByTime(500);
    expect(wasmGemmMemoryBytes()).toBeGreaterThan(16 * MiB); // not idle long enough
    vi.advanceTimersByTime(600);
    expect(wasmGemmMemoryBytes()).toBeLessThan(MiB);
    const { wasm, js } = product(16, 16, 16);
    expect(Array.from(wasm)).toEqual(Array.from(js));
  });

  it('releaseWasmGemmMemory gives it back at once; small memory is kept for reuse', () => {
    product(8, 1024, 2200);
    releaseWasmGemmMemory();
    expect(wasmGemmMemoryBytes()).toBeLessThan(MiB);
    product(16, 64, 16);
    const small = wasmGemmMemoryBytes();
    releaseWasmGemmMemory();
    expect(wasmGemmMemoryBytes()).toBe(small);
  });
});
