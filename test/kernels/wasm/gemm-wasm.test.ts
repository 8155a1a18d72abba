import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { LONG_K, NARROW } from '../../../src/kernels/gemm-narrow.js';
import {
  shouldUseWasmGemm,
  WASM_GEMM_MIN_FLOPS,
  wasmGemm,
  wasmGemmAvailable,
  wasmGemmMemoryBytes,
  wasmGemmTN,
} from '../../../src/kernels/wasm/gemm-wasm.js';
import { testProp } from '../../support/property.js';

type DType = 'float64' | 'float32';
type Data = Float64Array | Float32Array;

/** Deterministic uniform numbers in [-1, 1) (mulberry32), so a failure reproduces. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  };
}

function filled(dtype: DType, size: number, next: () => number): Data {
  const x = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = next();
  return x;
}

/**
 * Runs wasmGemm on random A, B and a nonzero C placed at the given offsets (with junk around them) and
 * compares every element with a float64 triple loop. The bound is relative to Σ|a·b| + |c|: 1e-12 for
 * float64, and (k + 2)·1.2e-7 for float32, a few float32 roundings per term.
 */
function checkAgainstNaive(
  dtype: DType,
  m: number,
  k: number,
  n: number,
  offsets: number[],
  seed: number,
): void {
  const [aOff = 0, bOff = 0, cOff = 0] = offsets;
  const next = uniform(seed);
  const a = filled(dtype, aOff + m * k + 3, next);
  const b = filled(dtype, bOff + k * n + 3, next);
  const c = filled(dtype, cOff + m * n + 3, next);
  const before = Float64Array.from(c);
  wasmGemm(a, b, c, m, k, n, aOff, bOff, cOff);

  const tolerance = dtype === 'float64' ? 1e-12 : (k + 2) * 1.2e-7;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const c0 = before[cOff + i * n + j]!;
      let sum = c0;
      let scale = Math.abs(c0);
      for (let p = 0; p < k; p++) {
        const term = a[aOff + i * k + p]! * b[bOff + p * n + j]!;
        sum += term;
        scale += Math.abs(term);
      }
      const got = c[cOff + i * n + j]!;
      if (!(Math.abs(got - sum) <= tolerance * scale)) {
        expect.fail(`${dtype} ${m}×${k}×${n} offsets ${offsets}: C[${i}, ${j}] = ${got}, naive ${sum}`);
      }
    }
  for (let i = 0; i < c.length; i++) {
    if (i < cOff || i >= cOff + m * n) expect(c[i]).toBe(before[i]);
  }
}

const SIZES = [1, 2, 3, 5, 7, 13, 31, 67, 131];
const DTYPES: DType[] = ['float64', 'float32'];

