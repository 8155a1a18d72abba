/**
 * @file eˣ and ln x of one number in JavaScript, within 1 ulp of the true value over the whole float64 range. V8's
 * Math.exp and Math.log are calls into C++ (~15 ns an element); these inline into a kernel's loop.
 */

import {
  EXP_TABLE,
  INV_LN2_N,
  LN2_HI,
  LN2_HI_N,
  LN2_LO,
  LN2_LO_N,
  LOG_TABLE,
} from './fast-math-tables.generated.js';

/** The signature of exp and log. */
type Real = (x: number) => number;

/**
 * Builds exp and log. NOTE: everything they read lives in this function's scope, not at module level:
 * bundlers (tsup/esbuild) turn a module's top-level `const` into `var`, which V8 must reload and recheck
 * at every call, while the `const` locals of a closure's scope are folded into the code once the call is
 * inlined (measured: a typed-array bit read cost 2–3 ns more at module level, the whole of what it costs here).
 */
function makeFastMath(): { exp: Real; log: Real } {
  const EXP = EXP_TABLE;
  const LOG = LOG_TABLE;
  const INV_N = INV_LN2_N;
  const HI_N = LN2_HI_N;
  const LO_N = LN2_LO_N;
  const HI_1 = LN2_HI;
  const LO_1 = LN2_LO;
  /** 1.5·2^52: adding it to |z| < 2^51 rounds z to the nearest integer (ties to even). */
  const SHIFT = 6755399441055744;

  /** 2^e for every integer e in [−POW2_BIAS, POW2_BIAS], exact (down to the subnormal 2^-1074). */
  const POW2_BIAS = 1100;
  const POW2 = new Float64Array(2 * POW2_BIAS + 1);
  for (let e = 0, p = 1; e <= POW2_BIAS; e++, p *= 2) POW2[POW2_BIAS + e] = p;
  for (let e = 0, p = 1; e <= POW2_BIAS; e++, p /= 2) POW2[POW2_BIAS - e] = p;

  const TWO_M1022 = POW2[POW2_BIAS - 1022]!;
  const TWO_54 = POW2[POW2_BIAS + 54]!;

  /** A double's high 32 bits: write it to F64[0], read WORDS[HI]. */
  const F64 = new Float64Array(1);
  const WORDS = new Int32Array(F64.buffer);
  const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

  /** eˣ; see the export below. */
  function exp(x: number): number {
    if (!(x > -708 && x < 708)) return expOutside(x);
    const kd = x * INV_N + SHIFT - SHIFT;
    const k = kd | 0;
    const r = x - kd * HI_N - kd * LO_N;
    const j = (k & 127) << 1;
    const scale = EXP[j + 1]! * POW2[POW2_BIAS + (k >> 7)]!;
    const r2 = r * r;
    const tmp = EXP[j]! + r + r2 * (1 / 2 + r * (1 / 6)) + r2 * r2 * (1 / 24 + r * (1 / 120));
    return scale + scale * tmp;
  }

  /** eˣ for NaN and |x| ≥ 708, where the result or its scale leaves the normal range. */
  function expOutside(x: number): number {
    if (Number.isNaN(x)) return x;
    if (x >= 710) return Number.POSITIVE_INFINITY;
    if (x <= -746) return 0;
    const kd = x * INV_N + SHIFT - SHIFT;
    const k = kd | 0;
    const r = x - kd * HI_N - kd * LO_N;
    const j = (k & 127) << 1;
    const r2 = r * r;
    const tmp = EXP[j]! + r + r2 * (1 / 2 + r * (1 / 6)) + r2 * r2 * (1 / 24 + r * (1 / 120));
    if (k > 0) {
      // Computed at half size, so that the doubling overflows to ∞ exactly when the result does.
      const half = EXP[j + 1]! * POW2[POW2_BIAS + (k >> 7) - 1]!;
      return 2 * (half + half * tmp);
    }
    // Computed at 2^1022 times its size. A subnormal result is rounded once, to its own grid: adding 1
    // puts y's last kept bit where 2^-1074 will be after the scaling.
    const scale = EXP[j + 1]! * POW2[POW2_BIAS + (k >> 7) + 1022]!;
    let y = scale + scale * tmp;
    if (y < 1) {
      const err = scale - y + scale * tmp;
      const one = 1 + y;
      y = one + (1 - one + y + err) - 1;
    }
    return y * TWO_M1022;
  }

  /** ln x; see the export below. */
  function log(x: number): number {
    F64[0] = x;
    const hi = WORDS[HI]!;
    if (hi < 0x00100000 || hi >= 0x7ff00000) return logOutside(x);
    if (hi >= 0x3fef0000 && hi < 0x3ff08400) return log1pSmall(x - 1);
    return logScaled(x, hi, 0);
  }

  /** ln(1 + r) for |r| ≤ 2^-5: r − r²/2 + r³·q(r), the Taylor series to r¹² (truncation below 2^-68). */
  function log1pSmall(r: number): number {
    const r2 = r * r;
    const r4 = r2 * r2;
    const q =
      1 / 3 -
      r * (1 / 4) +
      r2 * (1 / 5 - r * (1 / 6)) +
      r4 * (1 / 7 - r * (1 / 8) + r2 * (1 / 9 - r * (1 / 10)) + r4 * (1 / 11 - r * (1 / 12)));
    return r + (r2 * -0.5 + r * r2 * q);
  }

  /** ln x for a normal x (high word `hi`) away from 1, plus `k0`·ln2 (−54 when x was a subnormal scaled up). */
  function logScaled(x: number, hi: number, k0: number): number {
    const t = hi - 0x3fe60000;
    const k = t >> 20;
    const i = ((t >> 13) & 127) << 2;
    const z = x * POW2[POW2_BIAS - k]!;
    const r = (z - LOG[i + 1]!) * LOG[i]!;
    const kd = k + k0;
    const w = kd * HI_1 + LOG[i + 2]!;
    const head = w + r;
    const lo = w - head + r + (kd * LO_1 + LOG[i + 3]!);
    const r2 = r * r;
    const p = r2 * (-1 / 2 + r * (1 / 3)) + r2 * r2 * (-1 / 4 + r * (1 / 5) + r2 * (-1 / 6 + r * (1 / 7)));
    return head + (lo + p);
  }

  /** ln x for zero, negative, subnormal, infinite and NaN x. */
  function logOutside(x: number): number {
    if (x === 0) return Number.NEGATIVE_INFINITY;
    if (!(x > 0)) return Number.NaN;
    if (x === Number.POSITIVE_INFINITY) return x;
    const y = x * TWO_54;
    F64[0] = y;
    return logScaled(y, WORDS[HI]!, -54);
  }

  return { exp, log };
}

