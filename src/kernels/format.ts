/** @file The body of a tensor's printed form, following PyTorch's rules (torch/_tensor_str.py) with its default options. */

import type { NDArray } from './ndarray.js';

const PRECISION = 4;
const LINE_WIDTH = 80;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

/** True when the exact digits after the cut are 5000…: a tie that JS breaks away from zero, Python to even. */
function evenTie(rest: string, before: string | undefined): boolean {
  return /^50*$/.test(rest) && before !== undefined && Number(before) % 2 === 0;
}

/** Python's `f"{v:.4f}"`: correctly rounded, ties to even, `-0.0000` for -0. */
function fixed(v: number): string {
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  let a = Math.abs(v);
  const exact = a.toFixed(100);
  const dot = exact.indexOf('.');
  if (evenTie(exact.slice(dot + 1 + PRECISION), exact[dot + PRECISION])) a *= 1 - Number.EPSILON;
  return sign + a.toFixed(PRECISION);
}

/** Python's `f"{v:.4e}"`: `1.0000e+05`, at least two exponent digits. */
function scientific(v: number): string {
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  let a = Math.abs(v);
  const digits = a.toPrecision(100).replace(/e.*$/, '').replace('.', '').replace(/^0+/, '');
  if (evenTie(digits.slice(PRECISION + 1), digits[PRECISION])) a *= 1 - Number.EPSILON;
  const [mantissa, exponent] = a.toExponential(PRECISION).split('e') as [string, string];
  return `${sign}${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`;
}

/** How every element of one printout is written: PyTorch's _Formatter for floating tensors. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  readonly width: number = 1;

  constructor(values: readonly number[]) {
    const shown = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (shown.length === 0) return;
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (const v of shown) {
      lo = Math.min(lo, Math.abs(v));
      hi = Math.max(hi, Math.abs(v));
      if (!Number.isInteger(v)) this.intMode = false;
    }
    this.sciMode = hi / lo > 1000 || hi > 1e8 || (!this.intMode && lo < 1e-4);
    for (const v of shown) this.width = Math.max(this.width, this.text(v).length);
  }

  private text(v: number): string {
    if (!Number.isFinite(v)) return nonFinite(v);
    if (this.sciMode) return scientific(v);
    if (this.intMode) return `${fixed(v).split('.')[0]}.`;
    return fixed(v);
  }

  /** `v` right-aligned to the widest entry. */
  format(v: number): string {
    return this.text(v).padStart(this.width);
  }
}

/**
 * PyTorch's tensor repr body for `x`: `[[1., 2.],\n        [3., 4.]]`. Values are printed with 4
 * decimals, in scientific notation when their magnitudes span more than 1000× or pass 1e8 (or go
 * below 1e-4), or as `1.` when all are integers; columns align; arrays over 1000 elements show
 * their first and last 3 entries per axis around `...`. `indent` is the width of what the caller
 * prints before the first `[` (7 for `tensor(`), so rows line up under the first.
 *
 * @example `tensor(${formatArray(x)})`; // tensor([[1., 2.],\n        [3., 4.]])
 */
export function formatArray(x: NDArray, indent = 7): string {
  if (x.size === 0) return '[]';
  const shape = x.shape;
  const nd = shape.length;
  const summarize = x.size > THRESHOLD;
  // For each axis, the indices shown; -1 marks the `...`.
  const shownAxes = shape.map((s) => {
    const all = Array.from({ length: s }, (_, i) => i);
    if (!summarize || s <= 2 * EDGE_ITEMS) return all;
    return [...all.slice(0, EDGE_ITEMS), -1, ...all.slice(s - EDGE_ITEMS)];
  });
  const strides = new Array<number>(nd);
  for (let d = nd - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  // The formatter sees only the printed elements, as PyTorch's get_summarized_data arranges.
  let printed: number[] = [0];
  for (let d = 0; d < nd; d++) {
    const next: number[] = [];
    for (const base of printed) for (const i of shownAxes[d]!) if (i >= 0) next.push(base + i * strides[d]!);
    printed = next;
  }
  const formatter = new Formatter(printed.map((i) => x.data[i]!));
  if (nd === 0) return formatter.format(x.data[0]!);

  const render = (d: number, offset: number, ind: number): string => {
    const shown = shownAxes[d]!;
    const pad = ' '.repeat(ind + 1);
    if (d === nd - 1) {
      const items = shown.map((i) => (i < 0 ? ' ...' : formatter.format(x.data[offset + i]!)));
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - ind) / (formatter.width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${pad}`)}]`;
    }
    const rows = shown.map((i) => (i < 0 ? '...' : render(d + 1, offset + i * strides[d]!, ind + 1)));
    return `[${rows.join(`,${'\n'.repeat(nd - d - 1)}${pad}`)}]`;
  };
  return render(0, 0, indent);
}
