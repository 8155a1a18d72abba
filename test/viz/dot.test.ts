/** @file DOT export: exact text, escaping of hostile labels, SVG rendering, huge graphs. */

import { describe, expect, it } from 'vitest';
import { valueMlp } from '../../examples/lesson/viz-models.js';
import {
  binaryCrossEntropy,
  explain,
  Linear,
  manualSeed,
  mseLoss,
  randn,
  renderSvg,
  Sequential,
  type Tensor,
  tensor,
  toDot,
  Value,
} from '../../src/index.js';

/** Ids are global creation order; drawings compare after renumbering them from 0. */
function renumber(dot: string): string {
  const ids = new Map<string, number>();
  return dot.replace(/\b(v|op)(\d+)\b/g, (_m, kind: string, id: string) => {
    if (!ids.has(id)) ids.set(id, ids.size);
    return `${kind}${ids.get(id)}`;
  });
}

describe('toDot', () => {
  it('draws a small graph exactly: records, op ellipses, one edge per use with its derivative, gradients', () => {
    const x = new Value(2, { label: 'x' });
    const b = new Value(-1, { label: 'b' });
    const y = x.mul(x).add(b);
    y.label = 'y';
    y.backward();
    expect(renumber(toDot(y, { rankdir: 'LR', legend: false }))).toBe(
      [
        'digraph chainrule {',
        '  rankdir=LR; nslimit=2; mclimit=0.5; newrank=true; ranksep=0.3; nodesep=0.2;',
        '  node [fontname="Helvetica", fontsize=11, height=0.3]; edge [color="#555555", fontname="Helvetica", fontsize=9, arrowsize=0.6];',
        '  v0 [id="v0", shape=record, style=filled, fillcolor="#dbeafe", label="x | data 2.0000 | grad 4.0000"];',
        '  v1 [id="v1", shape=record, style=filled, fillcolor="#ffffff", label="data 4.0000 | grad 1.0000"];',
        '  op1 [id="op1", shape=ellipse, margin=0.03, label="*"];',
        '  op1 -> v1;',
        '  v0 -> op1 [label="×2"];',
        '  v0 -> op1 [label="×2"];',
        '  v2 [id="v2", shape=record, style=filled, fillcolor="#dbeafe", label="b | data -1.0000 | grad 1.0000"];',
        '  v3 [id="v3", shape=record, style=filled, fillcolor="#fde68a", label="y | data 3.0000 | grad 1.0000"];',
        '  op3 [id="op3", shape=ellipse, margin=0.03, label="+"];',
        '  op3 -> v3;',
        '  v1 -> op3 [label="×1"];',
        '  v2 -> op3 [label="×1"];',
        '}',
      ].join('\n'),
    );
  });

  it('is deterministic and shows "no gradient yet" before backward, never 0', () => {
    const x = new Value(1, { label: 'x' });
    const y = x.tanh();
    const dot = toDot(y);
    expect(toDot(y)).toBe(dot);
    expect(dot).toContain('"x | data 1.0000 | no gradient yet"');
    expect(dot).not.toContain('grad 0');
  });

  it('shows plain numbers inside the op, constants tensors as grey records, tensor shapes and attributes', () => {
    const W = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true, label: 'W' },
    );
    const s = W.mul(2)
      .add(tensor([1, 1]))
      .sum(1);
    const dot = toDot(s);
    expect(dot).toContain('"W | data [2, 2] ‖·‖ 5.48 ∈ [1, 4] | no gradient yet"');
    expect(dot).toContain('label="* 2"');
    expect(dot).toContain('fillcolor="#f3f4f6", label="data [2] ‖·‖ 1.41 ∈ [1, 1] | no gradient (constant)"');
    expect(dot).toContain('label="Σ\\n[2, 1]"');
    expect(toDot(s.sum())).toContain('label="Σ"]'); // a sum of everything, not `Σ []`
    expect(toDot(s, { rankdir: 'TB' })).toContain('rankdir=TB;');
    expect(toDot(s, { hideConstants: true })).not.toContain('no gradient (constant)');
  });

  const hostile = 'a "quoted" {brace} <tag> | pipe \\ back\nnew line';

  it('escapes hostile labels so they cannot break the record or the string', () => {
    const x = new Value(1, { label: hostile });
    const dot = toDot(x.mul(2));
    expect(dot).toContain('a \\"quoted\\" \\{brace\\} \\<tag\\> \\| pipe \\\\ back\\nnew line');
    const recordLine = dot.split('\n').find((l) => l.includes('quoted'))!;
    expect(recordLine.split('\n')).toHaveLength(1);
  });

  it('renders to SVG, hostile labels included', async () => {
    const x = new Value(1, { label: hostile });
    const y = x.mul(x).tanh();
    y.backward();
    const svg = await renderSvg(toDot(y));
    expect(svg).toMatch(/^<\?xml|<svg/);
    expect(svg).toContain('</svg>');
    expect(svg).toContain('&lt;tag&gt;');
    expect(svg).toContain('tanh');
  });

  it('past the budget, draws each box into the note that counts the values it feeds', () => {
    manualSeed(1);
    const model = new Sequential(new Linear(4, 8), (x: Tensor) => x.tanh(), new Linear(8, 2));
    const loss = mseLoss(model.forward(randn([5, 4])), randn([5, 2]));
    const dot = toDot(loss, { modules: model, maxNodes: 4 });
    expect(dot).toMatch(/… \d+ earlier nodes not drawn/);
    expect(dot).toContain('m_0 -> hidden [style=dashed];');
    expect(dot).toContain('m_2 -> hidden [style=dashed];');
  });

  it('draws a label as written: Graphviz reads entities in labels, so & is escaped too', async () => {
    const label = 'a "quoted" <b>&amp; </b> & &#45;';
    const x = new Value(1, { label });
    const w = new Value(2);
    const y = x.mul(w);
    y.label = 'R&amp;D';
    const svg = await renderSvg(toDot(y, { modules: [['m&lt;1&gt;.w', w]] }));
    // what a browser shows: each <text> with its XML entities decoded once
    const shown = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
      m[1]!
        .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    );
    expect(shown).toContain(label);
    expect(shown).toContain('m&lt;1&gt;.w'); // a parameter's name, in its record
    expect(shown).toContain('m&lt;1&gt;'); // its module's cluster
    expect(shown).toContain('R&amp;D');
    const plain = toDot(new Value(1, { label }).mul(2));
    expect(plain).toContain('label="a \\"quoted\\" \\<b\\>&amp;amp; \\</b\\> &amp; &amp;#45; | data');
  });

  it('shortens a long label in the drawing to its start and end, a long parameter path keeping its end', () => {
    const long = `${'x'.repeat(150)}🙂${'y'.repeat(150)}`;
    const a = new Value(1, { label: long });
    const w = new Value(2);
    const path = `${'encoder.layers.11.'.repeat(4)}attention.output.dense.weight`;
    const dot = toDot(a.mul(w), { modules: [[path, w]] });
    expect(dot).not.toContain('x'.repeat(30));
    expect(dot).toContain(`label="${'x'.repeat(29)}…${'y'.repeat(30)} | data`);
    expect(dot).toContain('label="encoder.layers.11.encoder.lay….attention.output.dense.weight | data');
    const whole = toDot(new Value(1, { label: 'z'.repeat(60) }).mul(2));
    expect(whole).toContain(`label="${'z'.repeat(60)} | data`);
  });

  it('draws far uses of a much-used value from dashed copies, so a 400-use fan-out lays out', async () => {
    const x = new Value(0.5, { label: 'x' });
    let y = x;
    for (let i = 0; i < 400; i++) y = y.add(x.mul(i));
    const dot = toDot(y);
    const direct = dot.match(new RegExp(`\\bv${x.id} -> op`, 'g')) ?? [];
    const copies =
      dot.match(/ref\d+_\d+ \[shape=box, style="dashed,rounded", fontsize=9, label="x"\]/g) ?? [];
    expect(direct.length + copies.length).toBe(401); // y starts as x: 400 products and the first sum
    expect(copies.length).toBeGreaterThan(390);
    const svg = await renderSvg(dot);
    expect(svg).toContain('</svg>');
  });

  it('keeps real edges for a value used a few times', () => {
    const x = new Value(3, { label: 'x' });
    const y = x.mul(x).add(x);
    expect(toDot(y)).not.toContain('ref');
  });

  it('a 1,000,000-node chain goes through toDot without a stack overflow, summarised beyond maxNodes', () => {
    let y = new Value(0);
    for (let i = 0; i < 1_000_000; i++) y = y.add(1);
    const dot = toDot(y);
    expect(dot).toContain('1,000,001 values, past maxNodes=2000');
    expect(dot).toMatch(/label="\{?999,999 × add \| stage 0 \| data ‖·‖/);
    expect(dot.match(/shape=record/g)).toHaveLength(3); // the start, the sums, the root
  });

  it('draws every node when asked (maxNodes: Infinity)', () => {
    let y = new Value(0);
    for (let i = 0; i < 50_000; i++) y = y.add(1);
    expect(toDot(y, { maxNodes: Number.POSITIVE_INFINITY }).match(/shape=record/g)).toHaveLength(50_001);
  });
});

