/** @file toDot past the node budget without modules: a layer diagram of groups by op and stage. */

import { beforeAll, describe, expect, it } from 'vitest';
import { lessonLoss, valueMlp } from '../../examples/lesson/viz-models.js';
import {
  binaryCrossEntropy,
  type Node,
  renderSvg,
  toDot,
  traceBackward,
  traceFrames,
  Value,
} from '../../src/index.js';
import { ROLE } from '../../src/viz/colour.js';
import { stageSummaryOf } from '../../src/viz/dot.js';
import { short } from '../../src/viz/text.js';

/** Every node `root` depends on, found by an explicit stack. */
function nodesOf(root: Node): Node[] {
  const seen = new Set<Node>();
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...n.parents);
  }
  return [...seen].sort((a, b) => a.id - b.id);
}

/** The record labels of a DOT text's groups, by group id. */
function groupLabels(dot: string): Map<string, string> {
  return new Map(
    [...dot.matchAll(/ {2}(g\d+) \[[^\n]*label="\{?([^"]*?)\}?"\];/g)].map((m) => [m[1]!, m[2]!]),
  );
}

function svgSize(svg: string): [number, number] {
  const [, w, h] = svg.match(/width="([\d.]+)pt" height="([\d.]+)pt"/)!;
  return [Number(w), Number(h)];
}

