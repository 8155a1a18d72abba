/** @file Issue 8's "silently wrong" cases 3–9: each is now right, or a clear error. */

import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, grad, manualSeed, noGrad, rand, tensor, Value } from '../../src/index.js';

describe('silently wrong before, right or refused now', () => {
  it('3: binaryCrossEntropy on logits is a RangeError pointing to the with-logits loss', () => {
    expect(() => binaryCrossEntropy(tensor([2, -1]), tensor([1, 0]))).toThrow(RangeError);
    expect(() => binaryCrossEntropy(tensor([2, -1]), tensor([1, 0]))).toThrow(
      /all elements of input should be between 0 and 1.*binaryCrossEntropyWithLogits/,
    );
    expect(() => binaryCrossEntropy(new Value(1.5), 1)).toThrow(RangeError);
    expect(() => binaryCrossEntropy(tensor([Number.NaN]), tensor([1]))).toThrow(RangeError);
    expect(binaryCrossEntropy(tensor([0, 1]), tensor([0, 1])).item()).toBeCloseTo(0, 12);
  });

  it('4: Value.backward(5) seeds with 5, and grad() takes numbers as gradOutputs', () => {
    const x = new Value(3);
    x.mul(x).backward(5);
    expect(x.grad).toBe(30);
    const z = new Value(3);
    expect(grad(z.mul(z), [z], { gradOutputs: [5] })[0]!.data).toBe(30);
    const t = tensor([3], { requiresGrad: true });
    expect(grad(t.mul(t).sum(), [t], { gradOutputs: [2] })[0]!.toArray()).toEqual([12]);
    expect(() => new Value(1).mul(2).backward(Number.NaN)).toThrow(TypeError);
    expect(() => new Value(1).mul(2).backward('5' as never)).toThrow(TypeError);
    expect(() => grad(z.mul(z), [z], { gradOutputs: ['5' as never] })).toThrow(TypeError);
  });

  it('5: options of the wrong type are TypeErrors', () => {
    expect(() => tensor([1], { requiresGrad: 'false' as never })).toThrow(TypeError);
    expect(() => tensor([1], { label: 3 as never })).toThrow(TypeError);
    expect(() => new Value(1, { requiresGrad: 1 as never })).toThrow(TypeError);
    expect(() => tensor([1], 'float32' as never)).toThrow(TypeError);
    const x = tensor([1], { requiresGrad: true });
    expect(() =>
      x
        .mul(2)
        .sum()
        .backward(undefined, { retainGraph: 'yes' as never }),
    ).toThrow(TypeError);
  });

  it('7: manualSeed accepts 0..2³²−1 and rejects the rest, which would repeat other seeds', () => {
    manualSeed(2 ** 32 - 1);
    const last = rand([3]).toArray();
    manualSeed(0);
    expect(rand([3]).toArray()).not.toEqual(last);
    expect(() => manualSeed(2 ** 32)).toThrow(RangeError);
    expect(() => manualSeed(-1)).toThrow(RangeError);
    expect(() => manualSeed(Number.NaN)).toThrow(TypeError);
  });

  it('8: noGrad refuses async functions and promises, saying why', async () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => noGrad(async () => w.mul(2))).toThrow(/async.*await/);
    expect(() => noGrad(() => Promise.resolve(1))).toThrow(TypeError);
    expect(() => noGrad(3 as never)).toThrow(TypeError);
    expect(noGrad(() => w.mul(2)).requiresGrad).toBe(false);
    expect(w.mul(2).requiresGrad).toBe(true); // recording is back on
  });

  it('9: a hook that removes itself does not make the next hook skip the pass', () => {
    for (const make of [() => new Value(1), () => tensor([1], { requiresGrad: true })]) {
      const x = make();
      const seen: string[] = [];
      const first = x.registerHook(() => {
        seen.push('first');
        first.remove();
      });
      x.registerHook(() => {
        seen.push('second');
      });
      (x as Value).mul(2).backward(undefined as never);
      (x as Value).mul(2).backward(undefined as never);
      expect(seen).toEqual(['first', 'second', 'second']);
    }
  });
});
