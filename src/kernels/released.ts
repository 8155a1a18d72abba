/** @file What a released array keeps: its shape and the summaries of its data and gradient, no elements. */

import { type Data, NDArray, sizeOf } from './ndarray.js';
import { summarize, type TensorSummary } from './summary.js';

const EMPTY64 = new Float64Array(0);
const EMPTY32 = new Float32Array(0);

/**
 * Numbers kept per summary of a many-element array: min, max, mean, std, norm, NaN count, ±∞
 * count. A one-element array keeps its element alone (its summary follows from it).
 */
const FIELDS = 7;

/** The numbers kept of `x` and its gradient `g`, in the order `unpack` reads them: one array, exact length. */
function pack(x: NDArray, g: NDArray | null): number[] {
  if (x.size === 1) return g === null ? [x.data[0]!] : [x.data[0]!, g.data[0]!];
  const out = new Array<number>(g === null ? FIELDS : 2 * FIELDS);
  statsInto(out, 0, x);
  if (g !== null) statsInto(out, FIELDS, g);
  return out;
}

/**
 * How many of the latest summaries a release remembers. A rule may hand one array to two inputs
 * (add's g, g) and a reshape shares its data: such arrays are released close together, and are
 * summarised once (the same typed array holds the same numbers, so the summary is the same).
 */
const RECENT = 32;
const recentData: (Data | null)[] = new Array(RECENT).fill(null);
const recentStats: number[] = new Array(RECENT * FIELDS).fill(0);
let recentNext = 0;
let remembering = false;

/**
 * Runs `release` (which makes ReleasedArrays) with summaries remembered across its arrays, then
 * forgets them: an array may change after the release, so they are never kept beyond it.
 */
export function releasing(release: () => void): void {
  remembering = true;
  try {
    release();
  } finally {
    remembering = false;
    recentData.fill(null);
  }
}

/** Writes the summary numbers of `a` into `out` from `at` on. */
function statsInto(out: number[], at: number, a: NDArray): void {
  const d = a.data;
  if (remembering) {
    for (let k = 0; k < RECENT; k++) {
      if (recentData[k] !== d) continue;
      for (let f = 0; f < FIELDS; f++) out[at + f] = recentStats[k * FIELDS + f]!;
      return;
    }
  }
  const s = summarize(a);
  out[at] = s.min;
  out[at + 1] = s.max;
  out[at + 2] = s.mean;
  out[at + 3] = s.std;
  out[at + 4] = s.norm;
  out[at + 5] = s.nanCount;
  out[at + 6] = s.infCount;
  if (remembering) {
    const k = recentNext;
    recentNext = (k + 1) % RECENT;
    recentData[k] = d;
    for (let f = 0; f < FIELDS; f++) recentStats[k * FIELDS + f] = out[at + f]!;
  }
}

/**
 * An array whose elements were freed after a backward pass: it keeps its shape and dtype, and the
 * summaries of its data and of its gradient packed in one array of doubles (V8 stores those unboxed:
 * a released tensor costs about a tenth of a kilobyte, whatever its size). It holds no elements.
 *
 * @example
 * const r = new ReleasedArray(x, g); r.summary.norm; r.gradSummary?.max;
 */
export class ReleasedArray extends NDArray {
  private readonly stats: number[];

  constructor(x: NDArray, grad: NDArray | null) {
    super(x.dtype === 'float32' ? EMPTY32 : EMPTY64, x.shape);
    this.stats = pack(x, grad);
  }

  /** How many numbers one summary takes here. */
  private get width(): number {
    return sizeOf(this.shape) === 1 ? 1 : FIELDS;
  }

  private unpack(at: number): TensorSummary {
    const s = this.stats;
    if (this.width === 1) {
      const one = this.dtype === 'float32' ? new Float32Array(1) : new Float64Array(1);
      one[0] = s[at]!;
      return summarize(new NDArray(one, this.shape));
    }
    return {
      shape: this.shape,
      dtype: this.dtype,
      size: sizeOf(this.shape),
      min: s[at]!,
      max: s[at + 1]!,
      mean: s[at + 2]!,
      std: s[at + 3]!,
      norm: s[at + 4]!,
      nanCount: s[at + 5]!,
      infCount: s[at + 6]!,
    };
  }

  /** Summary of the data that was freed. */
  get summary(): TensorSummary {
    return this.unpack(0);
  }

  /** Summary of the gradient the node had, or null when no pass had reached it. */
  get gradSummary(): TensorSummary | null {
    return this.stats.length > this.width ? this.unpack(this.width) : null;
  }

  /** The only element of a one-element array's data (NaN for larger arrays). */
  get first(): number {
    return this.width === 1 ? this.stats[0]! : Number.NaN;
  }

  /** The only element of a one-element gradient; NaN for larger ones; null without a gradient. */
  get gradFirst(): number | null {
    if (this.stats.length <= this.width) return null;
    return this.width === 1 ? this.stats[1]! : Number.NaN;
  }
}
