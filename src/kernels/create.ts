/** @file Arrays made from nothing: constants, ranges, identity matrices and seeded random numbers. */

import type { Shape } from '../errors.js';
import { alloc, allocConstant, checkShape, type DType, NDArray, sizeOf } from './ndarray.js';

function checkNumber(op: string, what: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new TypeError(`${op}: ${what} must be a finite number (got ${String(v)}); pass a finite number`);
  }
}

function checkCount(op: string, what: string, v: number): void {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${what} must be a number (got ${typeof v})`);
  if (!Number.isInteger(v) || v < 0) {
    throw new RangeError(`${op}: ${what} must be an integer >= 0 (got ${v}); pass a whole number`);
  }
}

/**
 * An array of `shape` with every element `value`.
 *
 * @example full([2, 3], 0); // zeros
 */
export function full(shape: Shape, value: number, dtype: DType = 'float64', op = 'full'): NDArray {
  const dims = checkShape(shape, op);
  const data = allocConstant(dtype, sizeOf(dims), op);
  if (value !== 0) data.fill(value);
  return new NDArray(data, dims);
}

/**
 * start, start + step, … up to but excluding end: ceil((end - start) / step) elements, as torch.arange.
 *
 * @example arange(0, 1, 0.25); // [0, 0.25, 0.5, 0.75]
 */
export function arange(start: number, end: number, step = 1, dtype: DType = 'float64'): NDArray {
  checkNumber('arange', 'start', start);
  checkNumber('arange', 'end', end);
  checkNumber('arange', 'step', step);
  if (step === 0)
    throw new RangeError('arange: step must be nonzero (got 0); pass a positive or negative step');
  const n = Math.ceil((end - start) / step);
  if (n < 0) {
    throw new RangeError(
      `arange: step ${step} goes away from end (start ${start}, end ${end}); use a step of the other sign`,
    );
  }
  const data = allocConstant(dtype, n, 'arange');
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new NDArray(data, [n]);
}

/**
 * `steps` evenly spaced values from start to end inclusive. Like PyTorch, the first half counts up
 * from start and the second half down from end, so the last value is exactly end.
 *
 * @example linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, end: number, steps: number, dtype: DType = 'float64'): NDArray {
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'end', end);
  checkCount('linspace', 'steps', steps);
  const data = allocConstant(dtype, steps, 'linspace');
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.max(1, Math.floor(steps / 2)); // steps = 1 gives [start], as in PyTorch
  for (let i = 0; i < steps; i++) data[i] = i < half ? start + i * step : end - (steps - 1 - i) * step;
  return new NDArray(data, [steps]);
}

/**
 * The n×m identity: ones on the main diagonal.
 *
 * @example eye(3); // 3×3 identity
 */
export function eye(n: number, m: number = n, dtype: DType = 'float64'): NDArray {
  checkCount('eye', 'n', n);
  checkCount('eye', 'm', m);
  const data = allocConstant(dtype, n * m, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new NDArray(data, [n, m]);
}

/** The largest seed that gives a state of its own: the generator keeps one 32-bit word. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * A seeded random number generator, the same numbers on every machine: mulberry32 (32-bit integer
 * arithmetic only) for uniforms, Box–Muller for normals.
 *
 * @example const rng = new Rng(42); rng.next(); rng.normal();
 */
export class Rng {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isInteger(seed)) {
      throw new TypeError(`Rng: seed must be an integer (got ${String(seed)}); pass a whole number`);
    }
    this.state = seed | 0;
  }

  /** A uniform number in [0, 1), with 32 random bits. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A standard normal number (mean 0, std 1); each Box–Muller draw yields two, the second is kept. */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.next(); // in (0, 1], so the log is finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }
}

/**
 * Uniform numbers in [0, 1) from `rng`.
 *
 * @example randUniform([2, 3], new Rng(0));
 */
export function randUniform(shape: Shape, rng: Rng, dtype: DType = 'float64'): NDArray {
  const dims = checkShape(shape, 'randUniform');
  const data = alloc(dtype, sizeOf(dims), 'rand');
  if (dtype === 'float64') {
    for (let i = 0; i < data.length; i++) data[i] = rng.next();
  } else {
    // NOTE: keep 24 bits, so that rounding to float32 can never give 1.
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rng.next() * 16777216) / 16777216;
  }
  return new NDArray(data, dims);
}

/**
 * Standard normal numbers from `rng`.
 *
 * @example randNormal([784, 128], new Rng(0));
 */
export function randNormal(shape: Shape, rng: Rng, dtype: DType = 'float64'): NDArray {
  const dims = checkShape(shape, 'randNormal');
  const data = alloc(dtype, sizeOf(dims), 'randn');
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return new NDArray(data, dims);
}
