/** @file traceFrames: one drawing per rule application, gradients filled in as far as the pass has come. */

import { describe, expect, it } from 'vitest';
import { traceBackward, traceFrames, Value } from '../../src/index.js';

describe('traceFrames', () => {
  it('draws the seed first, then each step with its node highlighted and gradients so far', () => {
    const x = new Value(2, { label: 'x' });
    const y = x.mul(x).tanh();
    y.label = 'y';
    const trace = traceBackward(y);
    const frames = traceFrames(y, trace, { rankdir: 'LR' });
    expect(frames).toHaveLength(trace.steps.length + 1);
    const gradOfX = (dot: string) => dot.match(/label="x \| data 2\.0000 \| ([^"]*)"/)?.[1];
    expect(gradOfX(frames[0]!)).toBe('no gradient yet');
    expect(frames[0]).toContain('label="y | data 0.9993 | grad 1.0000"');
    expect(frames[0]).not.toContain('penwidth=3');
    expect(frames[1]).toMatch(new RegExp(`v${y.id} \\[[^\\]]*penwidth=3, color="#dc2626"`));
    expect(gradOfX(frames[1]!)).toBe('no gradient yet'); // tanh's rule has run, not yet mul's
    expect(gradOfX(frames[2]!)).toBe(`grad ${x.grad!.toFixed(4)}`);
  });

  it('refuses a trace of another root', () => {
    const x = new Value(2);
    const trace = traceBackward(x.mul(3));
    expect(() => traceFrames(x.mul(4), trace)).toThrow(/traceFrames: the trace is of node/);
  });
});

describe('traceFrames with composites drawn whole', () => {
  it('lights the composite while a rule inside it runs', async () => {
    const { binaryCrossEntropy } = await import('../../src/index.js');
    const p = new Value(0.3, { label: 'p' });
    const loss = binaryCrossEntropy(p.sigmoid(), 1);
    const trace = traceBackward(loss);
    const frames = traceFrames(loss, trace, { composites: true });
    const lit = frames.slice(1, 6).map((f) => f.match(/v(\d+) \[[^\]]*penwidth=3/)?.[1]);
    expect(lit.every((id) => id === String(loss.id))).toBe(true);
  });
});
