/**
 * @file A thin SVG writer for the examples' plots: scales, line paths and contours come from d3's small
 * modules (d3-scale, d3-shape, d3-contour, which need no DOM and no browser); this file only writes the
 * markup: axes with ticks and labels, a title, a legend.
 */

import { type ContourMultiPolygon, contours } from 'd3-contour';
import { type ScaleLinear, type ScaleLogarithmic, scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';

const WIDTH = 640;
const HEIGHT = 420;
const MARGIN = { top: 48, right: 150, bottom: 50, left: 64 };
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/** Escapes text for SVG. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

type Scale = ScaleLinear<number, number> | ScaleLogarithmic<number, number>;

/** An SVG document with a title, x and y axes (ticks, grid, labels) and the plot's body. */
function frame(title: string, x: Scale, y: Scale, xLabel: string, yLabel: string, body: string[]): string {
  const [x0, x1] = x.range() as [number, number];
  const [y0, y1] = y.range() as [number, number];
  const ticks = (s: Scale) => (s.ticks(6) as number[]).map((t) => ({ t, text: s.tickFormat(6)(t) }));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT} font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${(x0 + x1) / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const { t, text } of ticks(x)) {
    const px = x(t);
    out.push(
      `<line x1="${px}" x2="${px}" y1="${y0}" y2="${y1}" stroke="#eee"/>`,
      `<line x1="${px}" x2="${px}" y1="${y0}" y2="${y0 + 5}" stroke="#333"/>`,
      `<text x="${px}" y="${y0 + 18}" text-anchor="middle">${esc(text)}</text>`,
    );
  }
  for (const { t, text } of ticks(y)) {
    const py = y(t);
    out.push(
      `<line x1="${x0}" x2="${x1}" y1="${py}" y2="${py}" stroke="#eee"/>`,
      `<line x1="${x0 - 5}" x2="${x0}" y1="${py}" y2="${py}" stroke="#333"/>`,
      `<text x="${x0 - 8}" y="${py + 4}" text-anchor="end">${esc(text)}</text>`,
    );
  }
  out.push(
    ...body,
    `<line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}" stroke="#333"/>`,
    `<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y1}" stroke="#333"/>`,
    `<text x="${(x0 + x1) / 2}" y="${HEIGHT - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  return out.join('\n');
}

/** A legend in the right margin: one entry per item, drawn by `mark` at (x, y). */
function legend(items: readonly { label: string; mark: (x: number, y: number) => string }[]): string[] {
  const x = WIDTH - MARGIN.right + 16;
  return items.flatMap((item, i) => {
    const y = MARGIN.top + 10 + i * 22;
    return [item.mark(x, y), `<text x="${x + 26}" y="${y + 4}">${esc(item.label)}</text>`];
  });
}

/**
 * SVG path data for a contour (grid coordinates mapped by `toPlot`). With `lineOnly`, the pieces that
 * run along the grid's border are left out, so only the level line itself is drawn.
 */
function polygonPath(
  level: ContourMultiPolygon,
  toPlot: (gx: number, gy: number) => [number, number],
  n: number,
  lineOnly: boolean,
): string {
  const onBorder = (p: number[]) => p[0] === 0 || p[0] === n || p[1] === 0 || p[1] === n;
  const parts: string[] = [];
  for (const polygon of level.coordinates) {
    for (const ring of polygon) {
      ring.forEach((p, k) => {
        const prev = ring[k - 1];
        const [px, py] = toPlot(p[0]!, p[1]!);
        if (prev === undefined || (lineOnly && onBorder(prev) && onBorder(p))) {
          parts.push(`M${px.toFixed(1)},${py.toFixed(1)}`);
          return;
        }
        parts.push(`L${px.toFixed(1)},${py.toFixed(1)}`);
      });
      if (!lineOnly) parts.push('Z');
    }
  }
  return parts.join('');
}

export interface Series {
  readonly name: string;
  readonly colour: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

/** Lines over a shared x axis, e.g. training and test loss per epoch. */
export function lineChart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  logY?: boolean;
}): string {
  const all = options.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const x = scaleLinear()
    .domain([Math.min(...xs), Math.max(...xs)])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const range = [HEIGHT - MARGIN.bottom, MARGIN.top];
  const y: Scale = options.logY
    ? scaleLog()
        .domain([Math.min(...ys), Math.max(...ys)])
        .range(range)
        .nice()
    : scaleLinear()
        .domain([Math.min(...ys), Math.max(...ys)])
        .range(range)
        .nice();
  const path = line<readonly [number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  const body = options.series.map(
    (s) =>
      `<path d="${path(s.points)}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
  );
  body.push(
    ...legend(
      options.series.map((s) => ({
        label: s.name,
        mark: (lx, ly) =>
          `<line x1="${lx}" x2="${lx + 20}" y1="${ly}" y2="${ly}" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      })),
    ),
  );
  return `${frame(options.title, x, y, options.xLabel, options.yLabel, body)}\n</svg>\n`;
}

export interface Classes {
  readonly name: string;
  readonly colour: string;
  readonly points: readonly (readonly [number, number])[];
}

/**
 * Points coloured by class over a model's probability field: shaded where the model says class 1,
 * and the decision boundary (probability 0.5) drawn as a contour line.
 */
export function decisionBoundary(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  classes: readonly Classes[];
  /** The model's probability of class 1 at (x, y). */
  probability: (x: number, y: number) => number;
  boundaryLabel: string;
}): string {
  const all = options.classes.flatMap((c) => c.points);
  const pad = (lo: number, hi: number) => [lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)] as const;
  const [xlo, xhi] = pad(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const [ylo, yhi] = pad(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const x = scaleLinear()
    .domain([xlo, xhi])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const y = scaleLinear()
    .domain([ylo, yhi])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  // the probability on a grid of cells; contours() traces level sets through it
  const n = 80;
  const values = new Array<number>(n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++)
      values[j * n + i] = options.probability(
        xlo + ((i + 0.5) / n) * (xhi - xlo),
        ylo + ((j + 0.5) / n) * (yhi - ylo),
      );
  const toPlot = (gx: number, gy: number): [number, number] => [
    x(xlo + (gx / n) * (xhi - xlo)),
    y(ylo + (gy / n) * (yhi - ylo)),
  ];
  const [level] = contours().size([n, n]).thresholds([0.5])(values);
  const area = level ? polygonPath(level, toPlot, n, false) : '';
  const boundary = level ? polygonPath(level, toPlot, n, true) : '';
  const lowest = Math.min(...values);
  const highest = Math.max(...values);
  const note =
    highest < 0.5 || lowest >= 0.5
      ? `ŷ is ${highest < 0.5 ? 'below' : 'above'} 0.5 everywhere here (${lowest.toFixed(3)} to ${highest.toFixed(3)}): no boundary in view`
      : `ŷ ranges from ${lowest.toFixed(3)} to ${highest.toFixed(3)} over this area`;
  const body = [
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${MARGIN.top - 6}" text-anchor="middle" fill="#555">${esc(note)}</text>`,
    `<clipPath id="plot"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${WIDTH - MARGIN.left - MARGIN.right}" height="${HEIGHT - MARGIN.top - MARGIN.bottom}"/></clipPath>`,
    `<path d="${area}" fill="${options.classes[1]?.colour ?? '#999'}" fill-opacity="0.12" clip-path="url(#plot)"/>`,
    `<path d="${boundary}" fill="none" stroke="#111" stroke-width="2" clip-path="url(#plot)"/>`,
  ];
  for (const c of options.classes) {
    for (const p of c.points)
      body.push(
        `<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3.5" fill="${c.colour}" stroke="white" stroke-width="0.8"/>`,
      );
  }
  body.push(
    ...legend([
      ...options.classes.map((c) => ({
        label: c.name,
        mark: (lx: number, ly: number) => `<circle cx="${lx + 10}" cy="${ly}" r="4" fill="${c.colour}"/>`,
      })),
      {
        label: options.boundaryLabel,
        mark: (lx: number, ly: number) =>
          `<line x1="${lx}" x2="${lx + 20}" y1="${ly}" y2="${ly}" stroke="#111" stroke-width="2"/>`,
      },
      {
        label: `predicts ${options.classes[1]?.name ?? '1'}`,
        mark: (lx: number, ly: number) =>
          `<rect x="${lx}" y="${ly - 7}" width="20" height="14" fill="${options.classes[1]?.colour ?? '#999'}" fill-opacity="0.12" stroke="#ccc"/>`,
      },
    ]),
  );
  return `${frame(options.title, x, y, options.xLabel, options.yLabel, body)}\n</svg>\n`;
}

/**
 * A grid of cells coloured by log10 of a positive quantity (per-layer gradient norms: rows are models,
 * columns layers), with each cell's value written in it and a colour bar as the legend.
 */
export function heatmap(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  rows: readonly string[];
  columns: readonly string[];
  /** values[r][c] > 0; zeros are drawn grey. */
  values: readonly (readonly number[])[];
  legendLabel: string;
}): string {
  const positive = options.values.flat().filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  const colour = scaleLinear<string>()
    .domain([lo, (lo + hi) / 2, hi])
    .range(['#2c7bb6', '#ffffbf', '#d7191c'])
    .clamp(true);
  const left = MARGIN.left + 40;
  const cellW = (WIDTH - MARGIN.right - left) / options.columns.length;
  const cellH = (HEIGHT - MARGIN.top - MARGIN.bottom) / options.rows.length;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT} font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${(left + WIDTH - MARGIN.right) / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(options.title)}</text>`,
  ];
  options.rows.forEach((name, r) => {
    const y = MARGIN.top + r * cellH;
    out.push(`<text x="${left - 8}" y="${y + cellH / 2 + 4}" text-anchor="end">${esc(name)}</text>`);
    options.columns.forEach((_, c) => {
      const v = options.values[r]![c]!;
      const fill = v > 0 && Number.isFinite(v) ? colour(Math.log10(v)) : '#d1d5db';
      const x = left + c * cellW;
      out.push(
        `<rect x="${x}" y="${y}" width="${cellW}" height="${cellH}" fill="${fill}" stroke="white"/>`,
        `<text x="${x + cellW / 2}" y="${y + cellH / 2 + 4}" text-anchor="middle" font-size="${Math.min(11, cellW / 4.5)}">${v.toExponential(0)}</text>`,
      );
    });
  });
  options.columns.forEach((name, c) => {
    const x = left + c * cellW + cellW / 2;
    out.push(`<text x="${x}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${esc(name)}</text>`);
  });
  out.push(
    `<text x="${(left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 10}" text-anchor="middle">${esc(options.xLabel)}</text>`,
    `<text transform="translate(16 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}</text>`,
  );
  // the colour bar: log10 values from lo (bottom) to hi (top)
  const barX = WIDTH - MARGIN.right + 30;
  const barTop = MARGIN.top + 20;
  const barH = HEIGHT - MARGIN.top - MARGIN.bottom - 40;
  const steps = 40;
  for (let i = 0; i < steps; i++) {
    const t = lo + ((hi - lo) * (i + 0.5)) / steps;
    out.push(
      `<rect x="${barX}" y="${barTop + barH - ((i + 1) * barH) / steps}" width="16" height="${barH / steps + 0.5}" fill="${colour(t)}"/>`,
    );
  }
  for (let e = lo; e <= hi; e++) {
    const y = barTop + barH - ((e - lo) / (hi - lo || 1)) * barH;
    out.push(
      `<line x1="${barX + 16}" x2="${barX + 20}" y1="${y}" y2="${y}" stroke="#333"/>`,
      `<text x="${barX + 23}" y="${y + 4}">1e${e}</text>`,
    );
  }
  out.push(
    `<text x="${barX - 4}" y="${barTop - 8}">${esc(options.legendLabel)}</text>`,
    `<rect x="${barX}" y="${barTop + barH + 12}" width="16" height="10" fill="#d1d5db"/>`,
    `<text x="${barX + 23}" y="${barTop + barH + 21}">exactly 0</text>`,
    '</svg>',
    '',
  );
  return out.join('\n');
}
