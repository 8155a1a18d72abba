/** @file A compiled step that writes into its arguments, or is given one tensor twice, acts as the eager step. */

import { describe, expect, it } from 'vitest';
import { compile, randn, type Tensor, zeros } from '../../src/index.js';
import { expectSameAsEager } from './same-as-eager.js';

describe('compile: arguments', () => {
  it('an in-place write into an argument reaches the caller’s tensor, with its version', () => {
    expectSameAsEager(() => {
      const x = randn([3]);
      return {
        step: (a: Tensor) => {
          a.copy_(a.mul(2).add(1));
          return a.sum();
        },
        args: () => [x],
        state: () => [x],
      };
    });
    const x = randn([3]);
    const f = compile((a: Tensor) => {
      a.copy_(a.mul(2));
      return a.sum();
    });
    f(x);
    f(x);
    expect(x.version).toBe(2);
  });

  it('a write into an argument through detach() or a view reaches the caller’s tensor too, its version left alone', () => {
    for (const write of [
      (a: Tensor) => a.detach().copy_(a.mul(2).add(1)),
      (a: Tensor) => a.reshape([3, 1]).copy_(a.mul(2).add(1).reshape([3, 1])),
    ]) {
      expectSameAsEager(() => {
        const x = randn([3]);
        return {
          step: (a: Tensor) => {
            write(a);
            return a.sum();
          },
          args: () => [x],
          state: () => [x],
        };
      });
      const x = randn([3]);
      const f = compile((a: Tensor) => {
        write(a);
        return a.sum();
      });
      f(x);
      f(x);
      expect(x.version).toBe(0); // as eagerly: the write went through another tensor
    }
  });

  it('an empty argument written in place has its version bumped, as eagerly (it has no memory to track)', () => {
    const f = compile((a: Tensor) => {
      a.copy_(a.mul(2));
      return a.sum();
    });
    const x = zeros([0]);
    f(x);
    f(x);
    expect(x.version).toBe(2);
  });

  it('the same tensor passed twice, written through one argument and read through the other', () => {
    expectSameAsEager(() => {
      const x = randn([2, 2]);
      const y = randn([2, 2]);
      return {
        step: (a: Tensor, b: Tensor) => {
          a.copy_(a.add(1));
          return b.mul(3).sum();
        },
        args: (i) => (i % 2 === 0 ? [x, x] : [x, y]),
        state: () => [x, y],
      };
    }, 6);
  });

  it('refuses two arguments sharing their data (a view) when the step writes one in place', () => {
    const f = compile((a: Tensor, b: Tensor) => {
      a.copy_(a.add(1));
      return b.sum();
    });
    const x = randn([2, 2]);
    f(x, randn([4]));
    expect(() => f(x, x.reshape([4]))).toThrow(/arguments 0 and 1 share their data/);
  });
});
