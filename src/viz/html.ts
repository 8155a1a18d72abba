/** @file toHtml: one self-contained page to explore a graph: pan and zoom, tooltips, colours, step-through backward, explain. */

import type { Node } from '../engine/node.js';
import { topoSort } from '../engine/topo.js';
import { checkOptions, formatNumber, type OptionNames } from '../errors.js';
import { NDArray } from '../kernels/ndarray.js';
import type { Value } from '../scalar/value.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ColourMode, escapeHtml, fillFor, legendHtml, metric, scaleOf } from './colour.js';
import { collapsedDrawingOf, type DotOptions, stageSummaryOf, toDot } from './dot.js';
import { explain, nameOf } from './explain.js';
import { parameterNames } from './modules.js';
import { renderSvg } from './render.js';
import { groupFill, groupGradText, groupMetric, groupPlace, groupTitle } from './stage-dot.js';
import type { StageGroup } from './stages.js';
import { isInlined, opText, scalarOf, trimZeros } from './summarise.js';
import {
  dataOf,
  type GroupStats,
  gradOf,
  groupStats,
  isReleased,
  type Shown,
  short,
  summaryOf,
} from './text.js';
import { type BackwardTrace, type Traced, traceBackward } from './trace.js';
import { SVG_PAN_ZOOM_SOURCE, SVG_PAN_ZOOM_VERSION } from './vendor/svg-pan-zoom.generated.js';
import { VIEWER_CSS, VIEWER_SCRIPT } from './viewer.js';

/** Options of `toHtml`: `toHtml(loss, { modules: model, colour: 'magnitude' })`. */
export interface HtmlOptions
  extends Pick<DotOptions, 'rankdir' | 'maxNodes' | 'modules' | 'hideConstants' | 'composites'> {
  /** The page's title (default: "chainrule: " and the root's name). */
  readonly title?: string;
  /** The colour mode shown first (default 'gradient'). */
  readonly colour?: ColourMode;
  /**
   * The backward pass to step through. Default: a trace taken now, by `traceBackward(root)` when no
   * backward pass has reached `root` yet (filling `.grad` as `backward()` would), else by
   * `traceBackward(root, { accumulate: false })`, which leaves every `.grad` as it is.
   */
  readonly trace?: BackwardTrace;
  /** Most parameters given an explain() panel (default 500; a tensor parameter explains its element 0). */
  readonly maxExplain?: number;
  /** Most backward steps the page can step through (default 20,000): past it, stepping is left out. */
  readonly maxSteps?: number;
}

const MODES: readonly ColourMode[] = ['gradient', 'magnitude', 'value', 'product', 'role'];

function traced(x: Shown): Traced {
  if (typeof x === 'number') return x;
  const s = summaryOf(x);
  // one element: the number itself, since a summary's statistics leave out NaN and ±Infinity
  const one = s.size === 1 && x instanceof NDArray ? { data: [x.data[0]!] } : {};
  return { ...s, shape: [...s.shape], ...one };
}

/** A group's tooltip: what it holds, where, and the statistics of its values and gradients. */
function groupTip(title: readonly string[], members: readonly Node[]): string[] {
  const stats = (what: string, s: GroupStats) => [
    `${what}: ${s.size.toLocaleString('en-US')} numbers`,
    `  min ${short(s.min)}  max ${short(s.max)}  mean ${short(s.mean)}`,
    `  std ${short(s.std)}  norm ${short(s.norm)}`,
    `  NaN ${s.nanCount}  Inf ${s.infCount}`,
  ];
  const grads: Shown[] = [];
  for (const m of members) {
    const x = m.requiresGrad ? gradOf(m) : null;
    if (x !== null) grads.push(x);
  }
  return [
    ...title,
    ...stats('value', groupStats(members.map(dataOf))),
    ...(grads.length > 0 ? stats('gradient', groupStats(grads)) : [groupGradText({ members }, gradOf)]),
    'a group: explain() takes one value (call it in code, or draw with a larger maxNodes)',
  ];
}

