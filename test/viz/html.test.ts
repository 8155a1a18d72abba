/** @file toHtml in Node: one self-contained file, a policy that forbids remote loads, inline scripts allowed by hash. */

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHtml, traceBackward, Value } from '../../src/index.js';
import { scriptJson } from '../../src/viz/html.js';

function page() {
  const x = new Value(0.5, { label: 'x' });
  const w = new Value(-1.5, { label: 'w </script><script>alert(1)</script>' });
  const y = x.mul(w).tanh();
  y.label = 'y';
  return { x, w, y };
}

describe('toHtml', () => {
  it('is one file: a strict Content-Security-Policy, hashed inline scripts, nothing loaded from outside', async () => {
    const { y } = page();
    const html = await toHtml(y);
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    for (const s of scripts) {
      expect(csp).toContain(`'sha256-${createHash('sha256').update(s).digest('base64')}'`);
    }
    expect(html).not.toMatch(/\s(src|href)="(?!#)/); // no external script, style, image or link
    expect(html).not.toMatch(/@import|url\(http/);
  });

  it('keeps a hostile label inert: no script can be closed early, none injected', async () => {
    const { y } = page();
    const html = await toHtml(y);
    expect(html.match(/<script/g)).toHaveLength(3); // the data block and the two hashed scripts
    expect(html).not.toContain('<script>alert(1)');
  });

  it('runs a backward pass when none has run, and leaves .grad alone when one has', async () => {
    const fresh = page();
    await toHtml(fresh.y);
    expect(fresh.x.grad).toBeCloseTo(-1.5 * (1 - Math.tanh(-0.75) ** 2), 12);
    const done = page();
    done.y.backward();
    const before = done.x.grad;
    await toHtml(done.y);
    await toHtml(done.y, { trace: traceBackward(done.y, { accumulate: false }) });
    expect(done.x.grad).toBe(before);
  });

  it('refuses an unknown colour mode', async () => {
    await expect(toHtml(page().y, { colour: 'size' as never })).rejects.toThrow(
      /toHtml: colour must be one of/,
    );
  });
});

describe('toHtml of a tensor that is not a loss', () => {
  it('draws it without explain panels (explain needs one number at the root)', async () => {
    const { tensor } = await import('../../src/index.js');
    const W = tensor([1, 2], { requiresGrad: true, label: 'W' });
    const y = W.mul(3);
    y.backward(tensor([1, 1]));
    const html = await toHtml(y, {
      trace: traceBackward(y, { gradient: tensor([1, 1]), accumulate: false }),
    });
    expect(html).toContain('"explain":{}');
  });
});

describe('toHtml on a graph backward() released', () => {
  it('draws it and says how to step through it, instead of failing when it traces', async () => {
    const { Linear, mseLoss, randn } = await import('../../src/index.js');
    const layer = new Linear(3, 2);
    const loss = mseLoss(layer.forward(randn([4, 3])), randn([4, 2]));
    loss.backward(); // releases the graph's saved arrays
    const html = await toHtml(loss, { modules: layer });
    expect(html).toContain('backward() released this graph: pass { retainGraph: true }');
    expect(html).toContain('"explain":{}');
  });
});

describe('the data a page embeds', () => {
  it('keeps NaN and ±Infinity as numbers (plain JSON would write null), and nothing can end its <script>', () => {
    const text = scriptJson({
      nan: Number.NaN,
      inf: [Number.POSITIVE_INFINITY, -Infinity],
      label: '</script>',
    });
    expect(text).not.toContain('null');
    expect(text).not.toContain('</script');
    const back = JSON.parse(text, (_k, v) =>
      v !== null && typeof v === 'object' && typeof v.nonFinite === 'string' ? Number(v.nonFinite) : v,
    );
    expect(back).toEqual({ nan: Number.NaN, inf: [Infinity, -Infinity], label: '</script>' });
  });

  it('names a plain number drawn inside its op by its value (x.mul(2)’s 2), not by an id nobody sees', async () => {
    const x = new Value(3, { label: 'x' });
    const y = x.mul(2).add(1.5);
    const names = /"names":(\{[^}]*\})/.exec(await toHtml(y))![1]!;
    const byName = Object.values(JSON.parse(names) as Record<string, string>);
    expect(byName).toEqual(expect.arrayContaining(['x', '2', '1.5']));
    expect(byName.some((n) => n.startsWith('leaf#'))).toBe(false);
  });
});