const fastMath = makeFastMath();

/**
 * eˣ within 0.52 ulp of the true value by the error analysis (measured against an exact BigInt reference:
 * at most 0.4998 ulp, i.e. correctly rounded on all 2700 inputs; Math.exp's worst there is 0.72), and within
 * 1 ulp of Math.exp (test/kernels/fast-math.test.ts). Exact on the special values: exp(0) = 1, exp(−∞) = 0, exp(∞) = ∞,
 * NaN → NaN, ∞ for x > 709.78…, subnormal results rounded once, 0 below −745.13….
 *
 * Method (Tang's, as in ARM's optimized-routines): x = k·ln2/128 + r with k an integer and |r| ≤ ln2/256
 * (Cody–Waite: ln2/128 split in a 34-bit head and a tail, so k·head is exact); eˣ = 2^(k/128)·eʳ with
 * 2^(j/128) = scale_j·(1 + tail_j) from a 128-entry table and eʳ − 1 a degree-5 Taylor polynomial
 * (truncation below 2^-60). The result is scale + scale·(tail + p(r)): one rounding at the end.
 * @example expOf(1) // 2.718281828459045
 */
export const expOf: Real = fastMath.exp;

/**
 * ln x within 0.8 ulp of the true value by the error analysis (0.5 for the last rounding, ≤ 0.25 for r's
 * two roundings where |ln x| ≥ 2^-5, the rest below 0.05; measured against an exact BigInt reference: at
 * most 0.54 ulp, 99.7% correctly rounded), and within 1 ulp of Math.log (test/kernels/fast-math.test.ts). Exact on the special values: log(1) = 0, log(±0) = −∞,
 * log(∞) = ∞, log of a negative or NaN = NaN; subnormal x is scaled by 2^54 first.
 *
 * Method (as in ARM's optimized-routines): near 1 (x in [0.96875, 1.0322)) ln(1 + r) for the exact
 * r = x − 1 by its Taylor series to r¹². Elsewhere x = 2^k·z with z in [0.6875, 1.375), read from x's
 * bits; z's top 7 bits pick c, the middle of its subinterval, and ln x = k·ln2 + ln c + ln(1 + r) with
 * r = (z − c)/c (z − c is exact) and |r| ≤ 2^-8, ln(1 + r) − r a degree-7 Taylor polynomial. k·ln2 + ln c
 * is summed exactly (both heads on the grid 2^-42), r added with its rounding error kept.
 * @example logOf(Math.E) // 1
 */
export const logOf: Real = fastMath.log;
