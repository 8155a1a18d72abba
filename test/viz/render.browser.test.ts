/** @file Drawing in a web page: the library bundled for browsers lays out with WebAssembly Graphviz in Chromium. */

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { expect, test } from 'vitest';
import { describeBrowser, launchBrowser, serveStatic, watchPage } from '../support/browser.js';

describeBrowser('renderSvg and toHtml in a page', () => {
  test('lay out in the browser, with no request outside the page', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainrule-page-'));
    await build({
      entryPoints: [join(import.meta.dirname, '../../src/index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(dir, 'chainrule.js'),
      logLevel: 'silent',
    });
    await writeFile(
      join(dir, 'index.html'),
      `<!doctype html><meta charset="utf-8"><pre id="out">…</pre><script type="module">
import { renderSvg, toDot, toHtml, Value } from './chainrule.js';
const x = new Value(2, { label: 'x' });
const y = x.mul(x).tanh();
y.backward();
const svg = await renderSvg(toDot(y, { colour: 'gradient' }));
const html = await toHtml(y);
document.getElementById('out').textContent = JSON.stringify({ svg: svg.includes('</svg>') && svg.includes('tanh'), html: html.includes('Content-Security-Policy') });
</script>`,
    );
    const server = await serveStatic({ '/': dir });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const { problems } = watchPage(page, [server.origin]);
      await page.goto(`${server.origin}/`);
      await expect.poll(() => page.textContent('#out'), { timeout: 30_000 }).toBe('{"svg":true,"html":true}');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 90_000);
});
