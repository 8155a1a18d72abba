/** @file The toHtml viewer in Debian's Chromium, opened from file://: stepping, explain, tooltips, no network. */

import { inflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { lessonLoss, valueMlp } from '../../examples/lesson/viz-models.js';
import { formatNumber } from '../../src/errors.js';
import {
  Linear,
  MLP,
  manualSeed,
  mseLoss,
  type Node,
  randn,
  Sequential,
  type Tensor,
  tensor,
  toHtml,
  Value,
} from '../../src/index.js';
import { NOT_FINITE, ROLE } from '../../src/viz/colour.js';
import { describeBrowser, openViewer, recordGradients, sharedBrowser } from '../support/browser.js';

/** A seeded 4-8-8-2 tanh MLP and its squared-error loss on random data: three modules to collapse. */
function tanhMlp(): { model: MLP; loss: Tensor } {
  manualSeed(1);
  const model = new MLP([4, 8, 8, 2], { activation: 'tanh' });
  return { model, loss: mseLoss(model.forward(randn([5, 4])), randn([5, 2])) };
}

/** The gradient text each value, group and box has in one drawing of a page as toHtml wrote it. */
function writtenGradients(html: string, view: 'graph-full' | 'graph-collapsed'): Record<string, string> {
  const svg = html.split(`<div class="view" id="${view}"`)[1]!.split('</svg>')[0]!;
  const out: Record<string, string> = {};
  for (const [, id, body] of svg.matchAll(/<g id="(v\d+|g\d+|m_[^"]+)" class="node">([\s\S]*?)<\/g>/g)) {
    for (const [, raw] of body!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) {
      const t = raw!
        .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
      if (t!.startsWith('grad ') || t!.startsWith('‖grad‖ ') || t === 'no gradient yet') out[id!] = t!;
    }
  }
  return out;
}

/** What each value (v…), group (g…) and module box (m_…) of one drawing shows as its gradient. */
function shownGradients(page: Page, view: 'graph-full' | 'graph-collapsed'): Promise<Record<string, string>> {
  return page.evaluate(`(() => {
    const out = {};
    for (const g of document.querySelectorAll('#${view} g.node')) {
      if (!/^(v\\d+|g\\d+|m_.+)$/.test(g.id)) continue;
      for (const t of g.querySelectorAll('text')) {
        const s = t.textContent || '';
        if (s.startsWith('grad ') || s.startsWith('‖grad‖ ') || s === 'no gradient yet') out[g.id] = s;
      }
    }
    return out;
  })()`);
}

/** Distinct byte values in a PNG's pixel data: a blank screenshot has a handful, a drawing many. */
function pixelVariety(png: Buffer): number {
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return new Set(inflateSync(Buffer.concat(chunks))).size;
}

function nodesOf(root: Node): Map<string, Node> {
  const seen = new Map<string, Node>();
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(String(n.id))) continue;
    seen.set(String(n.id), n);
    stack.push(...n.parents);
  }
  return seen;
}

