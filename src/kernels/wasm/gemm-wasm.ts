/** @file The WebAssembly SIMD gemm: compiles the prebuilt module at import and runs C += A·B in its memory. */

import { LONG_K, NARROW } from '../gemm-narrow.js';
import type { GemmFn } from '../matmul.js';
import type { Data } from '../ndarray.js';
import { GEMM_WASM_BASE64 } from './gemm-wasm.generated.js';

// NOTE: the project compiles without the DOM lib, which is where TypeScript declares WebAssembly, so
// the few members used here are typed by hand and reached through globalThis.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: object };
}
type Kernel = (
  pA: number,
  pB: number,
  pC: number,
  m: number,
  k: number,
  n: number,
  pW: number,
  aT: number,
) => void;
interface GemmExports {
  readonly memory: WasmMemory;
  readonly heap_base: { readonly value: number };
  readonly gemm_work_bytes: (k: number, n: number, elementBytes: number) => number;
  readonly gemm_f64: Kernel;
  readonly gemm_f32: Kernel;
}

/** The compiled module and a way to make instances of it, or null where WebAssembly or its SIMD is missing. */
function compile(): (() => GemmExports) | null {
  try {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (api === undefined) return null;
    const text = atob(GEMM_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const module = new api.Module(bytes);
    const instantiate = () => new api.Instance(module).exports as GemmExports;
    instantiate(); // SIMD missing shows here
    return instantiate;
  } catch {
    return null;
  }
}

const instantiate = compile();
let wasm: GemmExports | null = instantiate === null ? null : instantiate();

/**
 * WebAssembly memory cannot shrink, so memory grown past this by a large product is given back by
 * dropping the whole instance once the gemm has been idle for IDLE_MS: the next product starts a
 * fresh instance (a few microseconds; the compiled module is kept).
 */
const KEEP_BYTES = 16 * 2 ** 20;
const IDLE_MS = 1000;
let idleTimer: ReturnType<typeof setTimeout> | null = null;

/** Drops the instance and its memory now (the next product makes a fresh one); a no-op when small. */
export function releaseWasmGemmMemory(): void {
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = null;
  if (wasm === null || instantiate === null || wasm.memory.buffer.byteLength <= KEEP_BYTES) return;
  wasm = instantiate();
  heap64 = null;
  heap32 = null;
}

function releaseWhenIdle(): void {
  if (wasm === null || wasm.memory.buffer.byteLength <= KEEP_BYTES) return;
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = setTimeout(releaseWasmGemmMemory, IDLE_MS);
  (idleTimer as { unref?: () => void }).unref?.(); // never keeps a Node process alive
}

/**
 * Whether the WebAssembly gemm loaded. False where WebAssembly or its SIMD is missing; importing this
 * module never throws.
 * @example
 * setGemm(wasmGemmAvailable ? pickGemm : jsGemm);
 */
export const wasmGemmAvailable: boolean = wasm !== null;

/**
 * Products with fewer floating-point operations (2·m·k·n) than this stay on the JS gemm: below it,
 * copying A, B and C into WebAssembly memory and packing them costs more than the SIMD saves.
 * Measured with scripts/measure-gemm.ts against a 2×2-register-tiled JS gemm (2.5–3 GFLOP/s): square
 * products break even near 1–2 k flops (8×8×8), and at 4096 wasm takes 0.3–0.8 of the JS time for every
 * shape tried but outer products (k = 1, at parity) and those WASM_GEMM_MIN_OUTPUT excludes. 2×3×4
 * is 11× faster in JS.
 * @example
 * if (2 * m * k * n >= WASM_GEMM_MIN_FLOPS) wasmGemm(a, b, c, m, k, n);
 */
export const WASM_GEMM_MIN_FLOPS = 4096;

/**
 * Products whose output C has fewer elements (m·n) than this stay on the JS gemm, however long k is:
 * the wasm micro-tile is at least 4×4, so a dot product (1×2048×1) ran 2.3× and 2×1024×2 2.7× slower.
 * @example
 * if (m * n >= WASM_GEMM_MIN_OUTPUT) wasmGemm(a, b, c, m, k, n);
 */
export const WASM_GEMM_MIN_OUTPUT = 16;

/**
 * Whether `wasmGemm` handles this product and is the faster choice: the module loaded, A, B and C
 * share one dtype, the product is big enough (WASM_GEMM_MIN_FLOPS, WASM_GEMM_MIN_OUTPUT), and it
 * is not a narrow product of short sums (fewer than NARROW columns, at most LONG_K terms an element:
 * the lesson's [400, 2] @ [2, 3]). Those stay on the JS gemm's narrow loops, which `compile` fuses
 * into the loop that reads the product. Alone, wasm computes some of them faster (1000×4×4 in 0.4
 * of the JS time); inside the lesson network's training step the JS loops win eagerly too (W4 eager
 * 163–169 against 179–243 ms per 1,000 epochs at best, W4 compiled 45–46 against 65–67 together
 * with the dead stores fuse.ts leaves out: bench/probes/w4-windows.mjs, builds alternating).
 * @example
 * setGemm((a, b, c, m, k, n, ao, bo, co) =>
 *   (shouldUseWasmGemm(a, b, c, m, k, n) ? wasmGemm : jsGemm)(a, b, c, m, k, n, ao, bo, co));
 */
export function shouldUseWasmGemm(a: Data, b: Data, c: Data, m: number, k: number, n: number): boolean {
  return (
    wasm !== null &&
    sameDtype(a, b, c) &&
    m * n >= WASM_GEMM_MIN_OUTPUT &&
    2 * m * k * n >= WASM_GEMM_MIN_FLOPS &&
    !(n < NARROW && k <= LONG_K)
  );
}

/** Whether the three arrays are all float64 or all float32 (the wasm gemm takes one dtype throughout). @example sameDtype(a, b, c) */
export function sameDtype(a: Data, b: Data, c: Data): boolean {
  const f64 = a instanceof Float64Array;
  return f64 === b instanceof Float64Array && f64 === c instanceof Float64Array;
}

const PAGE = 65536;
const ALIGN = 64;
/** Memory may grow to this before a product goes through in blocks of rows (B stays in place). */
const MEMORY_BUDGET = 128 * 2 ** 20;
/** A product of at most this many rows goes through whole, whatever the memory it needs. */
const MIN_BLOCK_ROWS = 64;

const up = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/** Byte addresses for B, then `rows` rows of A and C, then the kernel's work area. */
function layout(exports: GemmExports, rows: number, k: number, n: number, e: number) {
  const pB = up(exports.heap_base.value);
  const pA = up(pB + k * n * e);
  const pC = up(pA + rows * k * e);
  const pW = up(pC + rows * n * e);
  return { pA, pB, pC, pW, end: pW + exports.gemm_work_bytes(k, n, e) };
}

let heap64: Float64Array | null = null;
let heap32: Float32Array | null = null;

/** Grow memory (never shrink: the next call reuses it) to hold `end` bytes; fresh views after a grow. */
function reserve(exports: GemmExports, end: number, what: string, op: string): void {
  const { memory } = exports;
  const have = memory.buffer.byteLength;
  if (end > have) {
    try {
      memory.grow(Math.ceil((end - have) / PAGE));
    } catch {
      throw new RangeError(
        `${op}: cannot grow WebAssembly memory to ${Math.ceil(end / 2 ** 20)} MiB (${what}); use the JS gemm for this product`,
      );
    }
  }
  if (heap64?.buffer !== memory.buffer) {
    heap64 = new Float64Array(memory.buffer);
    heap32 = new Float32Array(memory.buffer);
  }
}

/**
 * C[m×n] += A[m×k]·B[k×n] on row-major arrays starting at the given offsets, in WebAssembly SIMD:
 * the same contract as the JS `gemm`. A, B and C must share one dtype (Float64Array runs `gemm_f64`,
 * Float32Array `gemm_f32`); check `shouldUseWasmGemm` first and fall back to the JS gemm otherwise.
 * The module's memory grows to fit the largest product seen and is reused; past 128 MiB, A and C go
 * through in blocks of rows.
 * @example
 * const c = new Float64Array(4);
 * wasmGemm(Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), c, 2, 2, 2); // c = [19, 22, 43, 50]
 */
export const wasmGemm: GemmFn = (a, b, c, m, k, n, aOff = 0, bOff = 0, cOff = 0) => {
  const exports = ready('wasmGemm', a, b, c);
  checkFits('A', a, aOff, m * k);
  checkFits('B', b, bOff, k * n);
  checkFits('C', c, cOff, m * n);
  if (m === 0 || n === 0 || k === 0) return;
  const { rows, place } = blocks(exports, m, k, n, a.BYTES_PER_ELEMENT);
  run(exports, [a, aOff, b, bOff, c, cOff], m, k, n, rows, place, 0, `${m}×${k} @ ${k}×${n}`, 'wasmGemm');
};

/**
 * C[m×n] += Aᵀ·B for `at` = Aᵀ ([k×m], row-major) and B [k×n], all from offset 0: the numbers of
 * `wasmGemm` on a transposed copy of `at`, to the bit (the kernel packs A from either layout), with no
 * copy made. Returns false, computing nothing, when `wasmGemm` would run the product in blocks of A's
 * rows (past its memory budget), which Aᵀ's layout cannot give: then transpose and call `wasmGemm`.
 * The same dtype rule as `wasmGemm`.
 * @example
 * const c = new Float64Array(4);
 * wasmGemmTN(Float64Array.of(1, 3, 2, 4), Float64Array.of(5, 6, 7, 8), c, 2, 2, 2); // true, c = [19, 22, 43, 50]
 */
export function wasmGemmTN(at: Data, b: Data, c: Data, m: number, k: number, n: number): boolean {
  const exports = ready('wasmGemmTN', at, b, c);
  checkFits('Aᵀ', at, 0, k * m, 'wasmGemmTN');
  checkFits('B', b, 0, k * n, 'wasmGemmTN');
  checkFits('C', c, 0, m * n, 'wasmGemmTN');
  const { rows, place } = blocks(exports, m, k, n, at.BYTES_PER_ELEMENT);
  if (rows < m) return false;
  if (m === 0 || n === 0 || k === 0) return true;
  run(exports, [at, 0, b, 0, c, 0], m, k, n, rows, place, 1, `${k}×${m}ᵀ @ ${k}×${n}`, 'wasmGemmTN');
  return true;
}

type Layout = ReturnType<typeof layout>;

/**
 * How many rows of A go through at once (all of them, or halves down to MIN_BLOCK_ROWS past the
 * memory budget; B stays in place) and where everything goes in the module's memory.
 */
function blocks(
  exports: GemmExports,
  m: number,
  k: number,
  n: number,
  e: number,
): { rows: number; place: Layout } {
  let rows = m;
  let place = layout(exports, rows, k, n, e);
  while (rows > MIN_BLOCK_ROWS && place.end > MEMORY_BUDGET) {
    rows = Math.ceil(rows / 2);
    place = layout(exports, rows, k, n, e);
  }
  return { rows, place };
}

/**
 * C += A·B in the module, `rows` rows of A at a time: B copied in once, then each block of A and C
 * in, the kernel, C out. With `aT` = 1 the array given for A is Aᵀ, read in place (one block).
 */
function run(
  exports: GemmExports,
  [a, aOff, b, bOff, c, cOff]: readonly [Data, number, Data, number, Data, number],
  m: number,
  k: number,
  n: number,
  rows: number,
  place: Layout,
  aT: 0 | 1,
  what: string,
  op: string,
): void {
  const e = a.BYTES_PER_ELEMENT;
  reserve(exports, place.end, what, op);
  const heap = (e === 8 ? heap64 : heap32)!;
  const kernel = e === 8 ? exports.gemm_f64 : exports.gemm_f32;
  heap.set(b.subarray(bOff, bOff + k * n), place.pB / e);
  for (let i0 = 0; i0 < m; i0 += rows) {
    const r = Math.min(rows, m - i0);
    const cRows = c.subarray(cOff + i0 * n, cOff + (i0 + r) * n);
    heap.set(a.subarray(aOff + i0 * k, aOff + (i0 + r) * k), place.pA / e);
    heap.set(cRows, place.pC / e);
    kernel(place.pA, place.pB, place.pC, r, k, n, place.pW, aT);
    cRows.set(heap.subarray(place.pC / e, place.pC / e + r * n));
  }
  releaseWhenIdle();
}

/** The instance's exports, after checking that it loaded and that the operands share one dtype. */
function ready(op: string, a: Data, b: Data, c: Data): GemmExports {
  if (wasm === null) {
    throw new Error(
      `${op}: WebAssembly SIMD is not available here (wasmGemmAvailable is false); use the JS gemm`,
    );
  }
  if (!sameDtype(a, b, c)) {
    throw new TypeError(
      `${op}: A, B and C must share one dtype (got ${a.constructor.name}, ${b.constructor.name}, ${c.constructor.name}); use the JS gemm for mixed dtypes`,
    );
  }
  return wasm;
}

function checkFits(name: string, x: Data, offset: number, size: number, op = 'wasmGemm'): void {
  if (!(Number.isInteger(offset) && offset >= 0 && offset + size <= x.length)) {
    throw new RangeError(
      `${op}: ${name} needs ${size} elements from offset ${offset}, but has length ${x.length}; check the shapes and offsets`,
    );
  }
}

/**
 * Bytes of WebAssembly memory the gemm holds now (0 when it did not load). It grows to fit the
 * largest product seen, up to about 128 MiB plus B; past 16 MiB it is given back after a second
 * without products (see `releaseWasmGemmMemory`).
 * @example
 * wasmGemmMemoryBytes(); // 65536 before the first call
 */
export function wasmGemmMemoryBytes(): number {
  return wasm === null ? 0 : wasm.memory.buffer.byteLength;
}
