/** @file Which matrix-multiply kernel runs: SIMD WebAssembly where it is faster, plain JavaScript otherwise. */

import { show } from '../errors.js';
import { type GemmFn, type GemmTN, gemm as jsGemm, setGemm } from './matmul.js';
import { sameDtype, shouldUseWasmGemm, wasmGemm, wasmGemmAvailable, wasmGemmTN } from './wasm/gemm-wasm.js';

/** 'auto' (default): WebAssembly for products big enough to gain; 'js' or 'wasm' force one path. */
export type KernelPath = 'auto' | 'js' | 'wasm';

const auto: GemmFn = (a, b, c, m, k, n, aOff = 0, bOff = 0, cOff = 0) =>
  (shouldUseWasmGemm(a, b, c, m, k, n) ? wasmGemm : jsGemm)(a, b, c, m, k, n, aOff, bOff, cOff);

/** WebAssembly for every product it can take (one dtype throughout), however small: for testing that path. */
const forcedWasm: GemmFn = (a, b, c, m, k, n, aOff = 0, bOff = 0, cOff = 0) =>
  (sameDtype(a, b, c) ? wasmGemm : jsGemm)(a, b, c, m, k, n, aOff, bOff, cOff);

/** aᵀ @ b without a transposed copy, for the products each path gives the WebAssembly gemm. */
const autoTN: GemmTN = (at, b, c, m, k, n) =>
  shouldUseWasmGemm(at, b, c, m, k, n) && wasmGemmTN(at, b, c, m, k, n);
const forcedWasmTN: GemmTN = (at, b, c, m, k, n) => sameDtype(at, b, c) && wasmGemmTN(at, b, c, m, k, n);

let current: KernelPath = 'auto';

/**
 * Chooses the matmul kernel. The environment variable `CHAINRULE_KERNELS` (auto, js, wasm) sets it
 * at start-up; the test suite runs once per path.
 *
 * @example
 * useKernels('js');   // plain JavaScript loops only
 */
export function useKernels(path: KernelPath): void {
  if (path !== 'auto' && path !== 'js' && path !== 'wasm') {
    throw new TypeError(`useKernels: unknown kernel path ${show(path)}; use 'auto', 'js' or 'wasm'`);
  }
  if (path === 'wasm' && !wasmGemmAvailable) {
    throw new TypeError("useKernels: WebAssembly SIMD is not available here; use 'auto' or 'js'");
  }
  if (path === 'js' || !wasmGemmAvailable) setGemm(jsGemm);
  else if (path === 'wasm') setGemm(forcedWasm, (a, b, c) => !sameDtype(a, b, c), forcedWasmTN);
  else setGemm(auto, (a, b, c, m, k, n) => !shouldUseWasmGemm(a, b, c, m, k, n), autoTN);
  current = path;
}

/** The matrix-product kernel path in use (`'auto'` unless `useKernels` or CHAINRULE_KERNELS chose one). @example kernelPath();   // 'auto' */
export function kernelPath(): KernelPath {
  return current;
}

const fromEnv = typeof process !== 'undefined' ? process.env?.CHAINRULE_KERNELS : undefined;
try {
  useKernels((fromEnv as KernelPath | undefined) ?? 'auto');
} catch (e) {
  // NOTE: importing the library must not fail over an environment variable: say so and use 'auto'.
  console.warn(`chainrule: CHAINRULE_KERNELS=${fromEnv} ignored: ${(e as Error).message}`);
  useKernels('auto');
}
