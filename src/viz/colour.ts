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
  readonly lo: number;
  readonly hi: number;
  colour(m: number): string;
}

export function scaleOf(values: Iterable<number | null>, sequential = false): Scale {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const m of values) {
    if (m === null || m === 0 || !Number.isFinite(m)) continue;
    const l = Math.log10(Math.abs(m));
    lo = Math.min(lo, l);
    hi = Math.max(hi, l);
  }
  return {
    lo,
    hi,
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
  if (mode === 'magnitude' && scale && Number.isFinite(scale.lo)) {
    const bar = SEQUENTIAL.map((c) => `<TD BGCOLOR="${c}" WIDTH="28" HEIGHT="12" BORDER="1"> </TD>`).join('');
    rows.push(`<TR>${bar}<TD></TD><TD></TD><TD></TD><TD></TD></TR>`);
    rows.push(
      `<TR><TD COLSPAN="2" ALIGN="LEFT">${sci(scale.lo)}</TD><TD></TD><TD COLSPAN="2" ALIGN="RIGHT">${sci(scale.hi)}</TD><TD COLSPAN="4"></TD></TR>`,
    );
    rows.push(`<TR><TD COLSPAN="9">|gradient| on a log scale</TD></TR>`);
    rows.push(swatch(ZERO, 'exactly 0'));
    rows.push(swatch(NOT_FINITE, 'NaN or ±Inf'));
    rows.push(swatch(NO_GRADIENT, 'no gradient yet'));
  } else if (mode !== 'role' && scale && Number.isFinite(scale.lo)) {
    const bar = [...[...NEGATIVE].reverse(), ZERO, ...POSITIVE]
      .map((c) => `<TD BGCOLOR="${c}" WIDTH="16" HEIGHT="12" BORDER="1"> </TD>`)
      .join('');
    rows.push(`<TR>${bar}</TR>`);
    rows.push(
      `<TR><TD COLSPAN="2" ALIGN="LEFT">−${sci(scale.hi)}</TD><TD COLSPAN="2">−${sci(scale.lo)}</TD><TD>0</TD><TD COLSPAN="2">${sci(scale.lo)}</TD><TD COLSPAN="2" ALIGN="RIGHT">${sci(scale.hi)}</TD></TR>`,
    );
    rows.push(`<TR><TD COLSPAN="9">|x| on a log scale, sign by hue</TD></TR>`);
    rows.push(swatch(ZERO, 'exactly 0'));
    rows.push(swatch(NOT_FINITE, 'NaN or ±Inf'));
    if (mode !== 'value') rows.push(swatch(NO_GRADIENT, 'no gradient yet'));
  } else if (mode !== 'role') {
    rows.push(`<TR><TD COLSPAN="9">no nonzero ${html(TITLE[mode])} yet</TD></TR>`);
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
  const ends = sequential
    ? `<span>${sci(scale?.lo ?? 0)}</span><span>${sci(scale?.hi ?? 0)}</span>`
    : `<span>−${sci(scale?.hi ?? 0)}</span><span>0</span><span>${sci(scale?.hi ?? 0)}</span>`;
  const note = sequential
    ? `|gradient| on a log scale from ${sci(scale?.lo ?? 0)} to ${sci(scale?.hi ?? 0)}`
    : `|x| on a log scale from ${sci(scale?.lo ?? 0)} to ${sci(scale?.hi ?? 0)}; sign by hue`;
  const bar =
    mode !== 'role' && scale && Number.isFinite(scale.lo)
      ? `<div class="bar">${cells.join('')}</div><div class="scale">${ends}</div><div class="note">${note}</div>`
      : mode === 'role'
        ? ''
        : `<div class="note">no nonzero ${html(TITLE[mode])} yet</div>`;
  const sw = (c: string, t: string) =>
    `<div class="sw"><span style="background:${c}"></span>${html(t)}</div>`;
  const special =
    mode === 'role'
      ? ''
      : sw(ZERO, 'exactly 0') + sw(NOT_FINITE, 'NaN or ±Inf') + sw(NO_GRADIENT, 'no gradient yet');
  return `<div class="title">colour: ${html(TITLE[mode])}</div>${bar}${special}${sw(ROLE.param, 'parameter')}${sw(ROLE.constant, 'constant')}${sw(ROLE.output, 'output')}`;
}

export { html as escapeHtml };
