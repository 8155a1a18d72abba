/** @file Where the gradient of max/min goes when elements tie: torch.max(dim) along one axis, torch.amax otherwise. */

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';

const tied = () =>
  tensor(
    [
      [1, 3],
      [3, 0],
    ],
    { requiresGrad: true },
  );

describe('max and min with tied elements', () => {
  it('a list of axes shares the gradient evenly among ties, as torch.amax', () => {
    const a = tied();
    a.max([0, 1]).backward();
    expect(a.grad!.toArray()).toEqual([
      [0, 0.5],
      [0.5, 0],
    ]);
  });

  it('a list of one axis is still amax: ties in a row share', () => {
    const a = tensor(
      [
        [3, 3],
        [3, 0],
      ],
      { requiresGrad: true },
    );
    a.max([1], true).sum().backward();
    expect(a.grad!.toArray()).toEqual([
      [0.5, 0.5],
      [1, 0],
    ]);
  });

  it('a single axis sends it to the first tied element, as torch.max(dim)', () => {
    const a = tensor(
      [
        [3, 3],
        [3, 0],
      ],
      { requiresGrad: true },
    );
    a.max(1).sum().backward();
    expect(a.grad!.toArray()).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('no axis shares evenly, as torch.max()', () => {
    const a = tied();
    a.max().backward();
    expect(a.grad!.toArray()).toEqual([
      [0, 0.5],
      [0.5, 0],
    ]);
  });

  it('min follows the same rules, as torch.amin and torch.min(dim)', () => {
    const a = tensor(
      [
        [0, 2],
        [0, 0],
      ],
      { requiresGrad: true },
    );
    a.min([0, 1]).backward();
    expect(a.grad!.toArray()).toEqual([
      [1 / 3, 0],
      [1 / 3, 1 / 3],
    ]);
    const b = tensor(
      [
        [0, 2],
        [0, 0],
      ],
      { requiresGrad: true },
    );
    b.min(0).sum().backward();
    expect(b.grad!.toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('a list of axes over a 3-d tensor shares within each block it reduces', () => {
    const a = tensor(
      [
        [
          [5, 5],
          [1, 5],
        ],
        [
          [2, 0],
          [2, 2],
        ],
      ],
      { requiresGrad: true },
    );
    a.max([1, 2]).sum().backward();
    const third = 1 / 3;
    expect(a.grad!.toArray()).toEqual([
      [
        [third, third],
        [0, third],
      ],
      [
        [third, 0],
        [third, third],
      ],
    ]);
  });
});
