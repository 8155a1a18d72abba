/** @file Which matrix-multiply kernel runs: SIMD WebAssembly where it is faster, plain JavaScript otherwise. */

import { show } from '../errors.js';
import { type GemmFn, type GemmTN, gemm as jsGemm, setGemm, type TakesJs } from './matmul.js';
import { sameDtype, shouldUseWasmGemm, wasmGemm, wasmGemmAvailable, wasmGemmTN } from './wasm/gemm-wasm.js';

/** 'auto' (default): WebAssembly for products big enough to gain; 'js' or 'wasm' force one path. */
export type KernelPath = 'auto' | 'js' | 'wasm';

/**
 * A path's gemm, the products it hands to the JS gemm, and its aᵀ @ b without a copy, all from one
 * test of whether the WebAssembly gemm takes a product.
 */
function wasmPath(takes: TakesJs): [GemmFn, TakesJs, GemmTN] {
  return [
    (a, b, c, m, k, n, aOff = 0, bOff = 0, cOff = 0) =>
      (takes(a, b, c, m, k, n) ? wasmGemm : jsGemm)(a, b, c, m, k, n, aOff, bOff, cOff),
    (a, b, c, m, k, n) => !takes(a, b, c, m, k, n),
    (at, b, c, m, k, n) => takes(at, b, c, m, k, n) && wasmGemmTN(at, b, c, m, k, n),
  ];
}

/** 'auto': WebAssembly for products big enough to gain. */
const AUTO = wasmPath(shouldUseWasmGemm);
/** 'wasm': WebAssembly for every product it can take (one dtype throughout), however small: for testing that path. */
const FORCED = wasmPath((a, b, c) => sameDtype(a, b, c));

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
  else setGemm(...(path === 'wasm' ? FORCED : AUTO));
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
