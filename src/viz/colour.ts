/** @file Colour modes of a drawing: by role, or by gradient, value or gradient × value on a diverging scale, with a legend. */

import type { Node, Raw } from '../engine/node.js';
import { NDArray } from '../kernels/ndarray.js';
import { dataOf, gradOf, type Shown } from './text.js';

/**
 * What a value's fill shows: its role (parameter, constant, output), or a signed quantity on a
 * diverging scale, blue below zero and red above, darker for larger magnitudes (log scale):
 * its gradient, its value, or gradient × value (a first-order estimate of what the value contributes);
 * or 'magnitude', |gradient| on a sequential scale from light blue (smallest) to red (largest), where
 * vanishing and exploding gradients show at a glance (`heat: true`).
 */
export type ColourMode = 'role' | 'gradient' | 'magnitude' | 'value' | 'product';

export const ROLE = { param: '#dbeafe', constant: '#f3f4f6', output: '#fde68a', inner: '#ffffff' } as const;
/** Light to dark, for negative (blue) and positive (red) magnitudes. */
const NEGATIVE = ['#deebf7', '#b3d3ea', '#85b6dc', '#5b95c9'] as const;
const POSITIVE = ['#fde0d2', '#f8b49a', '#f08a6e', '#e0605a'] as const;
/** Small to large magnitudes, for 'magnitude'. */
const SEQUENTIAL = ['#e0f2fe', '#bae6fd', '#fde68a', '#fdba74', '#f87171'] as const;
/** Exactly zero: a mid grey, distinct from the light grey of constants. */
export const ZERO = '#9ca3af';
/** NaN or ±Inf somewhere in it. */
export const NOT_FINITE = '#7c3aed';
/** No gradient yet (a node no backward pass has reached), in the gradient modes. */
export const NO_GRADIENT = '#ffffff';

/** The element of largest magnitude, with its sign; NaN if any element is NaN or infinite. */
function signedExtreme(a: number | { readonly data: ArrayLike<number> }): number {
  if (typeof a === 'number') return Number.isFinite(a) ? a : Number.NaN;
  let best = 0;
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isFinite(v)) return Number.NaN;
    if (Math.abs(v) > Math.abs(best)) best = v;
  }
  return best;
}

/** Elementwise gradient × value (the gradient always has the value's shape). */
function product(g: Raw, x: Raw): number | { readonly data: Float64Array } {
  if (typeof g === 'number') return g * (x as number);
  const out = new Float64Array(g.data.length);
  const xd = (x as NDArray).data;
  for (let i = 0; i < out.length; i++) out[i] = g.data[i]! * xd[i]!;
  return { data: out };
}

/**
 * The signed number a mode colours `n` by (largest magnitude for a tensor), or null when there is none
 * (no gradient yet, or a constant in a gradient mode). `grad` overrides the node's own (frames of a trace).
 */
export function metric(n: Node, mode: ColourMode, grad: Shown | null | undefined): number | null {
  if (mode === 'role') return null;
  const data = dataOf(n);
  if (mode === 'value') return extremeOf(data);
  const g = grad === undefined ? gradOf(n) : grad;
  if (g === null || !n.requiresGrad) return null;
  if (mode === 'gradient') return extremeOf(g);
  if (mode === 'magnitude') return Math.abs(extremeOf(g));
  // no elementwise product without the elements (a trace's or a released node's summary)
  if (!isElements(g) || !isElements(data)) return null;
  return signedExtreme(product(g, data));
}

function isElements(x: Shown): x is number | NDArray {
  return typeof x === 'number' || x instanceof NDArray;
}

/** The signed extreme of a number, an array, or an array's summary. */
function extremeOf(x: Shown): number {
  if (isElements(x)) return signedExtreme(x);
  if (x.nanCount + x.infCount > 0) return Number.NaN;
  if (x.size === 0) return 0;
  return Math.abs(x.max) >= Math.abs(x.min) ? x.max : x.min;
}