describe('toDot details', () => {
  it('writes large and small constants in the op without losing their exponent', () => {
    const x = new Value(1, { label: 'x' });
    const dot = toDot(x.mul(1e10).add(2e-10).mul(0.5));
    expect(dot).toContain('label="* 1e+10"');
    expect(dot).toContain('label="+ 2e-10"');
    expect(dot).toContain('label="* 0.5"');
  });

  it('when it summarises, a value alone in its group is drawn as itself: a parameter used by the root stays', () => {
    const w = new Value(3, { label: 'w' });
    let chain = new Value(0);
    for (let i = 0; i < 100; i++) chain = chain.add(1);
    const dot = toDot(w.mul(chain), { maxNodes: 10 });
    expect(dot).toContain('w | data 3.0000');
    expect(dot).toMatch(/label="\{?100 × add \| stage 0/);
    expect(dot.match(/shape=record/g)).toHaveLength(4); // w, the chain's start, its 100 sums, the root
  });

  it('refuses an unknown rankdir', () => {
    expect(() => toDot(new Value(1), { rankdir: 'XY' as never })).toThrow(/toDot: rankdir must be/);
  });
});

describe('colour modes and the legend', () => {
  function vanishing() {
    const x = new Value(0.5, { label: 'x' });
    let y = x;
    for (let i = 0; i < 6; i++) y = y.mul(8).sigmoid(); // gradients shrink towards x
    const dead = new Value(-1, { label: 'dead' });
    const neg = new Value(2, { label: 'neg' });
    const z = y.add(dead.relu()).sub(neg.mul(3));
    z.backward();
    return z;
  }
  const fillOf = (dot: string, label: string) =>
    dot.match(new RegExp(`fillcolor="(#[0-9a-f]+)", label="${label} \\|`))?.[1];

  it('colours by signed gradient on a diverging scale: blue below 0, red above, grey for exactly 0', () => {
    const dot = toDot(vanishing(), { colour: 'gradient' });
    expect(fillOf(dot, 'x')).toBe('#fde0d2'); // smallest positive gradient: lightest red
    expect(fillOf(dot, 'neg')).toBe('#5b95c9'); // −3, the largest magnitude: darkest blue
    expect(fillOf(dot, 'dead')).toBe('#9ca3af'); // exactly 0: mid grey, not the constants' light grey
    expect(dot).toContain('<B>colour: gradient</B>');
    expect(dot).toMatch(/ALIGN="LEFT">−3<\/TD>/); // the bar's scale runs from −max…
    expect(dot).toContain('exactly 0</TD>');
    expect(dot).toContain('constant (no gradient)</TD>');
    const heat = toDot(vanishing(), { heat: true });
    expect(heat).toContain('<B>colour: |gradient|</B>');
    expect(fillOf(heat, 'x')).toBe('#e0f2fe'); // |gradient| smallest: light blue, whatever its sign
    expect(fillOf(heat, 'neg')).toBe('#f87171'); // largest: red
    expect(fillOf(heat, 'dead')).toBe('#9ca3af');
  });

  it('draws a legend in every mode, and colours by value or gradient × value', () => {
    const z = vanishing();
    expect(toDot(z)).toContain('<B>colour: role</B>');
    expect(toDot(z)).toContain('parameter (takes a gradient)');
    expect(toDot(z, { legend: false })).not.toContain('legend');
    const blues = ['#deebf7', '#b3d3ea', '#85b6dc', '#5b95c9'];
    expect(blues).toContain(fillOf(toDot(z, { colour: 'value' }), 'dead')); // −1: a value below 0
    const product = toDot(z, { colour: 'product' });
    expect(product).toContain('<B>colour: gradient × value</B>');
    expect(fillOf(product, 'dead')).toBe('#9ca3af');
    expect(() => toDot(z, { colour: 'size' as never })).toThrow(/toDot: colour must be/);
  });

  it('gives a scale of one magnitude one tick, and says when every number is 0 or not finite', () => {
    const z = new Value(0, { label: 'z' });
    const loss = z.log().mul(z).add(z.sqrt()); // gradients 1, 0 and NaN: one finite nonzero magnitude
    loss.backward();
    const ticks = (dot: string) =>
      [...dot.match(/<TR><TD COLSPAN="2" ALIGN="LEFT">.*?<\/TR>/)![0].matchAll(/>([^<]+)</g)].map(
        (m) => m[1],
      );
    const gradient = toDot(loss, { colour: 'gradient' });
    expect(ticks(gradient)).toEqual(['−1', '0', '1']);
    expect(gradient).toContain('every finite nonzero |x| is 1, sign by hue');
    const magnitude = toDot(loss, { colour: 'magnitude' });
    expect(ticks(magnitude)).toEqual(['1']);
    expect(magnitude).toContain('every finite nonzero |gradient| is 1');
    expect(magnitude).not.toContain('log scale');
    const a = new Value(0, { label: 'a' });
    const zero = a.mul(a).mul(3); // every value 0: gradient × value is 0 everywhere
    zero.backward();
    expect(toDot(zero, { colour: 'product' })).toContain('every gradient × value is 0 or not finite');
  });

  it('says when no pass has reached the graph yet', () => {
    const x = new Value(1, { label: 'x' });
    const dot = toDot(x.tanh(), { colour: 'gradient' });
    expect(dot).toContain('no nonzero gradient yet');
    expect(fillOf(dot, 'x')).toBe('#ffffff');
  });
});

describe('modules, composites and layout', () => {
  function mlp() {
    manualSeed(1);
    const model = new Sequential(new Linear(4, 3), (x: Tensor) => x.relu(), new Linear(3, 2));
    const loss = mseLoss(model.forward(randn([5, 4])), randn([5, 2]));
    loss.backward();
    return { loss, model, names: model.namedParameters() };
  }

  it('names parameters by module path and draws one cluster per module', () => {
    const { loss, model, names } = mlp();
    const dot = toDot(loss, { modules: model });
    expect(dot).toContain('label="0.weight | data [3, 4]');
    expect(dot).toContain('label="2.bias | data [2]');
    expect(dot.match(/subgraph cluster_\d+ \{/g)).toHaveLength(2);
    expect(dot).toMatch(/label="0 \(Linear\)"; style="rounded,dashed"/);
    expect(toDot(loss, { modules: names })).toMatch(/label="0"; style="rounded,dashed"/); // plain pairs
    expect(dot).toContain('label="transpose"'); // Linear's Wᵀ, not permute [1, 0]
  });

  it('collapses modules into boxes with their parameter count and gradient norm', () => {
    const { loss, names } = mlp();
    const dot = toDot(loss, { modules: names, collapse: ['0'] });
    const [w, b] = [names[0]![1], names[1]![1]];
    const norm = Math.hypot(...w.grad!.array.data, ...b.grad!.array.data);
    expect(dot).toContain(`shape=box3d`);
    expect(dot).toContain(`label="0\\n15 parameters\\n‖grad‖ ${trim(norm)}\\n1 constant input"`);
    const { loss: again, model } = mlp();
    expect(toDot(again, { modules: model, collapse: true })).toContain('label="0 (Linear)\\n15 parameters');
    expect(dot).not.toContain('0.weight');
    expect(dot).toContain('2.weight');
    expect(() => toDot(loss, { modules: names, collapse: ['9'] })).toThrow(/no module named "9"/);
    expect(() => toDot(loss, { modules: 5 as never })).toThrow(/toDot: modules must/);
  });

  it('past the budget, collapses modules and draws a layer of like units as one record', async () => {
    const { loss, names } = valueMlp([784, 32, 10, 1]);
    const dot = toDot(loss, { modules: names, maxNodes: 500 });
    expect(dot).toContain('label="0\\n25120 parameters');
    expect(dot).toContain('784 constant inputs');
    expect(dot).toMatch(/label="32 × tanh \| data ‖·‖ [\d.]+ ∈ \[[-\d.]+, [-\d.]+\] \| grad ‖·‖/);
    expect(dot).toMatch(/label="10 × tanh \|/);
    expect(dot.match(/shape=record/g)!.length).toBeLessThan(30);
    const svg = await renderSvg(dot);
    const [, w, h] = svg.match(/width="([\d.]+)pt" height="([\d.]+)pt"/)!.map(Number);
    expect(w! * h!).toBeLessThan(1500 * 2000);
    expect(toDot(loss, { maxNodes: 500 })).toContain('pass modules to draw layers as boxes');
  }, 60_000);

  it('draws a loss recorded as a composite as one node when asked', () => {
    const p = new Value(0.7, { label: 'p' });
    const loss = binaryCrossEntropy(p.sigmoid(), 1);
    const expanded = toDot(loss);
    const whole = toDot(loss, { composites: true });
    expect(expanded).toContain('max 3.7201e-44');
    expect(whole).not.toContain('max 3.7201e-44');
    expect(whole).toContain('label="binaryCrossEntropy"');
    expect(whole.match(/shape=record/g)).toHaveLength(3); // p, σ(p), the loss
  });

  it('lays a deep narrow graph out top to bottom and a wide shallow one left to right', () => {
    let deep = new Value(1, { label: 'x' });
    for (let i = 0; i < 30; i++) deep = deep.tanh();
    expect(toDot(deep)).toContain('rankdir=TB;');
    const xs = Array.from({ length: 40 }, (_, i) => new Value(i, { label: `x${i}` }));
    const wide = xs.slice(1).reduce((acc, x) => acc.add(x), xs[0]!);
    expect(toDot(wide.tanh())).toMatch(/rankdir=(LR|TB);/);
  });

  it('escapes NUL and lone surrogates in labels instead of breaking the DOT', async () => {
    const x = new Value(1, { label: 'bad\u0000nul \uD800x' });
    const dot = toDot(x.mul(2));
    expect(dot).not.toContain('\u0000');
    expect(dot).toContain('bad␀nul �x');
    expect(await renderSvg(dot)).toContain('bad␀nul �x');
  });
});

function trim(v: number): string {
  return v.toFixed(4).replace(/\.?0+$/, '');
}

describe('drawing what a released graph keeps', () => {
  it('reads the summaries a released tensor node keeps instead of its arrays', () => {
    const W = tensor([[1, -2]], { requiresGrad: true, label: 'W' });
    const h = W.mul(3);
    const loss = h.sum();
    loss.backward();
    const summary = {
      shape: [1, 2],
      dtype: 'float64',
      size: 2,
      min: -6,
      max: 3,
      mean: -1.5,
      std: 4.5,
      norm: 6.7082,
      nanCount: 0,
      infCount: 0,
    };
    // what a pass that releases the graph leaves on a node (issue 8): summaries, no arrays
    Object.defineProperty(h, 'releasedSummary', {
      value: { data: summary, grad: { ...summary, min: 1, max: 1, norm: 1.41 } },
    });
    const dot = toDot(loss, { colour: 'gradient' });
    expect(dot).toContain('data [1, 2] ‖·‖ 6.71 ∈ [-6, 3] | grad [1, 2] ‖·‖ 1.41 ∈ [1, 1]');
    Object.defineProperty(h, 'isReleased', { value: true });
    expect(() => explain(loss, W, { index: 0 })).toThrow(/explain: this graph was released by backward\(\)/);
  });
});
