/** @file Misuse of compile: each a clear error naming compile and the fix, raised before a wrong number can appear. */

import { describe, expect, it } from 'vitest';
import {
  compile,
  fromTypedArray,
  manualSeed,
  randn,
  SGD,
  type Tensor,
  tensor,
  Value,
  zeros,
} from '../../src/index.js';

const step = (x: Tensor) => x.mul(2).sum();

describe('compile(step)', () => {
  it('needs a function', () => {
    expect(() => compile(42 as never)).toThrow(
      /^compile: expected the step as a function \(got number 42\); pass e\.g\. compile/,
    );
  });

  it('refuses async functions, and steps that return a promise', () => {
    expect(() => compile((async () => zeros([1])) as never)).toThrow(/compile: the step is async/);
    const promised = compile((() => Promise.resolve(zeros([1]))) as never);
    expect(() => (promised as () => unknown)()).toThrow(
      /compile: the step is async \(or returned a promise\)/,
    );
  });

  it('checks its options', () => {
    expect(() => compile(step, { errorOnRecompile: 'yes' } as never)).toThrow(
      /compile: option errorOnRecompile must be a boolean/,
    );
    expect(() => compile(step, { cacheSizeLimit: 0 })).toThrow(
      /compile: option cacheSizeLimit must be a whole number >= 1/,
    );
  });

  it('needs a step that returns tensors', () => {
    for (const bad of [undefined, 3, [], [zeros([1]), 2], new Value(1)]) {
      const f = compile((() => bad) as never);
      expect(() => (f as () => unknown)()).toThrow(
        /compile: the step returned .*, not a tensor; return the loss/,
      );
    }
  });

  it('takes tensors that need no gradient as arguments', () => {
    const f = compile(step);
    expect(() => f(3 as never)).toThrow(/compile: argument 0 is number 3, not a Tensor/);
    expect(() => f(zeros([2], { requiresGrad: true }))).toThrow(
      /compile: argument 0 requires a gradient; .* close over the parameters/,
    );
  });

  it('is called with the same number of arguments every time', () => {
    const f = compile((...xs: Tensor[]) => xs[0]!.sum());
    f(zeros([2]));
    expect(() => f(zeros([2]), zeros([2]))).toThrow(
      /compile: the step was captured with 1 argument, now called with 2; call it with the same arguments every time/,
    );
  });

  it('does not nest, nor call itself', () => {
    const inner = compile(step);
    const outer = compile((x: Tensor) => inner(x).add(1));
    expect(() => outer(zeros([2]))).toThrow(
      /compile: a compiled step was called while another \(or itself\) is running/,
    );
    const self: { f?: (x: Tensor) => Tensor } = {};
    self.f = compile((x: Tensor) => self.f!(x));
    expect(() => self.f!(zeros([1]))).toThrow(/compiled steps do not nest/);
    expect(inner(tensor([1, 2])).item()).toBe(6); // a failed call leaves nothing running
  });

  it('refuses a step that reads an array made outside the kernels while capturing', () => {
    const f = compile((x: Tensor) => x.add(fromTypedArray(new Float64Array([1, 2]), [2])).sum());
    expect(() => f(zeros([2]))).toThrow(
      /compile: add reads an array \(\[2\] float64\) that was made outside chainrule’s kernels during the capture .*; compute it with tensor ops inside the step, pass it as an argument, or create it before compiling/,
    );
  });

  it('refuses backward over Values', () => {
    const f = compile((x: Tensor) => {
      new Value(2).mul(3).backward();
      return x.sum();
    });
    expect(() => f(zeros([1]))).toThrow(
      /compile: the step ran backward\(\) over Values; compile records tensor kernels only/,
    );
  });

  it('refuses a step whose gradients would accumulate across calls, before changing anything', () => {
    manualSeed(1);
    const w = randn([3], { requiresGrad: true, label: 'w' });
    const opt = new SGD([w], { lr: 0.1 });
    const f = compile((x: Tensor) => {
      const loss = x.mul(w).sum();
      loss.backward();
      opt.step();
      return loss;
    });
    f(tensor([1, 2, 3]));
    const before = w.toArray();
    expect(() => f(tensor([1, 2, 3]))).toThrow(
      /compile: the parameter 'w' has a gradient when the compiled step starts, .*call optimizer\.zeroGrad\(\) \(or p\.zeroGrad\(\)\) inside the step/,
    );
    expect(w.toArray()).toEqual(before);
    opt.zeroGrad(); // zeroing outside the step is as good
    expect(() => f(tensor([1, 2, 3]))).not.toThrow();
  });
});

describe('what a capture fixes (as tf.function and jax.jit)', () => {
  it('tensors made from plain numbers inside the step are constants of the capture', () => {
    let offset = 1;
    const f = compile((x: Tensor) => x.add(tensor([offset, offset])).sum());
    expect(f(zeros([2])).item()).toBe(2);
    offset = 5;
    expect(f(zeros([2])).item()).toBe(2); // the JavaScript that read `offset` does not run again
    expect(f.eager(zeros([2])).item()).toBe(10);
  });
});
