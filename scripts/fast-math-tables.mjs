/**
 * @file Computes the tables of src/kernels/fast-math.ts in exact fixed-point BigInt arithmetic (240 bits),
 * rounds each entry once to the nearest double and writes src/kernels/fast-math-tables.generated.ts.
 * With `--check` it writes nothing and exits 1 if that file is stale. No table is copied from a libm:
 * every number here is derived from 2, ln 2 and the subinterval bounds.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'src/kernels/fast-math-tables.generated.ts');

const P = 240n; // fixed point: a BigInt v stands for v / 2^P
const ONE = 1n << P;

/** Products truncate toward zero, so that alternating series end at 0 for either sign. */
const mul = (a, b) => (a * b) / ONE;
const div = (a, b) => (a << P) / b;

/** A double as an exact fixed-point BigInt (every double of magnitude ≥ 2^-240 is exact here). */
function fromDouble(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const e = Number((bits >> 52n) & 0x7ffn);
  const m = (bits & ((1n << 52n) - 1n)) | (e === 0 ? 0n : 1n << 52n);
  const shift = BigInt(Math.max(e, 1) - 1075) + P;
  return sign * (shift >= 0n ? m << shift : m >> -shift);
}

/** The double nearest to v / 2^P (ties to even), with `bits` significant bits (53 for a double). */
function toDouble(v, bits = 53) {
  if (v === 0n) return 0;
  const sign = v < 0n ? -1 : 1;
  const a = v < 0n ? -v : v;
  const len = a.toString(2).length;
  const shift = len - bits;
  let m = a;
  if (shift > 0) {
    m = a >> BigInt(shift);
    const rest = a - (m << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
  }
  const e = Math.max(shift, 0) - Number(P);
  return sign * Number(m) * 2 ** e;
}

/** The multiple of 2^-g nearest to v / 2^P, as a double (exact while it has at most 53 bits). */
function toGrid(v, g) {
  const unit = 1n << (P - BigInt(g));
  const a = v < 0n ? -v : v;
  const q = (a + unit / 2n) / unit;
  return toDouble(v < 0n ? -q * unit : q * unit);
}

/** e^t for |t| ≤ 1, Taylor series. */
function expFixed(t) {
  let sum = ONE;
  let term = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = mul(term, t) / n;
    sum += term;
  }
  return sum;
}

/** ln y for y in [1/2, 2], as 2·atanh((y − 1)/(y + 1)). */
function logFixed(y) {
  const s = div(y - ONE, y + ONE);
  const s2 = mul(s, s);
  let power = s;
  let sum = 0n;
  for (let n = 1n; power !== 0n; n += 2n) {
    sum += power / n;
    power = mul(power, s2);
  }
  return 2n * sum;
}

const LN2 = logFixed(2n * ONE);

// exp: 2^(j/N) = scale_j · (1 + tail_j) for j in [0, N).
const EXP_N = 128;
const exp = [];
for (let j = 0; j < EXP_N; j++) {
  const v = expFixed((LN2 * BigInt(j)) / BigInt(EXP_N));
  const scale = toDouble(v);
  const tail = toDouble(div(v - fromDouble(scale), fromDouble(scale)));
  exp.push(tail, scale);
}

// log: z in [0.6875, 1.375) splits into N subintervals by the top 7 bits of (bits(z) − bits(0.6875));
// c is the middle of subinterval i (9 significant bits, so z − c is exact), invc ≈ 1/c, ln c as hi + lo
// with hi on the grid 2^-42 (so that k·LN2_HI + hi is exact for |k| < 2^11).
const LOG_N = 128;
const GRID = 42;
const log = [];
const view = new DataView(new ArrayBuffer(8));
for (let i = 0; i < LOG_N; i++) {
  view.setBigUint64(0, 0x3fe6000000000000n + (BigInt(i) << 45n));
  const start = view.getFloat64(0);
  view.setBigUint64(0, 0x3fe6000000000000n + (BigInt(i + 1) << 45n));
  const end = view.getFloat64(0);
  const c = (start + end) / 2;
  const lnc = logFixed(fromDouble(c));
  const hi = toGrid(lnc, GRID);
  log.push(toDouble(div(ONE, fromDouble(c))), c, hi, toDouble(lnc - fromDouble(hi)));
}

// Cody–Waite splits: ln2/N for exp (hi with 34 bits, so kd·hi is exact for |kd| < 2^19) and ln2 for log.
const ln2N = LN2 / BigInt(EXP_N);
const ln2NHi = toDouble(ln2N, 34);
const ln2Hi = toGrid(LN2, GRID);
const constants = {
  INV_LN2_N: toDouble(div(BigInt(EXP_N) * ONE, LN2)),
  LN2_HI_N: ln2NHi,
  LN2_LO_N: toDouble(ln2N - fromDouble(ln2NHi)),
  LN2_HI: ln2Hi,
  LN2_LO: toDouble(LN2 - fromDouble(ln2Hi)),
};

const rows = (values, perRow) => {
  const out = [];
  for (let i = 0; i < values.length; i += perRow) out.push(`  ${values.slice(i, i + perRow).join(', ')},`);
  return out.join('\n');
};

const text = `/**
 * @file GENERATED, do not edit. The tables of fast-math.ts, computed exactly and rounded once.
 * Regenerate with \`node scripts/fast-math-tables.mjs\`.
 */

/** N/ln 2 for exp's reduction, N = ${EXP_N}. */
export const INV_LN2_N = ${constants.INV_LN2_N};
/** ln2/N rounded to 34 bits: kd·LN2_HI_N is exact for |kd| < 2^19. */
export const LN2_HI_N = ${constants.LN2_HI_N};
/** ln2/N − LN2_HI_N. */
export const LN2_LO_N = ${constants.LN2_LO_N};
/** ln 2 on the grid 2^-${GRID}: k·LN2_HI is exact for |k| < 2^11. */
export const LN2_HI = ${constants.LN2_HI};
/** ln 2 − LN2_HI. */
export const LN2_LO = ${constants.LN2_LO};

/** exp: [tail_j, scale_j] for j in [0, ${EXP_N}): 2^(j/${EXP_N}) = scale_j·(1 + tail_j), scale_j the nearest double. */
export const EXP_TABLE = new Float64Array([
${rows(exp, 2)}
]);

/** log: [invc, c, ln c hi, ln c lo] for each of ${LOG_N} subintervals of [0.6875, 1.375), c its middle. */
export const LOG_TABLE = new Float64Array([
${rows(log, 4)}
]);
`;

if (process.argv.includes('--check')) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (current !== text) {
    console.error(
      `fast-math-tables: ${relative(root, target)} is stale; run node scripts/fast-math-tables.mjs`,
    );
    process.exit(1);
  }
  console.log(`fast-math-tables: ${relative(root, target)} is up to date`);
  process.exit(0);
}
writeFileSync(target, text);
console.log(`fast-math-tables: wrote ${relative(root, target)}`);