/** A node's fill: its number's colour in a numeric mode when it has one, else its role's colour. */
export function fillFor(
  n: Node,
  root: Node,
  mode: ColourMode,
  scale: Scale | null,
  grad: Shown | null,
): string {
  if (mode !== 'role' && scale) {
    const m = metric(n, mode, grad);
    if (m !== null) return scale.colour(m);
    if (mode !== 'value' && n.requiresGrad) return NO_GRADIENT;
  }
  if (n === root) return ROLE.output;
  if (n.op !== null) return ROLE.inner;
  return n.requiresGrad ? ROLE.param : ROLE.constant;
}

/** Colours for the numbers of one drawing: log10 of the magnitudes spread from the smallest to the largest. */
export interface Scale {
  /** log10 of the smallest and the largest finite nonzero magnitude (±Infinity when there is none). */
  readonly lo: number;
  readonly hi: number;
  /** How many numbers it was made from, zeros and NaN included (0: nothing to colour yet). */
  readonly count: number;
  colour(m: number): string;
}

export function scaleOf(values: Iterable<number | null>, sequential = false): Scale {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let count = 0;
  for (const m of values) {
    if (m === null) continue;
    count++;
    if (m === 0 || !Number.isFinite(m)) continue;
    const l = Math.log10(Math.abs(m));
    lo = Math.min(lo, l);
    hi = Math.max(hi, l);
  }
  return {
    lo,
    hi,
    count,
    colour(m) {
      if (Number.isNaN(m)) return NOT_FINITE;
      if (m === 0) return ZERO;
      const span = hi - lo;
      const t = span > 0 ? (Math.log10(Math.abs(m)) - lo) / span : 1;
      if (sequential) return SEQUENTIAL[Math.min(4, Math.max(0, Math.floor(t * 5)))]!;
      const k = Math.min(3, Math.max(0, Math.floor(t * 4)));
      return (m < 0 ? NEGATIVE : POSITIVE)[k]!;
    },
  };
}

const TITLE: Record<ColourMode, string> = {
  role: 'role',
  gradient: 'gradient',
  magnitude: '|gradient|',
  value: 'value',
  product: 'gradient × value',
};

const sci = (e: number) => {
  const v = 10 ** e;
  return v >= 0.01 && v < 1000 ? String(Number(v.toPrecision(2))) : v.toExponential(0);
};

/**
 * What a legend's scale says: `[lo, hi]` as text, or one number when every finite nonzero magnitude
 * rounds to the same (a range "from 1 to 1" reads as a mistake); null when there is none to show.
 */
function ends(scale: Scale | null): { lo: string; hi: string; one: boolean } | null {
  if (!scale || !Number.isFinite(scale.lo)) return null;
  const [lo, hi] = [sci(scale.lo), sci(scale.hi)];
  return { lo, hi, one: lo === hi };
}