describeBrowser('the viewer in Chromium', () => {
  const browser = sharedBrowser();

  async function checkValueViewer(loss: Value, params: readonly Value[], names?: [string, Value][]) {
    const { page, problems } = await openViewer(
      browser(),
      await toHtml(loss, names ? { modules: names } : {}),
    );
    try {
      // from the first step to the last, by keys: every record then shows its .grad
      await page.keyboard.press('Home');
      expect(await page.textContent('[data-testid=step-counter]')).toMatch(/^step 0 \//);
      const before = await recordGradients(page, 'v');
      expect(Object.values(before).filter((t) => t === 'no gradient yet').length).toBeGreaterThan(0);
      await page.keyboard.press('ArrowRight');
      expect(await page.textContent('[data-testid=step]')).toMatch(/\.grad \+= .* × .* = /);
      await page.keyboard.press('End');
      const after = await recordGradients(page, 'v');
      const nodes = nodesOf(loss);
      expect(Object.keys(after).length).toBeGreaterThan(10);
      for (const [id, text] of Object.entries(after)) {
        const n = nodes.get(id)!;
        expect(text).toBe(`grad ${formatNumber(n.gradRaw as number)}`);
      }
      // click a parameter: its explain panel's sum equals its gradient
      const w = params[0]!;
      await page.click(`#v${w.id}`, { force: true });
      const sum = Number(await page.textContent('[data-testid=explain-sum]'));
      const grad = Number(await page.textContent('[data-testid=explain-grad]'));
      expect(Math.abs(sum - w.grad!)).toBeLessThan(1e-12);
      expect(grad).toBe(w.grad);
      // hovering shows the value and gradient
      await page.hover(`#v${params[1]!.id}`, { force: true });
      const tip = await page.textContent('[data-testid=tooltip]');
      expect(tip).toContain(`value: ${formatNumber(params[1]!.data)}`);
      expect(tip).toContain(`gradient: ${formatNumber(params[1]!.grad!)}`);
      // colour modes change fills and the legend
      await page.check('input[value=value]');
      expect(await page.textContent('[data-testid=legend]')).toContain('colour: value');
      const png = await page.screenshot();
      expect(pixelVariety(png)).toBeGreaterThan(64);
      expect(problems).toEqual([]);
      return png;
    } finally {
      await page.close();
    }
  }

  test('the lesson network: steps to every .grad, explains, shows tooltips, loads nothing', async () => {
    const { loss, params } = lessonLoss();
    await checkValueViewer(loss, params);
  }, 60_000);

  test('a 2-16-16-1 MLP of Values, with its modules collapsible', async () => {
    const { loss, params, names } = valueMlp([2, 16, 16, 1]);
    await checkValueViewer(loss, params, names);
  }, 120_000);

  test('a tensor MLP: hovering shows shape, min/max/mean/std/norm and NaN/Inf counts; modules collapse', async () => {
    manualSeed(2);
    const model = new Sequential(new Linear(8, 6), (x: Tensor) => x.relu(), new Linear(6, 3));
    const [a] = model.layers as [Linear];
    const loss = mseLoss(model.forward(randn([4, 8])), randn([4, 3]));
    loss.backward(undefined, { retainGraph: true }); // the viewer traces the graph again
    const { page, problems } = await openViewer(browser(), await toHtml(loss, { modules: model }));
    try {
      await page.hover(`#v${a.weight.id}`);
      const tip = (await page.textContent('[data-testid=tooltip]'))!;
      for (const word of ['shape [6, 8]', 'min', 'max', 'mean', 'std', 'norm', 'NaN 0', 'Inf 0'])
        expect(tip).toContain(word);
      await page.click(`#v${a.weight.id}`);
      const sum = Number(await page.textContent('[data-testid=explain-sum]'));
      expect(sum).toBeCloseTo(a.weight.grad!.array.data[0]!, 12);
      await page.click('#collapse');
      expect(await page.isVisible('#graph-collapsed')).toBe(true);
      expect(await page.textContent('#graph-collapsed')).toContain('54 parameters');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  test('NaN and ±Infinity are shown as such, never as "no gradient"', async () => {
    const z = new Value(0, { label: 'z' });
    const logZ = z.log();
    const loss = logZ.mul(z).add(z.sqrt()); // sqrt′(0) = Infinity; log′(0) · 0 = NaN
    const { page, problems } = await openViewer(browser(), await toHtml(loss));
    try {
      await page.keyboard.press('End'); // the log step, last
      const step = await page.textContent('[data-testid=step]');
      expect(step).toContain('z.grad += Infinity × 0.0000 = NaN  → NaN');
      expect(step).not.toContain('no gradient');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft'); // the sqrt step
      expect(await page.textContent('[data-testid=step]')).toContain(
        'z.grad += Infinity × 1.0000 = Infinity  → Infinity',
      );
      await page.keyboard.press('End');
      expect((await recordGradients(page, 'v'))[z.id]).toBe('grad NaN');
      await page.hover(`#v${z.id}`, { force: true });
      expect(await page.textContent('[data-testid=tooltip]')).toContain('gradient: NaN');
      await page.hover(`#v${logZ.id}`, { force: true });
      expect(await page.textContent('[data-testid=tooltip]')).toContain('value: -Infinity');
      await page.click(`#v${z.id}`, { force: true });
      expect(await page.textContent('[data-testid=explain-sum]')).toBe('NaN');
      expect(await page.textContent('[data-testid=explain-grad]')).toBe('NaN');
      expect(await page.getAttribute(`#v${z.id} polygon`, 'fill')).toBe(NOT_FINITE);
      // gradients 1, 0 and NaN: one magnitude, one tick
      const legend = await page.textContent('[data-testid=legend]');
      expect(legend).toContain('every finite nonzero |x| is 1; sign by hue');
      expect(legend).not.toContain('from 1 to 1');
      await page.check('input[value=magnitude]');
      expect(await page.textContent('[data-testid=legend] .scale')).toBe('1');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  test('a tensor summary keeps ±Infinity, and a one-element tensor its element', async () => {
    const big = tensor([1e200, 1e200], { requiresGrad: true, label: 'big' }); // ‖big‖ overflows
    const x = tensor(0, { requiresGrad: true, label: 'x' });
    const loss = x.sqrt().add(big.mul(big).sum());
    const { page, problems } = await openViewer(browser(), await toHtml(loss));
    try {
      await page.hover(`#v${big.id}`, { force: true });
      expect(await page.textContent('[data-testid=tooltip]')).toContain('norm Infinity');
      expect((await recordGradients(page, 'v'))[x.id]).toBe('grad Infinity');
      await page.hover(`#v${loss.id}`, { force: true });
      expect(await page.textContent('[data-testid=tooltip]')).toContain(
        'value: Infinity  (shape [], float64)',
      );
      await page.keyboard.press('Home');
      expect(await page.textContent('[data-testid=step]')).toContain(`.grad = [] 1.0000`);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  test('modules collapsed: the boxes and values follow the step and the colour mode', async () => {
    const { model, loss } = tanhMlp();
    const html = await toHtml(loss, { modules: model });
    const { page, problems } = await openViewer(browser(), html);
    try {
      const drawn = writtenGradients(html, 'graph-collapsed'); // the last step's gradients
      expect(await shownGradients(page, 'graph-collapsed')).toEqual(drawn);
      expect(drawn.m_0).toMatch(/^‖grad‖ \d/);
      await page.check('input[value=role]');
      await page.keyboard.press('Home');
      expect(await page.textContent('[data-testid=collapse]')).toBe('collapse modules');
      await page.click('[data-testid=collapse]');
      expect(await page.textContent('[data-testid=collapse]')).toBe('expand modules');
      expect(await page.textContent('[data-testid=step-counter]')).toMatch(/^step 0 \//);
      const first = await shownGradients(page, 'graph-collapsed');
      expect(first[`v${loss.id}`]).toBe('grad 1.0000'); // the seed
      expect(first.m_0).toBe('no gradient yet');
      expect(Object.values(first).filter((t) => t !== 'no gradient yet')).toHaveLength(1);
      const lossFill = `#graph-collapsed #v${loss.id} polygon`;
      expect(await page.getAttribute(lossFill, 'fill')).toBe(ROLE.output);
      // step into the last Linear: its box is lit, and its gradient fills in as its parameters get theirs
      let k = 0;
      while (!(await page.getAttribute('#graph-collapsed #m_4', 'class'))!.includes('lit')) {
        await page.keyboard.press('ArrowRight');
        expect(++k).toBeLessThan(20);
      }
      expect(await page.textContent('[data-testid=step]')).toContain(
        '(a value inside the module 4 (Linear), lit)',
      );
      await page.keyboard.press('End');
      expect(await shownGradients(page, 'graph-collapsed')).toEqual(drawn);
      await page.check('input[value=gradient]');
      expect(await page.getAttribute(lossFill, 'fill')).not.toBe(ROLE.output);
      await page.hover('#graph-collapsed #m_2');
      expect(await page.textContent('[data-testid=tooltip]')).toContain(drawn.m_2!);
      await page.click('[data-testid=collapse]');
      expect(await page.textContent('[data-testid=collapse]')).toBe('collapse modules');
      expect(await page.isVisible('#graph-full')).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  test("a box's gradient norm reads as the drawing writes it, at every step", async () => {
    const w = new Value(2);
    const b = new Value(0);
    const loss = w.mul(3).add(b.mul(4)); // w.grad 3, b.grad 4: ‖grad‖ 5
    const modules: [string, Value][] = [
      ['lin.w', w],
      ['lin.b', b],
    ];
    const html = await toHtml(loss, { modules });
    const { page, problems } = await openViewer(browser(), html);
    try {
      await page.click('[data-testid=collapse]');
      expect(writtenGradients(html, 'graph-collapsed').m_lin).toBe('‖grad‖ 5');
      const shown: string[] = [];
      for (const key of ['Home', 'ArrowRight', 'ArrowRight', 'ArrowRight']) {
        await page.keyboard.press(key);
        shown.push((await shownGradients(page, 'graph-collapsed')).m_lin!);
      }
      expect(shown).toEqual(['no gradient yet', 'no gradient yet', '‖grad‖ 4', '‖grad‖ 5']);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  test('like units between boxes step with the rest', async () => {
    const { loss, names } = valueMlp([2, 16, 16, 1]);
    const html = await toHtml(loss, { modules: names });
    const { page, problems } = await openViewer(browser(), html);
    try {
      const drawn = writtenGradients(html, 'graph-collapsed');
      const units = Object.keys(drawn).filter((id) => id.startsWith('g'));
      expect(units.length).toBe(2); // the two layers of 16 tanh
      await page.click('[data-testid=collapse]');
      await page.keyboard.press('Home');
      const first = await shownGradients(page, 'graph-collapsed');
      for (const id of units) expect(first[id]).toBe('no gradient yet');
      await page.keyboard.press('End');
      expect(await shownGradients(page, 'graph-collapsed')).toEqual(drawn);
      await page.hover(`#graph-collapsed #${units[0]}`);
      expect(await page.textContent('[data-testid=tooltip]')).toContain('16 × tanh');
      await page.click(`#graph-collapsed #${units[0]}`);
      expect(await page.textContent('[data-testid=explain]')).toContain('expand modules');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  test('past maxNodes the page opens with modules collapsed, says so, and steps them', async () => {
    const { model, loss } = tanhMlp();
    const html = await toHtml(loss, { modules: model, maxNodes: 5 });
    const { page, problems } = await openViewer(browser(), html);
    try {
      const button = page.locator('[data-testid=collapse]');
      expect(await button.textContent()).toBe('expand modules');
      expect(await button.isDisabled()).toBe(true);
      expect(await page.textContent('aside')).toContain(
        'past maxNodes (5 values) modules are drawn as boxes',
      );
      const drawn = writtenGradients(html, 'graph-full');
      expect(drawn.m_4).toMatch(/^‖grad‖ \d/);
      await page.keyboard.press('Home');
      expect((await shownGradients(page, 'graph-full')).m_4).toBe('no gradient yet');
      // every step names a parameter by its path, though none is drawn: three Linears have a weight
      const said: string[] = [];
      for (let i = 0; i < 15; i++) {
        await page.keyboard.press('ArrowRight');
        said.push((await page.textContent('[data-testid=step]'))!);
      }
      for (const path of ['0.weight', '2.weight', '4.weight', '4.bias']) {
        expect(said.some((t) => t.includes(`${path}.grad += `))).toBe(true);
      }
      expect(said.join('\n')).not.toMatch(/(^|[^\d.])(weight|bias)\.grad/m);
      await page.keyboard.press('End');
      expect(await shownGradients(page, 'graph-full')).toEqual(drawn);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  test('a 300-character label is shortened in the drawing and shown whole in the tooltip and step', async () => {
    const long = 'a very long label '.repeat(17).trim();
    const x = new Value(2, { label: long });
    const loss = x.mul(new Value(-1, { label: 'w' })).tanh();
    const { page, problems } = await openViewer(browser(), await toHtml(loss));
    try {
      const title = await page.textContent(`#v${x.id} text`);
      expect(title).toBe('a very long label a very long…y long label a very long label');
      const box = (await page.locator(`#v${x.id}`).boundingBox())!;
      const drawing = (await page.locator('#graph-full g.graph').boundingBox())!;
      expect(box.width / drawing.width).toBeLessThan(0.5); // 300 characters spanned most of it
      await page.hover(`#v${x.id}`, { force: true });
      expect(await page.textContent('[data-testid=tooltip]')).toContain(`${long}  (parameter)`);
      const tip = (await page.locator('[data-testid=tooltip]').boundingBox())!;
      expect(tip.x + tip.width).toBeLessThan(1400); // wrapped, not running off the page
      await page.keyboard.press('End');
      expect(await page.textContent('[data-testid=step]')).toContain(`${long}.grad += `);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
