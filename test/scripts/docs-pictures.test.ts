/** @file `npm run docs` still runs: the tutorial's pictures are drawn from code, into a temporary directory here. */

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeDocPictures } from '../../scripts/docs-pictures.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-doc-pictures-'));
let written: string[] = [];
// NOTE: drawn once for both tests: the script trains the lesson's network, which takes a while
beforeAll(async () => {
  written = await writeDocPictures(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the pictures script writes every picture the tutorial shows', () => {
  for (const name of written) expect(readFileSync(join(dir, name), 'utf8')).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
  const tutorial = resolve(import.meta.dirname, '../../docs/tutorial');
  const shown = readdirSync(tutorial)
    .filter((f) => f.endsWith('.md'))
    .flatMap((f) =>
      [...readFileSync(join(tutorial, f), 'utf8').matchAll(/\]\(img\/([\w.-]+)\)/g)].map((m) => m[1]!),
    );
  expect(shown.length).toBeGreaterThan(0);
  for (const name of shown) {
    expect(written, `docs/tutorial shows img/${name}, which the script does not draw`).toContain(name);
    expect(existsSync(join(tutorial, 'img', name)), `run npm run docs: img/${name} is missing`).toBe(true);
  }
});

/** Node ids count every node made in the process, so they differ between runs; the picture does not. */
const withoutIds = (svg: string) => svg.replace(/\b(v|op)\d+\b/g, '$1#');

test('the committed pictures are the ones the script draws today (else: npm run docs)', () => {
  const tutorialImg = resolve(import.meta.dirname, '../../docs/tutorial/img');
  for (const name of written) {
    const committed = withoutIds(readFileSync(join(tutorialImg, name), 'utf8'));
    expect(
      withoutIds(readFileSync(join(dir, name), 'utf8')) === committed,
      `img/${name} is stale: run npm run docs`,
    ).toBe(true);
  }
});