/** The note under a legend that has no scale: nothing reached yet, or every number 0 or not finite. */
function noScale(mode: ColourMode, scale: Scale | null): string {
  return scale && scale.count > 0
    ? `every ${TITLE[mode]} is 0 or not finite`
    : `no nonzero ${TITLE[mode]} yet`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function swatch(colour: string, text: string): string {
  return `<TR><TD BGCOLOR="${colour}" WIDTH="18" BORDER="1"> </TD><TD ALIGN="LEFT" COLSPAN="8">${html(text)}</TD></TR>`;
}

/**
 * The legend as a Graphviz HTML-like label: the role colours always, and in a numeric mode a colour bar
 * from −max to +max with its scale (magnitudes on a log scale), zero, "no gradient yet" and NaN/Inf.
 */
export function legendLabel(mode: ColourMode, scale: Scale | null): string {
  const rows: string[] = [`<TR><TD COLSPAN="9"><B>colour: ${html(TITLE[mode])}</B></TD></TR>`];
  const e = mode === 'role' ? null : ends(scale);
  if (mode === 'magnitude' && e) {
    const bar = SEQUENTIAL.map((c) => `<TD BGCOLOR="${c}" WIDTH="28" HEIGHT="12" BORDER="1"> </TD>`).join('');
    rows.push(`<TR>${bar}<TD></TD><TD></TD><TD></TD><TD></TD></TR>`);
    rows.push(
      `<TR><TD COLSPAN="2" ALIGN="LEFT">${e.one ? '' : e.lo}</TD><TD></TD><TD COLSPAN="2" ALIGN="RIGHT">${e.hi}</TD><TD COLSPAN="4"></TD></TR>`,
    );
    rows.push(
      `<TR><TD COLSPAN="9">${e.one ? `every finite nonzero |gradient| is ${e.hi}` : '|gradient| on a log scale'}</TD></TR>`,
    );
    rows.push(swatch(ZERO, 'exactly 0'));
    rows.push(swatch(NOT_FINITE, 'NaN or ±Inf'));
    rows.push(swatch(NO_GRADIENT, 'no gradient yet'));
  } else if (e) {
    const bar = [...[...NEGATIVE].reverse(), ZERO, ...POSITIVE]
      .map((c) => `<TD BGCOLOR="${c}" WIDTH="16" HEIGHT="12" BORDER="1"> </TD>`)
      .join('');
    const inner = (t: string) => (e.one ? '' : t);
    rows.push(`<TR>${bar}</TR>`);
    rows.push(
      `<TR><TD COLSPAN="2" ALIGN="LEFT">−${e.hi}</TD><TD COLSPAN="2">${inner(`−${e.lo}`)}</TD><TD>0</TD><TD COLSPAN="2">${inner(e.lo)}</TD><TD COLSPAN="2" ALIGN="RIGHT">${e.hi}</TD></TR>`,
    );
    rows.push(
      `<TR><TD COLSPAN="9">${e.one ? `every finite nonzero |x| is ${e.hi}, sign by hue` : '|x| on a log scale, sign by hue'}</TD></TR>`,
    );
    rows.push(swatch(ZERO, 'exactly 0'));
    rows.push(swatch(NOT_FINITE, 'NaN or ±Inf'));
    if (mode !== 'value') rows.push(swatch(NO_GRADIENT, 'no gradient yet'));
  } else if (mode !== 'role') {
    rows.push(`<TR><TD COLSPAN="9">${html(noScale(mode, scale))}</TD></TR>`);
  }
  rows.push(swatch(ROLE.param, 'parameter (takes a gradient)'));
  rows.push(swatch(ROLE.constant, 'constant (no gradient)'));
  rows.push(swatch(ROLE.output, 'output'));
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2">${rows.join('')}</TABLE>>`;
}

/** The same legend as plain HTML, for the viewer. */
export function legendHtml(mode: ColourMode, scale: Scale | null): string {
  const sequential = mode === 'magnitude';
  const cells = (sequential ? [...SEQUENTIAL] : [...[...NEGATIVE].reverse(), ZERO, ...POSITIVE]).map(
    (c) => `<span style="background:${c}"></span>`,
  );
  const e = mode === 'role' ? null : ends(scale);
  let bar = mode === 'role' ? '' : `<div class="note">${html(noScale(mode, scale))}</div>`;
  if (e) {
    const ticks = sequential
      ? `<span>${e.one ? '' : e.lo}</span><span>${e.hi}</span>`
      : `<span>−${e.hi}</span><span>0</span><span>${e.hi}</span>`;
    const what = sequential ? '|gradient|' : '|x|';
    const note = e.one
      ? `every finite nonzero ${what} is ${e.hi}`
      : `${what} on a log scale from ${e.lo} to ${e.hi}`;
    bar = `<div class="bar">${cells.join('')}</div><div class="scale">${ticks}</div><div class="note">${note}${sequential ? '' : '; sign by hue'}</div>`;
  }
  const sw = (c: string, t: string) =>
    `<div class="sw"><span style="background:${c}"></span>${html(t)}</div>`;
  const special =
    mode === 'role'
      ? ''
      : sw(ZERO, 'exactly 0') + sw(NOT_FINITE, 'NaN or ±Inf') + sw(NO_GRADIENT, 'no gradient yet');
  return `<div class="title">colour: ${html(TITLE[mode])}</div>${bar}${special}${sw(ROLE.param, 'parameter')}${sw(ROLE.constant, 'constant')}${sw(ROLE.output, 'output')}`;
}

export { html as escapeHtml };
