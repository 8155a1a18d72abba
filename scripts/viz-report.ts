/**
 * @file Draws the lesson network, a 2-16-16-1 MLP of Values, a 784-128-10 Tensor MLP and a 784-128-10-1 MLP
 * of Values without modules (past the node budget: summarised by stage), writes their
 * viewers to out/, opens each in Chromium from file:// and prints: layout seconds, file size, time
 * until the page responds. With `--screenshot` it also writes docs/viewer.png (the README's picture).
 *
 * Run: npx tsx scripts/viz-report.ts [--screenshot]
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { lessonLoss, valueMlp } from '../examples/lesson/viz-models.js';
import {
  crossEntropy,
  Linear,
  manualSeed,
  type Node,
  randn,
  renderSvg,
  Sequential,
  type Tensor,
  tensor,
  toDot,
  toHtml,
} from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');
mkdirSync(out, { recursive: true });

function tensorMlp() {
  manualSeed(5);
  const model = new Sequential(new Linear(784, 128), (x: Tensor) => x.relu(), new Linear(128, 10));
  const labels = tensor(Array.from({ length: 32 }, (_, i) => i % 10));
  const loss = crossEntropy(model.forward(randn([32, 784])), labels);
  loss.backward(undefined, { retainGraph: true }); // the viewer traces the pass again to step through it
  return { loss, modules: model };
}

const cases: [string, () => { loss: Node; modules?: unknown }][] = [
  ['lesson network (Value)', () => lessonLoss()],
  [
    '2-16-16-1 MLP (Value)',
    () => {
      const { loss, names } = valueMlp([2, 16, 16, 1]);
      return { loss, modules: names };
    },
  ],
  ['784-128-10 MLP (Tensor, batch 32)', tensorMlp],
  // past maxNodes without modules: drawn as groups by op and stage
  ['784-128-10-1 MLP (Value, no modules)', () => ({ loss: valueMlp([784, 128, 10, 1]).loss })],
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const [name, make] of cases) {
  const { loss, modules } = make();
  const options = modules ? { modules: modules as never } : {};
  let t = performance.now();
  const svg = await renderSvg(toDot(loss, options));
  const layout = (performance.now() - t) / 1000;
  t = performance.now();
  const html = await toHtml(loss as never, options);
  const build = (performance.now() - t) / 1000;
  const file = join(out, `viewer-${name.split(' ')[0]}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  t = performance.now();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready=true]', { state: 'attached', timeout: 120_000 });
  const ready = (performance.now() - t) / 1000;
  t = performance.now();
  await page.keyboard.press('Home');
  const stepping = (await page.textContent('[data-testid=step-counter]')) !== 'no steps to show';
  if (stepping)
    await page.waitForFunction(
      `document.querySelector('[data-testid=step-counter]').textContent.startsWith('step 0 ')`,
    );
  const step = (performance.now() - t) / 1000;
  const size = svg.match(/width="([\d.]+)pt" height="([\d.]+)pt"/)!;
  console.log(
    `${name}: layout ${layout.toFixed(2)} s (${size[1]} × ${size[2]} pt); toHtml ${build.toFixed(2)} s, ` +
      `${(html.length / 1024).toFixed(0)} KiB; page ready ${ready.toFixed(2)} s, ` +
      (stepping ? `a step back to the start ${step.toFixed(2)} s` : 'no stepping (past maxSteps)'),
  );
  if (process.argv.includes('--screenshot') && name.startsWith('lesson')) {
    await page.keyboard.press('End');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
    const w = (loss as Node).id; // the root; click a parameter instead
    void w;
    const param = await page.evaluate(
      `Object.keys(JSON.parse(document.getElementById('chainrule-data').textContent).explain)[0]`,
    );
    await page.click(`#v${param}`, { force: true });
    await page.hover(`#v${param}`, { force: true });
    await page.screenshot({ path: join(root, 'docs', 'viewer.png') });
    console.log('wrote docs/viewer.png');
  }
  await page.close();
}
await browser.close();