describe('wasmGemm', () => {
  test('loads on Node without flags', () => {
    expect(wasmGemmAvailable).toBe(true);
  });

  test.each(DTYPES)(
    '%s: every m, k, n among 1, 2, 3, 5, 7, 13, 31, 67, 131 matches the naive loop',
    (dtype) => {
      let seed = 1;
      for (const m of SIZES)
        for (const k of SIZES) for (const n of SIZES) checkAgainstNaive(dtype, m, k, n, [], seed++);
    },
  );

  testProp([
    fc.constantFrom(...DTYPES),
    fc.integer({ min: 1, max: 140 }),
    fc.integer({ min: 1, max: 140 }),
    fc.integer({ min: 1, max: 140 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 3, maxLength: 3 }),
    fc.integer(),
  ])('random shapes and offsets match the naive loop', (dtype, m, k, n, offsets, seed) => {
    checkAgainstNaive(dtype, m, k, n, offsets, seed);
  });

  test.each(DTYPES)('%s: shapes across the KC = 256, MC = 64 and NC = 1024 block edges', (dtype) => {
    checkAgainstNaive(dtype, 65, 257, 1025, [1, 2, 3], 7);
    checkAgainstNaive(dtype, 64, 512, 1024, [0, 0, 0], 8);
    checkAgainstNaive(dtype, 130, 600, 9, [5, 0, 1], 9);
  });

  test('memory grows with the sizes, is kept, and smaller products after big ones still match', () => {
    const seen = [wasmGemmMemoryBytes()];
    let seed = 100;
    // the last C (8 MB) outgrows whatever the tests above left behind (about 7 MB)
    for (const [m, k, n] of [
      [4, 4, 4],
      [40, 40, 40],
      [90, 90, 90],
      [180, 180, 180],
      [1000, 16, 1000],
    ] as const) {
      checkAgainstNaive('float64', m, k, n, [1, 0, 2], seed++);
      seen.push(wasmGemmMemoryBytes());
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.at(-1)).toBeGreaterThan(seen[0]!);
    const grown = wasmGemmMemoryBytes();
    checkAgainstNaive('float32', 3, 5, 7, [2, 2, 2], seed++);
    checkAgainstNaive('float64', 33, 17, 9, [0, 1, 0], seed++);
    expect(wasmGemmMemoryBytes()).toBe(grown);
  });

  test('a product past the 128 MiB budget goes through in blocks of rows and stays within it', () => {
    // C alone is 300 000 × 64 float64 = 146 MiB
    checkAgainstNaive('float64', 300_000, 3, 64, [1, 2, 3], 11);
    expect(wasmGemmMemoryBytes()).toBeLessThanOrEqual(129 * 2 ** 20);
  });

  test.each(DTYPES)('%s: infinities and NaN reach only the entries they belong to', (dtype) => {
    const make = (xs: number[]) => (dtype === 'float64' ? Float64Array.from(xs) : Float32Array.from(xs));
    // A is 3×2, B is 2×5 with an infinity in column 1 and a NaN in column 4; the zero padding of
    // the 4×4 / 4×8 tile must not turn 0·∞ into NaN anywhere that counts.
    const a = make([1, 2, 3, 4, 5, 6]);
    const b = make([1, Number.POSITIVE_INFINITY, 0, 1, Number.NaN, 1, 1, 1, 1, 1]);
    const c = make(new Array(15).fill(0));
    wasmGemm(a, b, c, 3, 2, 5);
    // biome-ignore format: the rows of C
    expect(Array.from(c)).toEqual([
      3, Number.POSITIVE_INFINITY, 2, 3, Number.NaN,
      7, Number.POSITIVE_INFINITY, 4, 7, Number.NaN,
      11, Number.POSITIVE_INFINITY, 6, 11, Number.NaN,
    ]);
  });

  test('the doc example, and empty products leave C alone', () => {
    const c = new Float64Array(4);
    wasmGemm(Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), c, 2, 2, 2);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    wasmGemm(new Float64Array(0), new Float64Array(6), c, 2, 0, 2);
    wasmGemm(new Float64Array(0), new Float64Array(0), c, 0, 3, 0);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });

  test('mixed dtypes and out-of-range offsets are refused with a hint', () => {
    const f64 = new Float64Array(4);
    const f32 = new Float32Array(4);
    expect(() => wasmGemm(f64, f32, f64, 2, 2, 2)).toThrow(
      'wasmGemm: A, B and C must share one dtype (got Float64Array, Float32Array, Float64Array); use the JS gemm for mixed dtypes',
    );
    expect(() => wasmGemm(f64, f64, f64, 2, 2, 2, 1)).toThrow(
      'wasmGemm: A needs 4 elements from offset 1, but has length 4; check the shapes and offsets',
    );
  });

  test('shouldUseWasmGemm keeps small products, narrow products of short sums and mixed dtypes on the JS path', () => {
    const f64 = new Float64Array(1);
    const f32 = new Float32Array(1);
    expect(shouldUseWasmGemm(f64, f64, f64, 2, 3, 4)).toBe(false);
    expect(shouldUseWasmGemm(f64, f64, f64, 8, 8, 8)).toBe(2 * 8 ** 3 >= WASM_GEMM_MIN_FLOPS);
    expect(shouldUseWasmGemm(f32, f32, f32, 64, 64, 64)).toBe(true);
    expect(shouldUseWasmGemm(f64, f32, f64, 64, 64, 64)).toBe(false);
    expect(shouldUseWasmGemm(f64, f64, f64, 1, 4096, 1)).toBe(false);
    // fewer than NARROW columns and at most LONG_K terms: the JS narrow loops (fused by compile)
    expect(shouldUseWasmGemm(f64, f64, f64, 400, 2, 3)).toBe(false);
    expect(shouldUseWasmGemm(f64, f64, f64, 4096, LONG_K, NARROW - 1)).toBe(false);
    expect(shouldUseWasmGemm(f64, f64, f64, 4096, LONG_K + 1, NARROW - 1)).toBe(true);
    expect(shouldUseWasmGemm(f64, f64, f64, 4096, LONG_K, NARROW)).toBe(true);
  });

  test.each([
    ['no WebAssembly at all', undefined],
    [
      'WebAssembly without SIMD',
      {
        Module: class {
          constructor() {
            throw new Error('CompileError: invalid opcode 0xfd');
          }
        },
        Instance: class {},
      },
    ],
  ])('with %s, importing still works and reports the gemm unavailable', async (_, stub) => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', stub);
    try {
      const fresh = await import('../../../src/kernels/wasm/gemm-wasm.js');
      const x = new Float64Array(64 * 64);
      expect(fresh.wasmGemmAvailable).toBe(false);
      expect(fresh.shouldUseWasmGemm(x, x, x, 64, 64, 64)).toBe(false);
      expect(fresh.wasmGemmMemoryBytes()).toBe(0);
      expect(() => fresh.wasmGemm(x, x, x, 64, 64, 64)).toThrow(/wasmGemmAvailable is false/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test('the checked-in module is gemm.wat as it stands (npm run build:wasm -- --check)', () => {
    const run = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('wasmGemmTN', () => {
  /** aᵀ ([k×m]) of `a` ([m×k]). */
  const transpose = (a: Data, m: number, k: number): Data => {
    const t = a instanceof Float64Array ? new Float64Array(m * k) : new Float32Array(m * k);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) t[p * m + i] = a[i * k + p]!;
    return t;
  };

  test.each(DTYPES)(
    '%s: reads Aᵀ in place with the numbers of wasmGemm on a transposed copy, across the blocks',
    (dtype) => {
      for (const [m, k, n] of [
        [1, 1, 1],
        [5, 3, 7],
        [67, 257, 9], // more rows than MC = 64, a longer k than KC = 256
        [4, 2, 1031], // wider than NC = 1024
      ] as const) {
        const next = uniform(m * 1000 + k + n);
        const a = filled(dtype, m * k, next);
        const b = filled(dtype, k * n, next);
        const c0 = filled(dtype, m * n, next);
        const want = c0.slice();
        wasmGemm(a, b, want, m, k, n);
        const got = c0.slice();
        expect(wasmGemmTN(transpose(a, m, k), b, got, m, k, n)).toBe(true);
        expect(Array.from(got), `${m}×${k}×${n}`).toEqual(Array.from(want));
      }
    },
  );

  test('empty products leave C alone; mixed dtypes and short arrays are refused as by wasmGemm', () => {
    const c = Float64Array.of(1, 2);
    expect(wasmGemmTN(new Float64Array(0), new Float64Array(0), c, 2, 0, 1)).toBe(true);
    expect(Array.from(c)).toEqual([1, 2]);
    const f64 = new Float64Array(4);
    expect(() => wasmGemmTN(f64, new Float32Array(4), f64, 2, 2, 2)).toThrow(
      'wasmGemmTN: A, B and C must share one dtype',
    );
    expect(() => wasmGemmTN(f64, f64, f64, 3, 2, 2)).toThrow('wasmGemmTN: Aᵀ needs 6 elements from offset 0');
  });

  test('declines, computing nothing, a product wasmGemm would split in blocks of rows (past 128 MiB)', () => {
    // Aᵀ is 2000 × 9000 float64 = 144 MB; wasmGemm would take A's 9000 rows in blocks, which Aᵀ cannot give
    const [m, k, n] = [9000, 2000, 16];
    const c = new Float64Array(m * n).fill(1);
    expect(wasmGemmTN(new Float64Array(k * m), new Float64Array(k * n), c, m, k, n)).toBe(false);
    expect(c.every((v) => v === 1)).toBe(true);
  });
});
