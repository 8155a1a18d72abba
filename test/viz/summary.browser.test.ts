import { expect, test } from 'vitest';
import { valueMlp } from '../../examples/lesson/viz-models.js';
import { toHtml } from '../../src/index.js';
import { stageSummaryOf } from '../../src/viz/dot.js';
import { describeBrowser, openViewer, recordGradients, sharedBrowser } from '../support/browser.js';

describeBrowser('the viewer of a graph past maxNodes', () => {
  const browser = sharedBrowser();

  test('a 2-16-16-1 MLP with maxNodes 100: groups show statistics, steps light their group', async () => {
    const { loss } = valueMlp([2, 16, 16, 1]);
    const { page, problems } = await openViewer(browser(), await toHtml(loss, { maxNodes: 100 }));
    try {
      const summary = stageSummaryOf(loss, { maxNodes: 100 })!;
      const tanh = summary.groups.find((g) => g.role === 'op' && g.ops[0]![0] === 'tanh')!;
      // the drawing's own gradients are what the last step shows
      const drawn = await recordGradients(page, 'g');
      expect(Object.keys(drawn).length).toBeGreaterThan(5);
      await page.keyboard.press('Home');
      expect(Object.values(await recordGradients(page, 'g')).every((t) => t === 'no gradient yet')).toBe(
        true,
      );
      await page.keyboard.press('End');
      expect(await recordGradients(page, 'g')).toEqual(drawn);
      // step to the first rule of a value drawn in a group: the group is lit and the step says so
      const steps = JSON.parse((await page.textContent('#chainrule-data'))!).steps as {
        node: { id: number };
      }[];
      const inGroup = (id: number) =>
        summary.groups.find((g) => g.members.length > 1 && g.members.some((m) => m.id === id));
      const k = steps.findIndex((s) => inGroup(s.node.id) !== undefined);
      const group = inGroup(steps[k]!.node.id)!;
      await page.keyboard.press('Home');
      for (let i = 0; i <= k; i++) await page.keyboard.press('ArrowRight');
      expect(await page.getAttribute(`#${group.id}`, 'class')).toContain('lit');
      expect(await page.textContent('[data-testid=step]')).toContain(
        `(a value of the group ${group.members.length} × ${group.ops[0]![0]}, lit)`,
      );
      expect(await recordGradients(page, 'g')).not.toEqual(drawn); // part way through the pass
      // hovering a group shows its statistics; clicking it says why there is no explain panel
      await page.hover(`#${tanh.id}`, { force: true });
      const tip = (await page.textContent('[data-testid=tooltip]'))!;
      for (const word of [
        '16 × tanh',
        'value: 16 numbers',
        'mean',
        'std',
        'norm',
        'NaN 0',
        'at this step: no gradient yet',
      ])
        expect(tip).toContain(word);
      await page.click(`#${tanh.id}`, { force: true });
      expect(await page.textContent('[data-testid=explain]')).toContain('a group of 16 values');
      await page.check('input[value=magnitude]');
      expect(await page.getAttribute(`#${tanh.id} polygon`, 'fill')).not.toBe('#ffffff');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  test('a 784-128-10-1 MLP of Values without modules opens, with tooltips and no stepping', async () => {
    const { loss } = valueMlp([784, 128, 10, 1]);
    const { page, problems } = await openViewer(browser(), await toHtml(loss));
    try {
      expect(await page.textContent('[data-testid=step]')).toContain('stepping left out');
      const summary = stageSummaryOf(loss)!;
      const products = summary.groups.find((g) => g.members.length === 784 * 128 && g.role === 'op')!;
      await page.hover(`#${products.id}`, { force: true });
      const tip = (await page.textContent('[data-testid=tooltip]'))!;
      expect(tip).toContain('100,352 × mul');
      expect(tip).toContain('value: 100,352 numbers');
      expect(tip).toContain('gradient: 100,352 numbers');
      expect(await page.isVisible(`#v${loss.id}`)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
