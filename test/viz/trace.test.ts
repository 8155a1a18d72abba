/** @file traceBackward: every rule application recorded, its numbers checked against .grad and finite differences. */

import { describe, expect, it } from 'vitest';
import { Linear, mseLoss, type Node, randn, tensor, traceBackward, Value } from '../../src/index.js';
import { testProp } from '../support/property.js';
import { build, recipeArb } from './graphs.js';

/** The last `accumulated` of each node in the trace (the root holds the seed). */
function lastAccumulated(trace: ReturnType<typeof traceBackward>): Map<number, unknown> {
  const last = new Map<number, unknown>([[trace.root.id, trace.seed]]);
  for (const s of trace.steps)
    for (const i of s.inputs) if (i.accumulated !== null) last.set(i.id, i.accumulated);
  return last;
}

describe('traceBackward', () => {
  testProp([recipeArb], { numRuns: 80 })(
    'the last accumulated value of every node is its .grad',
    (recipe) => {
      const { root, pool } = build(recipe);
      const trace = traceBackward(root);
      const last = lastAccumulated(trace);
      for (const n of [...pool, root]) {
        if (n.grad === null) continue;
        expect(last.get(n.id)).toBeCloseTo(n.grad, 12);
      }
      expect(JSON.parse(JSON.stringify(trace)).steps).toHaveLength(trace.steps.length);
    },
  );

  testProp([recipeArb], { numRuns: 40 })(
    'each local derivative of a Value edge equals a central difference',
    (recipe) => {
      const { root } = build(recipe);
      const trace = traceBackward(root);
      const byId = new Map<number, Node>();
      const stack: Node[] = [root];
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (byId.has(n.id)) continue;
        byId.set(n.id, n);
        stack.push(...n.parents);
      }
      for (const step of trace.steps) {
        const node = byId.get(step.node.id)!;
        for (const input of step.inputs) {
          if (input.local === null) continue;
          // perturb input `index` alone (x.mul(x) has two edges: each is its own partial derivative)
          const h = 1e-6;
          const at = (delta: number) => {
            const raws = node.parents.map((p) => p.raw as number);
            raws[input.index]! += delta;
            return node.op!.scalar!(raws[0]!, raws[1] ?? Number.NaN, raws[2] ?? Number.NaN);
          };
          const numeric = (at(h) - at(-h)) / (2 * h);
          expect(input.local as number).toBeCloseTo(numeric, 5);
          expect(input.contribution as number).toBeCloseTo(
            (input.local as number) * (step.upstream as number),
            12,
          );
        }
      }
    },
  );

  it('records x.mul(x) as one step with two inputs, and runs a real backward pass', () => {
    const x = new Value(3, { label: 'x' });
    const trace = traceBackward(x.mul(x));
    expect(trace.kind).toBe('value');
    expect(trace.steps).toHaveLength(1);
    expect(trace.steps[0]!.inputs.map((i) => [i.label, i.index, i.local, i.contribution])).toEqual([
      ['x', 0, 3, 3],
      ['x', 1, 3, 3],
    ]);
    expect(x.grad).toBe(6);
  });

  it('leaves .grad alone with accumulate: false', () => {
    const x = new Value(2, { label: 'x' });
    const y = x.mul(x);
    y.backward();
    const trace = traceBackward(y, { accumulate: false });
    expect(x.grad).toBe(4);
    expect(trace.steps[0]!.inputs[1]!.accumulated).toBe(4);
  });

  it('summarises tensor gradients, with every element when asked', () => {
    const layer = new Linear(3, 2);
    const x = randn([4, 3]);
    const loss = mseLoss(
      layer.forward(x),
      tensor([
        [1, 0],
        [0, 1],
        [1, 1],
        [0, 0],
      ]),
    );
    const trace = traceBackward(loss, { arrays: true });
    expect(trace.kind).toBe('tensor');
    const last = lastAccumulated(trace);
    for (const p of layer.parameters()) {
      const got = last.get(p.id) as { shape: number[]; data: number[]; norm: number };
      expect(got.shape).toEqual([...p.shape]);
      const want = p.grad!.array.data;
      for (const [i, v] of got.data.entries()) expect(v).toBeCloseTo(want[i]!, 12);
      expect(got.norm).toBeCloseTo(Math.hypot(...want), 12);
    }
    const summaryOnly = traceBackward(loss, { accumulate: false });
    const step = summaryOnly.steps.find((s) => s.node.op === 'matmul')!;
    expect(step.inputs.some((i) => i.contribution !== null && !('data' in (i.contribution as object)))).toBe(
      true,
    );
  });

  it('refuses what is not a node', () => {
    expect(() => traceBackward(3 as never)).toThrow(/traceBackward: root must be a Value or a Tensor/);
  });

  // Fixed, kept as a regression test: a many-element root was blamed on backward and backward(gradient)
  it('a many-element root without a fitting gradient names traceBackward and its gradient option', () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => traceBackward(y)).toThrow(
      'traceBackward: needs a one-element output or an explicit gradient, got shape [2]; call .sum() or .mean() first, or pass traceBackward(root, { gradient })',
    );
    expect(() => traceBackward(y, { gradient: tensor([1]) })).toThrow(
      "traceBackward: options.gradient has shape [1], the output has [2]; pass a gradient of the output's shape",
    );
  });

  it('traces a 1,000,000-node chain without running out of memory', () => {
    let y = new Value(0.5, { label: 'x' });
    for (let i = 0; i < 1_000_000; i++) y = y.add(1);
    const trace = traceBackward(y, { local: false });
    expect(trace.steps).toHaveLength(1_000_000);
    expect(trace.steps.at(-1)!.inputs[0]!.accumulated).toBe(1);
  }, 60_000);
});
