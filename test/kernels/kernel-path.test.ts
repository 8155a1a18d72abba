/** @file Choosing the matmul kernel: each path gives the same products; bad choices are refused. */

import { afterAll, describe, expect, it } from 'vitest';
import { gemm, kernelPath, matmul, NDArray, setGemm, useKernels } from '../../src/kernels/index.js';

const start = kernelPath();
afterAll(() => useKernels(start));

/** The gemm installed now (setGemm returns it; it is put straight back). */
function installed(): ReturnType<typeof setGemm> {
  const current = setGemm(gemm);
  setGemm(current);
  return current;
}

function naive(a: NDArray, b: NDArray, m: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[i * k + p]! * b.data[p * n + j]!;
      out.push(s);
    }
  return out;
}

describe('kernel paths', () => {
  it('starts on the path CHAINRULE_KERNELS names (auto by default)', () => {
    expect(start).toBe(process.env.CHAINRULE_KERNELS ?? 'auto');
  });

  it.each(['js', 'wasm', 'auto'] as const)(
    '%s: products of odd, prime and tile-crossing sizes match a naive loop',
    (path) => {
      useKernels(path);
      expect(kernelPath()).toBe(path);
      for (const [m, k, n] of [
        [1, 1, 1],
        [3, 5, 7],
        [13, 31, 67],
        [67, 131, 5],
      ] as const) {
        const a = new NDArray(
          Float64Array.from({ length: m * k }, (_, i) => Math.sin(i)),
          [m, k],
        );
        const b = new NDArray(
          Float64Array.from({ length: k * n }, (_, i) => Math.cos(i)),
          [k, n],
        );
        const got = Array.from(matmul(a, b).data);
        naive(a, b, m, k, n).forEach((v, i) => {
          expect(got[i]).toBeCloseTo(v, 10);
        });
      }
    },
  );

  it('js and wasm install different gemms', () => {
    useKernels('js');
    const js = installed();
    useKernels('wasm');
    expect(installed()).not.toBe(js);
  });

  it('refuses an unknown path', () => {
    expect(() => useKernels('gpu' as never)).toThrow(
      /useKernels: unknown kernel path "gpu"; use 'auto', 'js' or 'wasm'/,
    );
  });
});