/**
 * JSON that can sit inside a <script> element: no `</script>` or `<!--` can end it early. JSON has no
 * NaN or ±Infinity (JSON.stringify writes null, which the viewer reads as "no gradient"): they are
 * written as `{"nonFinite":"NaN"}`, `{"nonFinite":"-Infinity"}`, which the viewer's parser turns back
 * into numbers.
 */
export function scriptJson(data: unknown): string {
  return JSON.stringify(data, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? { nonFinite: String(v) } : v,
  )
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

async function sha256(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  let binary = '';
  for (const b of digest) binary += String.fromCharCode(b);
  return btoa(binary);
}

const HTML_OPTIONS: OptionNames<HtmlOptions> = {
  rankdir: true,
  maxNodes: true,
  modules: true,
  hideConstants: true,
  composites: true,
  title: true,
  colour: true,
  trace: true,
  maxExplain: true,
  maxSteps: true,
};

/**
 * A single HTML file that shows the graph behind `root` and lets a learner explore it offline: pan and
 * zoom (svg-pan-zoom, inlined), tooltips with value, gradient, shape and statistics, the colour modes
 * with their legend, step-through of the backward pass (buttons, ← → Home End, space to play) with
 * `input.grad += local × upstream` in numbers at each step, an explain() panel for each parameter
 * (click it), and modules collapsed or expanded when `modules` is given. Everything is inline
 * (SVG, CSS, scripts, data) under a Content-Security-Policy that forbids every remote load, so the
 * file opens from `file://` with no network. Works in Node and in browsers.
 *
 * @example
 * loss.backward();
 * writeFileSync('out/graph.html', await toHtml(loss));
 */
export async function toHtml(root: Value | Tensor, options: HtmlOptions = {}): Promise<string> {
  checkOptions('toHtml', options, HTML_OPTIONS);
  const dotOptions: DotOptions = {
    rankdir: options.rankdir,
    maxNodes: options.maxNodes,
    modules: options.modules,
    hideConstants: options.hideConstants,
    composites: options.composites,
  };
  const first = options.colour ?? 'gradient';
  if (!MODES.includes(first)) {
    throw new TypeError(`toHtml: colour must be one of ${MODES.join(', ')} (got ${JSON.stringify(first)})`);
  }
  const maxSteps = options.maxSteps ?? 20_000;
  const all = topoSort([root]);
  // NOTE: past maxSteps nodes the page cannot step anyway: trace only to fill .grad when it is empty
  const fresh = gradOf(root) === null;
  // a graph that backward() released cannot run its rules again: no trace, no explain panels
  const released = all.some(isReleased);
  const trace =
    options.trace ??
    (!released && (all.length <= maxSteps || fresh)
      ? traceBackward(root, { accumulate: fresh, local: all.length <= maxSteps })
      : null);
  const steps = trace !== null && trace.steps.length <= maxSteps ? trace.steps : [];
  const svg = await renderSvg(toDot(root, { ...dotOptions, legend: false, colour: first }));
  // modules as boxes: the drawing itself past maxNodes, else a second drawing the page switches to
  // (without modules there are no boxes: neither drawing is worked out)
  const hasModules = options.modules !== undefined;
  const opensCollapsed = hasModules && collapsedDrawingOf(root, dotOptions) !== null;
  const boxed = hasModules ? collapsedDrawingOf(root, { ...dotOptions, collapse: true }) : null;
  const collapsedSvg =
    boxed !== null && !opensCollapsed
      ? await renderSvg(toDot(root, { ...dotOptions, legend: false, colour: first, collapse: true }))
      : null;

  const drawnIds = new Set(
    [...`${svg}${collapsedSvg ?? ''}`.matchAll(/id="v(\d+)"/g)].map((m) => Number(m[1])),
  );
  const drawn = all.filter((n) => drawnIds.has(n.id));
  const names = parameterNames(options.modules);
  // NOTE: a plain number drawn inside its op (x.mul(2)'s 2) is named by its value, not by an id nobody sees.
  const displayName = (n: Node) =>
    names.get(n) ?? (isInlined(n) ? trimZeros(formatNumber(scalarOf(n))) : nameOf(n));

  const summary = stageSummaryOf(root, dotOptions);
  // groups: of a drawing summarised by stage, or of like units between boxes
  const groups: { id: string; title: string[]; members: readonly Node[]; role: StageGroup['role'] }[] = [];
  for (const g of summary?.groups ?? []) {
    if (g.members.length > 1)
      groups.push({ ...g, title: [...groupTitle(g, summary!.banded), groupPlace(g)] });
  }
  for (const [id, members] of boxed?.groups ?? []) {
    const title = [`${members.length} × ${opText(members[0]!, false)}`, 'like values between modules'];
    groups.push({ id, title, members, role: 'op' });
  }
  const groupMetrics = Object.fromEntries(
    MODES.map((m) => [m, groups.map((g) => (m === 'role' ? null : groupMetric(g, m, gradOf)))]),
  );
  const scales = Object.fromEntries(
    MODES.map((m) => [
      m,
      m === 'role'
        ? null
        : scaleOf([...drawn.map((n) => metric(n, m, gradOf(n))), ...groupMetrics[m]!], m === 'magnitude'),
    ]),
  );

  const nodes: Record<number, unknown> = {};
  // names of what is drawn or named in a step: a parameter by its path (`0.weight`), drawn or not
  const stepIds = new Set<number>();
  for (const step of steps) for (const t of [step.node, ...step.inputs]) stepIds.add(t.id);
  const namesById: Record<number, string> = {};
  for (const n of all) {
    if (drawnIds.has(n.id) || stepIds.has(n.id) || n === root) namesById[n.id] = displayName(n);
  }
  for (const n of drawn) {
    nodes[n.id] = {
      name: displayName(n),
      op: n.gradFn,
      role: n === root ? 'output' : n.op !== null ? 'inner' : n.requiresGrad ? 'parameter' : 'constant',
      requiresGrad: n.requiresGrad,
      data: traced(dataOf(n)),
      fills: Object.fromEntries(MODES.map((m) => [m, fillFor(n, root, m, scales[m]!, gradOf(n))])),
    };
  }
  for (const step of steps) {
    namesById[step.node.id] ??= step.node.label || `${step.node.op}#${step.node.id}`;
    for (const i of step.inputs) namesById[i.id] ??= i.label || `${i.op ?? 'leaf'}#${i.id}`;
  }

  const explained: Record<number, unknown> = {};
  // explain() needs one number at the root (a loss); a tensor root of several elements gets no panels
  const maxExplain =
    !released && (typeof root.raw === 'number' || root.raw.size === 1) ? (options.maxExplain ?? 500) : 0;
  for (const n of drawn) {
    if (Object.keys(explained).length >= maxExplain) break;
    if (n.op !== null || !n.requiresGrad || gradOf(n) === null) continue;
    const e = explain(root, n as Value, { maxPaths: 12, index: typeof n.raw === 'number' ? undefined : 0 });
    explained[n.id] = { text: String(e), sum: e.sum, grad: e.grad, index: e.index };
  }

  // a box: its label's lines, and what stepping needs: its parameters and the values it computed
  const boxes: Record<string, unknown> = {};
  for (const [id, box] of boxed?.boxes ?? []) {
    boxes[id] = {
      tip: box.label.split('\n'),
      params: steps.length > 0 ? box.params.map((p) => p.id) : undefined,
      members: steps.length > 0 ? box.members.map((n) => n.id) : undefined,
    };
  }
  const groupData: Record<string, unknown> = {};
  for (const [k, g] of groups.entries()) {
    groupData[g.id] = {
      tip: groupTip(g.title, g.members),
      constant: !g.members.some((m) => m.requiresGrad),
      count: g.members.length,
      units: boxed?.groups.has(g.id) === true,
      fills: Object.fromEntries(MODES.map((m) => [m, groupFill(g, groupMetrics[m]![k]!, m, scales[m]!)])),
      // what stepping needs: which values a group holds (only when there are steps to show)
      members: steps.length > 0 ? g.members.map((m) => m.id) : undefined,
    };
  }
  const stepping = steps.length > 0 || trace?.steps.length === 0;
  const data = {
    root: root.id,
    first,
    seed: trace?.seed ?? traced(gradOf(root) ?? 1),
    steps,
    nodes,
    names: namesById,
    explain: explained,
    boxes,
    groups: groupData,
    legends: Object.fromEntries(MODES.map((m) => [m, legendHtml(m, scales[m]!)])),
  };
  const title = options.title ?? `chainrule: ${displayName(root)}`;
  const expandHint = `past maxNodes (${options.maxNodes ?? 2000} values) modules are drawn as boxes: a step inside a module lights its box; a larger maxNodes expands them`;
  const vendor = `${SVG_PAN_ZOOM_SOURCE}\n`;
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${await sha256(vendor)}' 'sha256-${await sha256(VIEWER_SCRIPT)}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const radios = MODES.map(
    (m) =>
      `<label><input type="radio" name="colour" value="${m}"${m === first ? ' checked' : ''}> ${m === 'product' ? 'gradient × value' : m === 'magnitude' ? '|gradient|' : m}</label>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="chainrule toHtml; svg-pan-zoom ${SVG_PAN_ZOOM_VERSION} (BSD-2-Clause, inlined)">
<title>${escapeHtml(title)}</title>
<style>${VIEWER_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<span>
<button id="first" title="first step (Home)">|◀</button>
<button id="prev" title="previous step (←)">◀ prev</button>
<button id="play" title="play (space)">▶ play</button>
<button id="next" title="next step (→)">next ▶</button>
<button id="last" title="last step (End)">▶|</button>
<span id="step-counter" data-testid="step-counter"></span>
</span>
<fieldset><legend hidden>colour</legend>${radios}</fieldset>
${collapsedSvg ? '<button id="collapse" data-testid="collapse">collapse modules</button>' : ''}${opensCollapsed ? `<button id="collapse" data-testid="collapse" disabled title="${escapeHtml(expandHint)}">expand modules</button>` : ''}
</header>
<main>
<div class="view" id="graph-full">${svg}</div>
${collapsedSvg ? `<div class="view" id="graph-collapsed" style="display:none">${collapsedSvg}</div>` : ''}
<aside>
<h2>Legend</h2>
<div id="legend" data-testid="legend"></div>
<h2>Backward step</h2>
<div id="step" data-testid="step">${stepping ? '' : released && !options.trace ? '<div>backward() released this graph: pass { retainGraph: true } to it (or a trace) to step through the pass and explain parameters</div>' : `<div>more than maxSteps (${maxSteps}) steps: stepping left out</div>`}</div>
${summary && stepping ? '<div class="note">past maxNodes values are drawn in groups: a step of a value inside a group lights the group</div>' : ''}
${opensCollapsed ? `<div class="note">${escapeHtml(expandHint)}</div>` : ''}
<div id="explain" data-testid="explain">
<h2 id="explain-title"></h2>
<div>sum over paths: <span id="explain-sum" data-testid="explain-sum"></span></div>
<div>.grad: <span id="explain-grad" data-testid="explain-grad"></span></div>
<pre id="explain-text"></pre>
</div>
<h2>How to use</h2>
<div>Drag to pan, wheel to zoom. Hover a value for its statistics; click a parameter to see its gradient as a sum over paths. Step with ← → (Home, End; space plays).</div>
</aside>
</main>
<div id="tooltip" data-testid="tooltip"></div>
<script type="application/json" id="chainrule-data">${scriptJson(data)}</script>
<script>${vendor}</script>
<script>${VIEWER_SCRIPT}</script>
</body>
</html>
`;
}
