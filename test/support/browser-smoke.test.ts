/** @file The browser-test support itself: Chromium starts, a served page runs its module script. */

import { expect, test } from 'vitest';
import { describeBrowser, launchBrowser, serveStatic, watchPage } from './browser.js';

describeBrowser('browser support', () => {
  test('a page served on 127.0.0.1 runs its module script, with no outside request', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'chainrule-smoke-'));
    await writeFile(
      join(dir, 'index.html'),
      `<!doctype html><p id="x">before</p><script type="module">document.getElementById('x').textContent = 'after';</script>`,
    );
    const server = await serveStatic({ '/': dir });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const { problems } = watchPage(page, [server.origin]);
      await page.goto(`${server.origin}/`);
      await expect.poll(() => page.textContent('#x')).toBe('after');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
