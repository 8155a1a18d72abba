/** @file A compiled step reads the indices of each call (index, indexSelect, gather) and checks them as eager does. */

import { describe, expect, it } from 'vitest';
import { compile, randn, SGD, type Tensor, tensor, zeros } from '../../src/index.js';
import { expectSameAsEager } from './same-as-eager.js';

const rows = [[0], [2], [1], [2, 0]];

describe('compile: indices are read anew at every call', () => {
  it('index() with the index as an argument (an embedding lookup), with its gradient', () => {
    expectSameAsEager(() => {
      const E = randn([3, 2], { requiresGrad: true });
      const opt = new SGD([E], { lr: 0.1 });
      return {
        step: (i: Tensor) => {
          opt.zeroGrad();
          const loss = E.index(i).pow(2).sum();
          loss.backward();
          opt.step();
          return loss;
        },
        args: (k) => [tensor(rows[k % 3]!)],
        state: () => [E, E.grad],
      };
    });
  });

  it('indexSelect with a closed-over index changed by copy_ between calls', () => {
    expectSameAsEager(() => {
      const x = randn([2, 4]);
      const i = tensor([0, 1]);
      return {
        step: (y: Tensor) => x.indexSelect(1, i).add(y),
        args: () => [zeros([2, 2])],
        state: () => [],
        before: (k) => i.copy_(tensor([k % 4, (k + 3) % 4])),
      };
    });
  });

  it('index() and gather() with an index computed inside the step', () => {
    expectSameAsEager(() => {
      const E = tensor([[1], [10], [100]]);
      return {
        step: (x: Tensor) => [E.index(x.argmax()).sum(), E.gather(0, x.argmax().reshape([1, 1]))],
        args: (k) => [
          tensor(
            [
              [5, 0, 0],
              [0, 5, 0],
              [0, 0, 5],
            ][k % 3]!,
          ),
        ],
        state: () => [],
      };
    });
  });

  it('gather() with the index as an argument', () => {
    expectSameAsEager(() => {
      const x = randn([3, 2]);
      return {
        step: (i: Tensor) => x.gather(0, i).mul(2),
        args: (k) => [tensor([[k % 3, (k + 1) % 3]])],
        state: () => [],
      };
    });
  });
});

describe('compile: an index out of range or fractional raises at replay, as eagerly', () => {
  const cases: [string, (x: Tensor, i: Tensor) => Tensor, Tensor, Tensor, Tensor][] = [
    ['index', (x, i) => x.index(i), tensor([0]), tensor([3]), tensor([0.5])],
    ['indexSelect', (x, i) => x.indexSelect(0, i), tensor([1]), tensor([-4]), tensor([1.5])],
    ['gather', (x, i) => x.gather(0, i), tensor([[1, 0]]), tensor([[3, 0]]), tensor([[0, 0.25]])],
  ];
  for (const [name, op, ok, far, fraction] of cases) {
    it(name, () => {
      const x = randn([3, 2]);
      const f = compile((i: Tensor) => op(x, i).sum());
      f(ok);
      expect(() => op(x, far)).toThrow(RangeError);
      expect(() => f(far)).toThrow(RangeError);
      expect(() => op(x, fraction)).toThrow(/whole numbers/);
      expect(() => f(fraction)).toThrow(/whole numbers/);
      expect(f(ok).item()).toBe(op(x, ok).sum().item());
    });
  }
});
