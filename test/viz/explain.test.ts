/** @file explain(): the sum over paths equals .grad; path counts; grouping past maxPaths; the lesson's chain of factors. */

import { describe, expect, it } from 'vitest';
import { forward, makeWeights, SAMPLE, SAMPLE_W0, SAMPLE_W1 } from '../../examples/lesson/two-layer.js';
import { binaryCrossEntropy, explain, tensor, Value } from '../../src/index.js';
import { testProp } from '../support/property.js';
import { build, recipeArb } from './graphs.js';

function lesson() {
  const weights = makeWeights(SAMPLE_W0, SAMPLE_W1);
  const { yHat, activations } = forward(weights, SAMPLE.x1, SAMPLE.x2);
  const E = binaryCrossEntropy(yHat, SAMPLE.y);
  E.label = 'E';
  E.backward();
  return { weights, E, activations, yHat };
}

describe('explain', () => {
  testProp([recipeArb], { numRuns: 100 })('the sum over paths equals .grad on random graphs', (recipe) => {
    const { xs, root } = build(recipe);
    root.backward();
    for (const x of xs) {
      const e = explain(root, x, { maxPaths: 1_000_000 });
      expect(Math.abs(e.sum - x.grad!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x.grad!)));
      expect(e.grouped).toBe(false);
      expect(e.paths).toHaveLength(e.pathCount);
      for (const p of e.paths) {
        expect(p.product).toBeCloseTo(
          p.edges.reduce((a, edge) => a * edge.local!, 1),
          12,
        );
        expect(p.edges[0]!.from.id).toBe(x.id);
        expect(p.edges.at(-1)!.to.id).toBe(root.id);
      }
    }
  });

  testProp([recipeArb], { numRuns: 60 })('grouped past maxPaths, the rows still sum to .grad', (recipe) => {
    const { xs, root } = build(recipe);
    root.backward();
    for (const x of xs) {
      const e = explain(root, x, { maxPaths: 2 });
      expect(e.paths.length).toBeLessThanOrEqual(2);
      expect(e.paths.reduce((n, p) => n + p.count, 0)).toBe(e.pathCount);
      expect(Math.abs(e.sum - x.grad!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x.grad!)));
    }
  });

  it('counts two paths for x.mul(x), one per edge', () => {
    const x = new Value(3, { label: 'x' });
    const y = x.mul(x);
    y.backward();
    const e = explain(y, x);
    expect(e.pathCount).toBe(2);
    expect(e.paths.map((p) => p.edges.map((edge) => [edge.index, edge.local]))).toEqual([[[0, 3]], [[1, 3]]]);
    expect(e.sum).toBe(6);
    expect(e.difference).toBe(0);
  });

  it('counts 2^k paths through k diamonds, and groups 2^40 of them without hanging', () => {
    const x = new Value(0.3, { label: 'x' });
    let y: Value = x;
    for (let i = 0; i < 40; i++) y = y.mul(1.01).add(y.tanh()); // two ways through each diamond
    y.backward();
    const small = new Value(0.3, { label: 's' });
    let z: Value = small;
    for (let i = 0; i < 5; i++) z = z.mul(1.01).add(z.tanh());
    z.backward();
    expect(explain(z, small, { maxPaths: 100 }).pathCount).toBe(32);
    expect(explain(z, small, { maxPaths: 100 }).paths).toHaveLength(32);
    const started = Date.now();
    const e = explain(y, x, { maxPaths: 16 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e.pathCount).toBe(2 ** 40);
    expect(e.grouped).toBe(true);
    expect(e.paths.length).toBeLessThanOrEqual(16);
    expect(e.sum).toBeCloseTo(x.grad!, 10);
    expect(String(e)).toMatch(/groups covering 1099511627776 paths/);
  });

  it('prints the lesson chain rule: ∂E/∂W0₁₁ = ∂E/∂ŷ · ∂ŷ/∂h · ∂h/∂h1 · ∂h1/∂W0₁₁, with the numbers', () => {
    const { weights, E, activations, yHat } = lesson();
    const w = weights.W0[0]![0]!;
    const e = explain(E, w);
    expect(e.factors.map((f) => f.name)).toEqual(['∂E/∂ŷ', '∂ŷ/∂h', '∂h/∂h1', '∂h1/∂W0[1][1]']);
    const [dE, dyHat, dh, dh1] = e.factors.map((f) => f.value) as [number, number, number, number];
    const [y, p, s1] = [SAMPLE.y, yHat.data, activations[0]!.data];
    expect(dE).toBeCloseTo(-y / p + (1 - y) / (1 - p), 12);
    expect(dyHat).toBeCloseTo(p * (1 - p), 15);
    expect(dh).toBeCloseTo(weights.W1[0]![0]!.data * s1 * (1 - s1), 15);
    expect(dh1).toBeCloseTo(SAMPLE.x1, 15);
    expect(dE * dyHat * dh * dh1).toBeCloseTo(w.grad!, 15);
    expect(e.sum).toBeCloseTo(w.grad!, 15);
    expect(e.pathCount).toBe(2);
    const text = String(e);
    expect(text).toContain('∂E/∂W0[1][1] = ∂E/∂ŷ · ∂ŷ/∂h · ∂h/∂h1 · ∂h1/∂W0[1][1]');
    expect(text).toMatch(/difference = \d\.\de[-+]\d+/);
  });

  it('checks the textbook factors: σ′ = σ(1 − σ), and BCE after a sigmoid collapsing to ŷ − y', () => {
    const { weights, E, yHat } = lesson();
    const e = explain(E, weights.W1[0]![0]!);
    const byName = new Map(e.textbook.map((t) => [t.name, t]));
    expect(byName.get('∂E/∂h')!.formula).toBe('ŷ − y');
    expect(byName.get('σ′(h)')!.formula).toBe('σ(h)(1 − σ(h))');
    expect(byName.get('∂E/∂ŷ')).toBeDefined();
    for (const t of e.textbook) expect(t.difference).toBeLessThan(1e-12);
    expect(byName.get('∂E/∂h')!.value).toBeCloseTo(yHat.data - SAMPLE.y, 15);
  });

  it('explains one element of a tensor, and the sum equals that element of .grad', () => {
    const W = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true, label: 'W' },
    );
    const loss = W.matmul(tensor([1, -1]))
      .sigmoid()
      .mul(W.sum())
      .sum();
    loss.backward(undefined, { retainGraph: true }); // explain reads the graph again
    const gradW = W.grad!.toArray() as number[][];
    for (const index of [
      [0, 0],
      [1, 0],
      [1, 1],
    ]) {
      const e = explain(loss, W, { index });
      expect(e.pathCount).toBe(2);
      expect(e.sum).toBeCloseTo(gradW[index[0]!]![index[1]!]!, 12);
      expect(e.index).toEqual(index);
    }
    expect(explain(loss, W, { index: 3 }).index).toEqual([1, 1]);
    expect(explain(loss, W, { index: 3, maxPaths: 1 }).sum).toBeCloseTo(gradW[1]![1]!, 12);
  });

  it('names what is wrong with its arguments', () => {
    const W = tensor([1, 2], { requiresGrad: true });
    const y = W.mul(2);
    expect(() => explain(y, W, { index: 0 })).toThrow(/explain: the root must be one number/);
    expect(() => explain(y.sum(), W)).toThrow(/pass \{ index: \[\.\.\.\] \}/);
    expect(() => explain(y.sum(), W, { index: [5] })).toThrow(/explain: index 5 is out of range/);
    expect(() => explain(y.sum(), W, { maxPaths: 0, index: 0 })).toThrow(
      /maxPaths must be a positive integer/,
    );
    expect(() => explain(new Value(1), W as never)).toThrow(/both be Values or both be Tensors/);
  });

  // Fixed, kept as a regression test: an input the root was not computed from printed "1 groups covering
  // 0 paths (more than maxPaths)" for a Value, and threw a raw TypeError (reading 'shape') for a Tensor.
  it('says plainly that there is no path when the root was not computed from the target', () => {
    const x = new Value(2, { label: 'x' });
    const u = new Value(3, { label: 'u' });
    const y = x.mul(x);
    y.label = 'y';
    y.backward();
    const e = explain(y, u);
    expect(e).toMatchObject({ pathCount: 0, grouped: false, paths: [], sum: 0, grad: null });
    expect(String(e)).toBe(
      'no path from u to y: y was not computed from u, so ∂y/∂u = 0\n' +
        'u.grad = null (a backward pass from y leaves it as it was)',
    );
    const W = tensor([1, 2], { requiresGrad: true, label: 'W' });
    const V = tensor([3, 4], { requiresGrad: true, label: 'V' });
    const loss = W.mul(W).sum();
    loss.label = 'loss';
    expect(String(explain(loss, V, { index: 1 }))).toMatch(
      /^no path from V\[1\] to loss: loss was not computed from V, so ∂loss\/∂V\[1\] = 0\n/,
    );
  });
});
