/**
 * @file The library in a web page: the ESM build has no Node built-in on its import path, and
 * examples/browser/index.html trains the lesson's network in Chromium, redrawing its graph with
 * gradients, with no console error and no request leaving 127.0.0.1.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeBrowser, launchBrowser, serveStatic, watchPage } from '../support/browser.js';

/** The ESM build exactly as `npm run build` makes dist/index.js (tsup, same entry), without the types. */
let dist = '';
beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'chainrule-dist-'));
  execFileSync(
    'npx',
    ['tsup', 'src/index.ts', '--no-config', '--format', 'esm', '--target', 'es2022', '-d', dist],
    {
      stdio: 'pipe',
    },
  );
}, 120_000);

test('the ESM build imports no Node built-in and nothing at all statically; optional parts load on use', () => {
  const code = readFileSync(join(dist, 'index.js'), 'utf8');
  const staticImports = [...code.matchAll(/^\s*import\s[^;]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]);
  expect(staticImports).toEqual([]);
  expect(code).not.toMatch(/\brequire\(/);
  const dynamic = [...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]).sort();
  expect(dynamic.every((name) => !name!.startsWith('node:'))).toBe(true);
});

describeBrowser('examples/browser/index.html', () => {
  let server: Awaited<ReturnType<typeof serveStatic>>;
  beforeAll(async () => {
    server = await serveStatic({
      '/examples/': 'examples',
      '/dist/': dist,
      '/node_modules/@viz-js/viz/': 'node_modules/@viz-js/viz',
    });
  });
  afterAll(() => server?.close());

  test('trains the lesson network, the loss falls, the redrawn graph shows every weight’s gradient', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
      const { problems } = watchPage(page, [server.origin]);
      await page.goto(`${server.origin}/examples/browser/index.html`);
      await expect.poll(() => page.textContent('#status'), { timeout: 90_000, interval: 250 }).toBe('done');

      const training = (await page.evaluate('window.training')) as { losses: number[]; drawings: number };
      expect(training.drawings).toBe(7);
      expect(training.losses.at(-1)!).toBeLessThan(training.losses[0]! * 0.8);
      for (let i = 1; i < training.losses.length; i++)
        expect(training.losses[i]!).toBeLessThan(training.losses[i - 1]!);

      const svg = (await page.innerHTML('#graph')) as string;
      expect(svg).toContain('<svg');
      for (const w of ['W⁰11', 'W⁰32', 'W¹11', 'W¹31']) expect(svg).toContain(w);
      const grads = [...svg.matchAll(/grad (-?[\d.]+(?:e-?\d+)?)/g)].map((m) => Number(m[1]));
      expect(grads.length).toBeGreaterThanOrEqual(9);
      expect(grads.some((g) => g !== 0)).toBe(true);

      await page.screenshot({ path: join(tmpdir(), 'chainrule-browser-example.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test('the WebAssembly gemm runs in the page and agrees with the JavaScript one', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const { problems } = watchPage(page, [server.origin]);
      await page.goto(`${server.origin}/examples/browser/index.html`);
      const result = (await page.evaluate(`(async () => {
        const { randn, manualSeed, useKernels, kernelPath } = await import('${server.origin}/dist/index.js');
        manualSeed(0);
        const a = randn([64, 48]);
        const b = randn([48, 32]);
        useKernels('wasm');
        const wasm = a.matmul(b).toArray().flat();
        const path = kernelPath();
        useKernels('js');
        const js = a.matmul(b).toArray().flat();
        useKernels('auto');
        return { path, maxDiff: Math.max(...wasm.map((v, i) => Math.abs(v - js[i]))) };
      })()`)) as { path: string; maxDiff: number };
      expect(result.path).toBe('wasm');
      expect(result.maxDiff).toBeLessThan(1e-12);
      await expect.poll(() => page.textContent('#status'), { timeout: 90_000 }).toBe('done');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
