/** @file Every composite method and function records where its nodes start, so `composites: true` draws it as one node. */

import { describe, expect, it } from 'vitest';
import { type Node, stack, sub, type Tensor, tensor, toDot, Value } from '../../src/index.js';

const x = () =>
  tensor(
    [
      [0.5, -1, 2],
      [1.5, 0.25, -0.75],
    ],
    { requiresGrad: true, label: 'x' },
  );
const y = () => tensor([0.1, 0.2, 0.3], { requiresGrad: true, label: 'y' });

/** The op ellipses of a drawing: their labels. */
function ops(dot: string): string[] {
  return [...dot.matchAll(/ {2}op\d+ \[id="op\d+", shape=ellipse[^\n]*label="([^"]*)"\]/g)].map((m) => m[1]!);
}

/** Each composite: how to call it, on a fresh input. */
const CASES: [string, () => Node][] = [
  ['sub', () => x().sub(y())],
  ['clamp', () => x().clamp(-0.5, 1)],
  ['sum', () => x().sum(1)],
  ['mean', () => x().mean(1)],
  ['max', () => x().max(1)],
  ['min', () => x().min(1)],
  ['softmax', () => x().softmax(1)],
  ['logSoftmax', () => x().logSoftmax(1)],
  ['transpose', () => x().transpose(0, 1)],
  ['squeeze', () => tensor([[0.5, -1, 2]], { requiresGrad: true, label: 'x' }).squeeze(0)],
  ['unsqueeze', () => x().unsqueeze(0)],
  ['softplus', () => x().softplus(2)],
  ['logsumexp', () => x().logsumexp(1)],
  ['var', () => x().var(1)],
  ['std', () => x().std(1)],
  ['norm', () => x().norm(2, 1)],
  ['cumsum', () => tensor(2, { requiresGrad: true, label: 'x' }).cumsum(0)],
  ['indexSelect', () => x().indexSelect(1, [2, 0])],
  ['index', () => x().index([1, 0, 1])],
  ['split', () => x().split(2, 1)[1]!],
  ['chunk', () => x().chunk(3, 1)[2]!],
  ['sub', () => sub(1, x())],
  ['stack', () => stack([x(), x()], 0)],
  ['softplus', () => new Value(0.3, { label: 'x' }).softplus(2)],
];

describe('composites drawn as one node', () => {
  for (const [name, make] of CASES) {
    it(`${name}: one node named ${name}, its inputs drawn, its primitives not`, () => {
      const out = make();
      expect(out.gradFn).toBe(name);
      expect(out.madeFrom).toBeGreaterThan(0);
      expect(out.madeFrom).toBeLessThanOrEqual(out.id);
      const whole = toDot(out, { composites: true, legend: false });
      expect(ops(whole)).toEqual([name]);
      const expanded = ops(toDot(out, { legend: false }));
      expect(expanded.length).toBeGreaterThanOrEqual(1);
      expect(whole).toContain('x | data');
    });
  }

  it('a composite inside another is drawn inside the outer one only', () => {
    const t: Tensor = x();
    const out = t.softmax(1).sum();
    const dot = toDot(out, { composites: true, legend: false });
    expect(ops(dot)).toEqual(['softmax', 'sum']);
  });
});
