/**
 * @file Browser tests: Debian's Chromium driven by playwright-core, pages served from a loopback server.
 * Skips locally without Chromium; under `CI=true` a missing browser fails instead.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The system Chromium's path, or undefined when none is installed. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p));
}

/**
 * `describe` for browser tests: runs when Chromium is present; without it, skips locally and
 * fails under CI=true (so CI can never pass by skipping).
 */
export const describeBrowser: typeof describe.skip = (() => {
  if (chromiumPath() !== undefined || process.env.CI === 'true') return describe;
  return describe.skip;
})() as typeof describe.skip;

/** Headless Chromium with the flags this closed network needs (no background connections). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) {
    throw new Error('no Chromium found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  }
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * One Chromium for the tests of the enclosing `describe`: launched before them, closed after them.
 * Returns a getter, since the browser exists only once they run.
 *
 * @example const browser = sharedBrowser(); test('…', async () => openViewer(browser(), html));
 */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

/** What a page did that a test should fail on: uncaught errors, console errors, non-local requests. */
export interface PageProblems {
  readonly problems: string[];
}

/**
 * Records page errors, console errors and every request that leaves `allowedOrigins`
 * (file: URLs and the given loopback origins) into `problems`.
 */
export function watchPage(page: Page, allowedOrigins: readonly string[] = []): PageProblems {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    const allowed =
      url.startsWith('file:') ||
      url.startsWith('data:') ||
      url.startsWith('blob:') ||
      allowedOrigins.some((o) => url.startsWith(o));
    if (!allowed) problems.push(`request: ${url}`);
  });
  return { problems };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

/** A static file server on 127.0.0.1 for the folders in `roots` (URL prefix → folder). */
export interface StaticServer {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves `roots` (e.g. `{ '/': 'examples/browser', '/dist/': 'dist' }`) on 127.0.0.1 at a free port.
 * Chromium blocks ES modules over file://, so pages that import the library are served this way.
 */
export async function serveStatic(roots: Readonly<Record<string, string>>): Promise<StaticServer> {
  const prefixes = Object.keys(roots).sort((a, b) => b.length - a.length);
  const server: Server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (path === '/favicon.ico') {
        res.writeHead(204); // NOTE: browsers ask for it unprompted; a 404 would read as a page error
        res.end();
        return;
      }
      const prefix = prefixes.find((p) => path.startsWith(p));
      if (prefix === undefined) throw new Error('no root');
      const base = resolve(roots[prefix]!);
      let file = normalize(join(base, path.slice(prefix.length)));
      if (file !== base && !file.startsWith(base + sep)) throw new Error('outside the root');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Opens `html` (a `toHtml` viewer) from a file:// URL in a new page, watched, once it says it is ready. */
export async function openViewer(
  browser: Browser,
  html: string,
): Promise<{ page: Page; problems: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'chainrule-viewer-'));
  const file = join(dir, 'viewer.html');
  await writeFile(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const { problems } = watchPage(page);
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready=true]', { state: 'attached', timeout: 60_000 });
  return { page, problems };
}

/**
 * The gradient text each drawn record with an id `<prefix><number>` shows (`v` values, `g` groups),
 * by that number.
 */
export function recordGradients(page: Page, prefix: 'v' | 'g'): Promise<Record<string, string>> {
  // NOTE: a string, evaluated in the page (this project compiles without the DOM's types)
  return page.evaluate(`(() => {
    const out = {};
    for (const g of document.querySelectorAll('#graph-full g.node')) {
      if (!/^${prefix}\\d+$/.test(g.id)) continue;
      for (const t of g.querySelectorAll('text')) {
        const s = t.textContent || '';
        if (s.startsWith('grad ') || s === 'no gradient yet') out[g.id.slice(1)] = s;
      }
    }
    return out;
  })()`);
}