describe('a 784-128-10-1 MLP of Values (about 300,000 values) without modules', () => {
  let loss: Value;
  let dot: string;
  beforeAll(() => {
    loss = valueMlp([784, 128, 10, 1]).loss;
    dot = toDot(loss);
  }, 60_000);

  it('is drawn as a few dozen records that name their counts, the loss as itself, and a note', () => {
    expect(dot.match(/shape=record/g)!.length).toBeLessThan(40);
    const labels = [...groupLabels(dot).values()];
    const has = (start: string) => labels.some((l) => l.startsWith(start));
    expect(has('100,352 × mul | stage 0 |')).toBe(true); // 784 · 128 products w·x
    expect(has('100,352 × add | stage 0 |')).toBe(true); // and their running sums
    expect(has('100,352 parameters | into mul, stage 0 |')).toBe(true);
    expect(has('128 parameters | into add, stage 0 |')).toBe(true);
    expect(has('784 constants | into mul, stage 0 |')).toBe(true);
    expect(has('128 × tanh | stage 1 |')).toBe(true);
    expect(has('1,280 × mul | stage 1 |')).toBe(true);
    expect(has('10 × tanh | stage 2 |')).toBe(true);
    expect(dot).toMatch(
      new RegExp(`v${loss.id} \\[[^\\n]*label="\\{?E \\| data ${loss.data.toFixed(4)} \\| grad 1\\.0000`),
    );
    expect(dot).toContain('past maxNodes=2000: each record groups like values');
    expect(dot).toContain('pass modules to draw layers as boxes');
    // counted edges: the 100,352 products each take one input and one weight
    expect(dot.match(/label="100,352"/g)).toHaveLength(3);
  });

  it('shows the norm and range of each group, as computed from its values', () => {
    const tanhs = nodesOf(loss).filter((n) => n.op?.name === 'tanh');
    const first = tanhs.slice(0, 128).map((n) => n.raw as number);
    const grads = tanhs.slice(0, 128).map((n) => n.gradRaw as number);
    const norm = (xs: number[]) => Math.hypot(...xs);
    const label = [...groupLabels(dot).values()].find((l) => l.startsWith('128 × tanh'))!;
    expect(label).toBe(
      `128 × tanh | stage 1 | data ‖·‖ ${short(norm(first))} ∈ [${short(Math.min(...first))}, ${short(Math.max(...first))}] | grad ‖·‖ ${short(norm(grads))} ∈ [${short(Math.min(...grads))}, ${short(Math.max(...grads))}]`,
    );
  });

  it('lays out in seconds as a picture that fits a few screens, not a hairball', async () => {
    const svg = await renderSvg(dot);
    const [w, h] = svgSize(svg);
    expect(w * h).toBeLessThan(1500 * 2500);
    expect(Math.max(w, h)).toBeLessThan(3000);
  }, 60_000);

  it('colours groups in every mode: by their largest gradient, constants by role', () => {
    const heat = toDot(loss, { colour: 'magnitude' });
    expect(heat).toContain('|gradient| on a log scale');
    const fills = [...heat.matchAll(/ {2}g\d+ \[[^\n]*fillcolor="(#[0-9a-f]{6})"[^\n]*label="\{?([^|]*)/g)];
    for (const [, fill, title] of fills) {
      if (title!.includes('constants')) expect(fill).toBe(ROLE.constant);
      else expect(fill).not.toBe(ROLE.inner);
    }
    expect(toDot(loss, { colour: 'value' })).toContain('colour: value');
    expect(toDot(loss, { hideConstants: true })).not.toContain('784 constants');
  });
});

describe('toDot summarised by stage', () => {
  it("counts the root's stage: 40 tanh in a row make 41 stages (0 to 40)", () => {
    let y = new Value(0.5, { requiresGrad: true });
    for (let i = 0; i < 40; i++) y = y.tanh();
    expect(toDot(y, { maxNodes: 5 })).toContain('(41 stages in 16 bands)');
  });

  it('merges the stages of a long tanh chain into bands, the ops of a band in one record', async () => {
    const x = new Value(0.5, { label: 'x' });
    let y = x;
    for (let i = 0; i < 40_000; i++) y = y.tanh().mul(1.5);
    y.backward();
    const dot = toDot(y);
    const labels = [...groupLabels(dot).values()];
    expect(labels.length).toBeLessThanOrEqual(16);
    expect(labels[0]).toMatch(/^5,000 values \| 2,500 × tanh, 2,500 × mul \| stages 1–2,500 \|/);
    expect(dot).toContain('40,001 stages in 16 bands');
    expect(dot).toContain(`label="{x | data 0.5000 | grad`);
    // each band feeds the next: a chain, not a tangle
    const edges = dot.match(/ {2}g\d+ -> g\d+/g)!;
    expect(edges).toHaveLength(labels.length - 1);
    const svg = await renderSvg(dot);
    const [w, h] = svgSize(svg);
    expect(w * h).toBeLessThan(1500 * 3000);
  }, 60_000);

  it('draws under the budget exactly as before, and says so through stageSummaryOf', () => {
    const { loss } = lessonLoss();
    expect(toDot(loss)).not.toContain('summary [');
    expect(stageSummaryOf(loss)).toBeNull();
    expect(stageSummaryOf(loss, { maxNodes: 10 })).not.toBeNull();
  });

  it('keeps modules first: with modules past the budget it draws boxes, with collapse: false it groups', () => {
    const { loss, names } = valueMlp([20, 8, 1]);
    expect(toDot(loss, { modules: names, maxNodes: 50 })).toContain('shape=box3d');
    const grouped = toDot(loss, { modules: names, maxNodes: 50, collapse: false });
    expect(grouped).not.toContain('shape=box3d');
    expect(grouped).toContain('160 parameters | into mul, stage 0');
    expect(grouped).toContain('maxNodes: Infinity draws every value');
    // modules collapsed as asked still leave too many values: those nearest the root are kept
    const nearest = toDot(loss, { modules: names, maxNodes: 50, collapse: ['1'] });
    expect(nearest).toMatch(/… \d+ earlier nodes not drawn \(maxNodes=50\)/);
    expect(nearest).not.toContain('summary [');
  });

  it('lights the group of the value whose rule runs, and fills gradients in as frames go', () => {
    const { loss } = valueMlp([6, 5, 1]);
    const trace = traceBackward(loss, { accumulate: false });
    const frames = traceFrames(loss, trace, { maxNodes: 20 });
    const mulGroup = (frame: string) =>
      groupLabels(frame).get(
        stageSummaryOf(loss, { maxNodes: 20 })!.groups.find(
          (g) => g.ops[0]?.[0] === 'mul' && g.role === 'op',
        )!.id,
      )!;
    expect(mulGroup(frames[0]!)).toMatch(/no gradient yet$/);
    expect(mulGroup(frames.at(-1)!)).toBe(mulGroup(toDot(loss, { maxNodes: 20 })));
    const k = trace.steps.findIndex((s) => s.node.op === 'tanh');
    const lit = frames[k + 1]!.split('\n').filter((l) => l.includes('penwidth=3'));
    expect(lit.some((l) => /^ {2}g\d+ \[/.test(l) && l.includes('× tanh'))).toBe(true);
    // part way, a group says how many of its values have a gradient so far
    expect(frames.some((f) => /grad ‖·‖ [^"]* \(\d+ of 30\)/.test(f))).toBe(true);
  });

  it('draws a composite as one node when asked, its primitives left out of the groups', () => {
    const { loss } = valueMlp([30, 10, 1]);
    const whole = toDot(loss, { maxNodes: 100, composites: true });
    expect(whole).toContain('label="binaryCrossEntropy"');
    expect(whole).not.toContain('× maximum');
    expect(toDot(loss, { maxNodes: 100 })).toContain('× maximum');
  });

  it('labels edges between values drawn alone with their local derivative, as under the budget', () => {
    const p = new Value(0.3, { label: 'p' });
    let chain = new Value(0, { label: 's' });
    for (let i = 0; i < 50; i++) chain = chain.add(p.mul(i));
    const loss = binaryCrossEntropy(chain.sigmoid(), 1);
    loss.backward();
    const dot = toDot(loss, { maxNodes: 20 });
    expect(dot).toMatch(/ {2}v\d+ -> op\d+ \[label="×-?[\d.]+"\]/);
  });
});
