/** @file A parameter listed twice is updated once by every SGD path, as the general path does. */

import { describe, expect, it } from 'vitest';
import { SGD, tensor } from '../../src/index.js';

/** W after one step of SGD([W, W]) from W = [1, 2] with gradient [1, 1]. */
function stepTwiceListed(options: ConstructorParameters<typeof SGD>[1]) {
  const W = tensor([1, 2], { requiresGrad: true });
  const opt = new SGD([W, W], options);
  W.sum().backward();
  opt.step();
  return { values: W.toArray(), version: W.version };
}

describe('SGD: a parameter listed twice', () => {
  it('plain SGD (the in-place path) subtracts lr·g once, as the general path does', () => {
    const plain = stepTwiceListed({ lr: 0.1 });
    const general = stepTwiceListed({ lr: 0.1, momentum: 0.5 }); // first step: the buffer is g
    expect(plain.values).toEqual([0.9, 1.9]);
    expect(plain.values).toEqual(general.values);
    expect(plain.version).toBe(general.version);
  });
});
