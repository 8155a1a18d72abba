/** @file DOT export: exact text, escaping of hostile labels, SVG rendering, huge graphs. */

import { describe, expect, it } from 'vitest';
import { renderSvg, tensor, toDot, Value } from '../../src/index.js';

/** Ids are global creation order; drawings compare after renumbering them from 0. */
function renumber(dot: string): string {
  const ids = new Map<string, number>();
  return dot.replace(/\b(v|op)(\d+)\b/g, (_m, kind: string, id: string) => {
    if (!ids.has(id)) ids.set(id, ids.size);
    return `${kind}${ids.get(id)}`;
  });
}

describe('toDot', () => {
  it('draws a small graph exactly: records, op ellipses, one edge per use, gradients', () => {
    const x = new Value(2, { label: 'x' });
    const b = new Value(-1, { label: 'b' });
    const y = x.mul(x).add(b);
    y.label = 'y';
    y.backward();
    expect(renumber(toDot(y))).toBe(
      [
        'digraph chainrule {',
        '  rankdir=LR; nslimit=2; mclimit=0.5;',
        '  node [fontname="Helvetica", fontsize=11]; edge [color="#555555"];',
        '  v0 [shape=record, style=filled, fillcolor="#dbeafe", label="x | data 2.0000 | grad 4.0000"];',
        '  v1 [shape=record, style=filled, fillcolor="#ffffff", label="data 4.0000 | grad 1.0000"];',
        '  op1 [shape=ellipse, label="*"];',
        '  op1 -> v1;',
        '  v0 -> op1;',
        '  v0 -> op1;',
        '  v2 [shape=record, style=filled, fillcolor="#dbeafe", label="b | data -1.0000 | grad 1.0000"];',
        '  v3 [shape=record, style=filled, fillcolor="#fde68a", label="y | data 3.0000 | grad 1.0000"];',
        '  op3 [shape=ellipse, label="+"];',
        '  op3 -> v3;',
        '  v1 -> op3;',
        '  v2 -> op3;',
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
    expect(dot).toContain('"W | data [2, 2] | no gradient yet"');
    expect(dot).toContain('label="* 2"');
    expect(dot).toContain('fillcolor="#f3f4f6", label="data [2] | no gradient (constant)"');
    expect(dot).toContain('label="Σ\\n[2, 1]"');
    const tb = toDot(s, { rankdir: 'TB' });
    expect(tb).toContain('rankdir=TB;');
    expect(tb).toContain('label="{ W | data [2, 2] | no gradient yet }"');
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
    expect(dot).toMatch(/… \d+ earlier nodes not drawn \(maxNodes=2000\)/);
    expect(dot.match(/shape=record/g)).toHaveLength(2000);
    expect(dot).toContain('hidden -> op');
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

  it('keeps the values nearest the root when it summarises: a parameter used by the root stays', () => {
    const w = new Value(3, { label: 'w' });
    let chain = new Value(0);
    for (let i = 0; i < 100; i++) chain = chain.add(1);
    const dot = toDot(w.mul(chain), { maxNodes: 10 });
    expect(dot).toContain('w | data 3.0000');
    expect(dot.match(/shape=record/g)).toHaveLength(10);
  });

  it('refuses an unknown rankdir', () => {
    expect(() => toDot(new Value(1), { rankdir: 'XY' as never })).toThrow(/toDot: rankdir must be/);
  });
});

describe('gradient heat', () => {
  it('colours values by |gradient| on a log scale, grey for exactly 0, with a legend', () => {
    const x = new Value(0.5, { label: 'x' });
    let y = x;
    for (let i = 0; i < 6; i++) y = y.mul(8).sigmoid(); // gradients shrink towards x
    const dead = new Value(-1, { label: 'dead' });
    const z = y.add(dead.relu());
    z.backward();
    const dot = toDot(z, { heat: true });
    expect(dot).toMatch(
      /legend \[shape=note, label="\|gradient\|: [\d.e+-]+ \(blue\) to 1\.0000 \(red\); grey: exactly 0"\]/,
    );
    const fillOf = (label: string) =>
      dot.match(new RegExp(`fillcolor="(#[0-9a-f]+)", label="${label} \\|`))?.[1];
    expect(fillOf('x')).toBe('#dbeafe');
    expect(fillOf('dead')).toBe('#e5e7eb');
    expect(dot).toContain('fillcolor="#f87171"');
    expect(toDot(z)).not.toContain('legend');
  });

  it('leaves values no pass reached in their usual colours', () => {
    const x = new Value(1, { label: 'x' });
    expect(toDot(x.tanh(), { heat: true })).toContain('legend [shape=note, label="no nonzero gradient yet"]');
  });
});
