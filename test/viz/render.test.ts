/** @file renderSvg: in-process Graphviz, output safe to embed, clear errors, nothing on stderr. */

import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderSvg, toDot, Value } from '../../src/index.js';
import { sanitizeSvg } from '../../src/viz/sanitize.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Event-handler attributes, links out of the document and code-carrying elements in the SVG. */
function unsafe(svg: string): string[] {
  const found: string[] = [];
  for (const attr of svg.matchAll(/\s([\w:-]+)="([^"]*)"/g)) {
    const [, name, value] = attr as unknown as [string, string, string];
    if (/^on/i.test(name)) found.push(name);
    if (/(^|:)(href|src)$/i.test(name) && !value.startsWith('#')) found.push(value);
  }
  for (const m of svg.matchAll(/javascript:|<script|<foreignObject|<image|<!DOCTYPE|url\(/gi))
    found.push(m[0]);
  return found;
}

describe('renderSvg', () => {
  it('lays out in-process and accepts any valid DOT, strict digraph included', async () => {
    const svg = await renderSvg('strict digraph { a -> b; a -> b }');
    expect(svg).toMatch(/^<svg/);
    expect(svg.match(/class="edge"/g)).toHaveLength(1); // strict merges the two edges
    expect(await renderSvg('/* a comment */ graph { a -- b }')).toContain('</svg>');
  });

  it('strips javascript: URLs, event handlers and outside references, including from user DOT', async () => {
    const svg = await renderSvg(
      [
        'digraph {',
        '  a [URL="javascript:alert(1)", tooltip="x"];',
        '  b [href="http://evil.example/x"];',
        '  c [URL="  JaVaScRiPt:alert(2)"];',
        '  d [id="x\\" onload=\\"alert(3)"];',
        '  e [label=<<TABLE><TR><TD HREF="javascript:alert(4)">e</TD></TR></TABLE>>];',
        '  a -> b [URL="data:text/html,<script>alert(5)</script>"];',
        '}',
      ].join('\n'),
    );
    expect(unsafe(svg)).toEqual([]);
    expect(svg).toContain('</svg>');
  });

  it('sanitises hostile SVG wherever it comes from', () => {
    const hostile =
      '<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://x/dtd"><svg onload="alert(1)" xmlns="http://www.w3.org/2000/svg">' +
      '<script>alert(2)</script><g onclick="alert(3)"><a href="javascript:alert(4)"><text>t</text></a>' +
      '<image href="http://x/y.png"/><use xlink:href="http://x/s.svg#a"/><a xlink:href="#ok">in</a>' +
      '<foreignObject><div>html</div></foreignObject><rect style="fill:url(http://x/p)"/></g></svg>';
    const clean = sanitizeSvg(hostile);
    expect(unsafe(clean)).toEqual([]);
    expect(clean).toContain('xlink:href="#ok"');
    expect(clean).toContain('<text>t</text>');
    expect(clean).not.toContain('html');
  });

  it('rejects NUL and lone surrogates in DOT text with a clear error', async () => {
    await expect(renderSvg('digraph { a [label="x\u0000y"] }')).rejects.toThrow(/contains a NUL character/);
    await expect(renderSvg('digraph { a [label="bad\uD800x"] }')).rejects.toThrow(/lone UTF-16 surrogate/);
    await expect(renderSvg('digraph { a -> }')).rejects.toThrow(/Graphviz could not read the DOT text/);
    await expect(renderSvg(3 as never)).rejects.toThrow(/renderSvg: expected DOT text/);
  });

  it('fails a 20,000-node render with a clear error, then renders again', async () => {
    const lines = ['digraph {'];
    for (let i = 0; i < 20_000; i++) lines.push(`n${i} -> n${i + 1};`);
    lines.push('}');
    await expect(renderSvg(lines.join('\n'))).rejects.toThrow(
      /renderSvg: Graphviz ran out of stack laying out this graph \(20001 nodes or more\); draw fewer nodes/,
    );
    expect(await renderSvg('digraph { a -> b }')).toContain('</svg>');
  }, 60_000);

  it('prints no Graphviz warning (non-ASCII labels included)', async () => {
    const err = vi.spyOn(process.stderr, 'write');
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const x = new Value(0.5, { label: 'ŷ é 日本' });
    const svg = await renderSvg(toDot(x.sigmoid()));
    expect(svg).toContain('ŷ é 日本');
    expect(err).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});
