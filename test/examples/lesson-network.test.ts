/** @file The lesson's golden numbers: autograd against the hand-derived chain rule, number for number. */

import { describe, expect, it } from 'vitest';
import { backwardPassLines, nodeName } from '../../examples/lesson/backward-pass.js';
import { forward, makeWeights, SAMPLE, SAMPLE_W0, SAMPLE_W1 } from '../../examples/lesson/two-layer.js';
import { binaryCrossEntropy, traceBackward, Value } from '../../src/index.js';

const sigma = (x: number) => 1 / (1 + Math.exp(-x));

describe('the chain-rule warm-up', () => {
  it('y = 3x, z = 2y gives dz/dx = 6, and either weight raised 10% makes z 6.6', () => {
    const x = new Value(1);
    const a = new Value(3);
    const b = new Value(2);
    const z = b.mul(a.mul(x));
    z.backward();
    expect(z.data).toBe(6);
    expect(x.grad).toBe(6);
    expect(new Value(2).mul(new Value(3.3).mul(1)).data).toBeCloseTo(6.6, 12);
    expect(new Value(2.2).mul(new Value(3).mul(1)).data).toBeCloseTo(6.6, 12);
    expect(a.grad).toBe(2);
    expect(b.grad).toBe(3);
  });
});

describe('the single neuron', () => {
  it.each([
    [0.3, 0.7, 0, [0.6, -0.2, 0.1]],
    [-1.2, 0.4, 1, [0.1, 0.9, -0.5]],
    [2.5, -0.8, 1, [-0.3, 0.2, 0.05]],
  ])('−∂E/∂wᵢ equals (y − ŷ)·xᵢ at x = (%d, %d), y = %d', (x1, x2, y, [w1v, w2v, bv]) => {
    const w1 = new Value(w1v!);
    const w2 = new Value(w2v!);
    const b = new Value(bv!);
    const yHat = w1.mul(x1).add(w2.mul(x2)).add(b).sigmoid();
    binaryCrossEntropy(yHat, y).backward();
    const p = sigma(w1v! * x1 + w2v! * x2 + bv!);
    expect(yHat.data).toBeCloseTo(p, 14);
    expect(-w1.grad!).toBeCloseTo((y - p) * x1, 14);
    expect(-w2.grad!).toBeCloseTo((y - p) * x2, 14);
    expect(-b.grad!).toBeCloseTo(y - p, 14);
  });
});

describe('the two-layer network', () => {
  const { x1, x2, y } = SAMPLE;
  const weights = makeWeights(SAMPLE_W0, SAMPLE_W1);
  const { yHat } = forward(weights, x1, x2);
  binaryCrossEntropy(yHat, y).backward();

  // the lesson's forward pass, by hand
  const xs = [x1, x2, 1];
  const h = [0, 1].map((j) => xs.reduce((acc, x, i) => acc + SAMPLE_W0[i]![j]! * x, 0));
  const a = [...h.map(sigma), 1];
  const p = sigma(a.reduce((acc, v, j) => acc + SAMPLE_W1[j]![0]! * v, 0));

  it("∂E/∂W⁰₁₁ is the lesson's four-factor product ∂E/∂ŷ · ∂ŷ/∂h · ∂h/∂h1 · ∂h1/∂W⁰₁₁", () => {
    const dEdyHat = -y / p + (1 - y) / (1 - p);
    const dyHatdh = p * (1 - p);
    const dhdh1 = SAMPLE_W1[0]![0]! * a[0]! * (1 - a[0]!);
    const dh1dW = x1;
    expect(weights.W0[0]![0]!.grad).toBeCloseTo(dEdyHat * dyHatdh * dhdh1 * dh1dW, 15);
  });

  it('all nine gradients match the hand-derived backpropagation (the 3×3 table)', () => {
    const deltaOut = p - y; // ∂E/∂h for sigmoid + cross-entropy
    for (let j = 0; j < 3; j++) expect(weights.W1[j]![0]!.grad).toBeCloseTo(deltaOut * a[j]!, 15);
    for (let j = 0; j < 2; j++) {
      const delta = deltaOut * SAMPLE_W1[j]![0]! * a[j]! * (1 - a[j]!);
      for (let i = 0; i < 3; i++) expect(weights.W0[i]![j]!.grad).toBeCloseTo(delta * xs[i]!, 15);
    }
  });

  it('one gradient-descent step wᵢⱼ ← wᵢⱼ − α·∂E/∂wᵢⱼ lowers the loss', () => {
    const w = makeWeights(SAMPLE_W0, SAMPLE_W1);
    const before = binaryCrossEntropy(forward(w, x1, x2).yHat, y);
    before.backward();
    for (const v of [...w.W0.flat(), ...w.W1.flat()]) v.data -= 0.5 * v.grad!;
    const after = binaryCrossEntropy(forward(w, x1, x2).yHat, y);
    expect(after.data).toBeLessThan(before.data);
  });
});

describe("the demo's worked backward pass (section 3)", () => {
  const { x1, x2, y } = SAMPLE;
  const weights = makeWeights(SAMPLE_W0, SAMPLE_W1);
  const loss = binaryCrossEntropy(forward(weights, x1, x2).yHat, y);
  loss.backward();
  const trace = traceBackward(loss, { accumulate: false });
  const lines = backwardPassLines(trace);
  const numbers = (line: string) =>
    [...line.matchAll(/-?\d+(?:\.\d+)?(?:e[-+]\d+)?/g)].map((m) => Number(m[0]));
  const close = (printed: number, exact: number) =>
    expect(Math.abs(printed - exact)).toBeLessThanOrEqual(1e-5 * Math.abs(exact) + 1e-300);

  it('prints one line per rule and one per input that takes a gradient, with the trace’s numbers', () => {
    let k = 0;
    for (const step of trace.steps) {
      const head = lines[k++]!;
      expect(head).toContain(`${step.step + 1}. ${nodeName(step.node)}`);
      close(numbers(head).at(-1)!, step.upstream as number);
      for (const input of step.inputs) {
        if (input.contribution === null) continue;
        const line = lines[k++]!;
        expect(line).toContain(`→ ${nodeName(input)}: local`);
        const [local, upstream, contribution] = numbers(line.slice(line.indexOf(': local')));
        close(local!, input.local as number);
        close(upstream!, step.upstream as number);
        close(contribution!, input.contribution as number);
        // local × upstream = contribution, in the trace itself
        expect(input.contribution as number).toBeCloseTo(
          (input.local as number) * (step.upstream as number),
          15,
        );
      }
    }
    expect(k).toBe(lines.length);
  });

  it('shows the fan-out at ŷ (used by both logs of the loss) as the sum of its contributions', () => {
    const fanOut = lines.filter((l) => l.includes('fan-out'));
    expect(fanOut.some((l) => l.includes("ŷ's sum of 2 contributions"))).toBe(true);
    const toYHat = trace.steps.flatMap((s) => s.inputs).filter((i) => i.label === 'ŷ');
    expect(toYHat).toHaveLength(2);
    expect(toYHat[1]!.accumulated).toBeCloseTo(
      (toYHat[0]!.contribution as number) + (toYHat[1]!.contribution as number),
      15,
    );
  });

  it('ends, for every weight, on its .grad', () => {
    for (const w of [...weights.W0.flat(), ...weights.W1.flat()]) {
      const last = trace.steps
        .flatMap((s) => s.inputs)
        .filter((i) => i.label === w.label)
        .at(-1)!;
      expect(last.accumulated).toBe(w.grad);
    }
  });
});
