/** @file Issue 8's bad inputs that surfaced raw JavaScript errors: each is a named, explained error now. */

import { describe, expect, it } from 'vitest';
import {
  Adam,
  arange,
  eye,
  grad,
  gradcheck,
  linspace,
  SGD,
  ShapeError,
  Tensor,
  tensor,
  toDot,
  Value,
  zeros,
} from '../../src/index.js';

const a = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('a named error for every bad input', () => {
  it('reshape takes a number as PyTorch; a string is a TypeError naming reshape', () => {
    expect(a().reshape(6).shape).toEqual([6]);
    expect(a().view(-1).shape).toEqual([6]);
    expect(() => a().reshape('6' as never)).toThrow(TypeError);
    expect(() => a().reshape('6' as never)).toThrow(
      /^reshape: shape must be a number or an array of integers/,
    );
    expect(() => a().expand({} as never)).toThrow(/^expand: /);
  });

  // Fixed, kept as a regression test: reshape(3, 2) read as reshape(3) ("cannot reshape [2, 3] into [3]",
  // the 2 dropped); torch takes the sizes one by one as well as in an array.
  it('reshape, view and expand take the sizes one by one as torch does, or in an array', () => {
    expect(a().reshape(3, 2).shape).toEqual([3, 2]);
    expect(a().reshape(3, 2).toArray()).toEqual(a().reshape([3, 2]).toArray());
    expect(a().view(-1, 2).shape).toEqual([3, 2]);
    expect(a().view(6).shape).toEqual([6]);
    expect(tensor([[1], [2]]).expand(2, 3).shape).toEqual([2, 3]);
    expect(() => a().reshape(4, 2)).toThrow(
      /^reshape: cannot reshape \[2, 3\] \(6 elements\) into \[4, 2\] /,
    );
    expect(() => (a().reshape as (...xs: unknown[]) => Tensor)([3], 2)).toThrow(
      'reshape: shape must be a number or an array of integers, or integers one by one (got 2 arguments, [[3],2]); pass e.g. reshape([2, 3]) or reshape(2, 3)',
    );
    expect(() => (a().view as () => Tensor)()).toThrow(
      /^view: shape must be .* \(got no arguments\); pass e\.g\. view\(\[2, 3\]\) or view\(2, 3\)$/,
    );
  });

  // Fixed, kept as a regression test: transpose() read its missing dims as axes: "axis undefined (a undefined)"
  it('transpose without its two dims says that it needs both, and names .T', () => {
    expect(() => (a().transpose as () => Tensor)()).toThrow(
      "transpose: needs the two dims to swap (got transpose() on shape [2, 3]); pass e.g. x.transpose(0, 1), or use x.T to reverse every axis (a matrix's transpose)",
    );
    expect(() => (a().transpose as (d: number) => Tensor)(1)).toThrow(
      /^transpose: .*\(got transpose\(1\) on shape \[2, 3\]\)/,
    );
    expect(a().transpose(0, 1).shape).toEqual([3, 2]);
  });

  it('sum and friends reject a string or null axis with a TypeError naming the op', () => {
    expect(() => a().sum('0' as never)).toThrow(/^sum: axis must be a number/);
    expect(() => a().sum(null as never)).toThrow(TypeError);
    expect(() => a().mean(null as never)).toThrow(/^mean: /);
    expect(() => a().max([0, '1'] as never)).toThrow(/^max: axis "1"/);
  });

  it('grad takes a single input as PyTorch does', () => {
    const x = new Value(3);
    expect(grad(x.mul(x), x as never)[0]!.data).toBe(6);
    expect(() => grad(x.mul(x), [3] as never)).toThrow(/^grad: outputs and inputs must be Values or Tensors/);
  });

  it('new Tensor refuses what it cannot wrap; .grad takes only a Tensor; Value labels are strings', () => {
    expect(() => new Tensor([1, 2, 3] as never)).toThrow(
      /^Tensor: the constructor wraps an NDArray.*tensor\(/,
    );
    const x = tensor([1, 2]);
    expect(() => {
      x.grad = [1, 2] as never;
    }).toThrow(/^grad: a tensor's gradient must be a Tensor or null/);
    expect(() => new Value(1, { label: 5 as never })).toThrow(/^Value: option label must be a string/);
  });

  it('toDot, Adam, gradcheck and SGD check their arguments', () => {
    expect(() => toDot(undefined as never)).toThrow(/^toDot: expected a Value or a Tensor/);
    expect(() => toDot(3 as never)).toThrow(TypeError);
    const w = tensor([1], { requiresGrad: true });
    expect(() => new Adam([w], { betas: 0.9 as never })).toThrow(/^Adam: betas must be a pair/);
    expect(() => gradcheck(null as never, [new Value(1)])).toThrow(/^gradcheck: f must be a function/);
    expect(() => gradcheck((() => 3) as never, [new Value(1)])).toThrow(
      /^gradcheck: f must return a Value or a Tensor/,
    );
    expect(() => new SGD([{ requiresGrad: true, isLeaf: true }] as never, { lr: 0.1 })).toThrow(
      /^SGD: parameter 0 is not a Value or a Tensor/,
    );
    expect(() => new SGD([w], undefined as never)).toThrow(/^SGD: lr must be a number/);
  });

  it('huge allocations name the op and the bytes asked', () => {
    expect(() => arange(0, 1e10)).toThrow(
      /^arange: cannot allocate 10000000000 float64 elements \(80000000000 bytes/,
    );
    expect(() => linspace(0, 1, 1e10)).toThrow(/^linspace: cannot allocate .*80000000000 bytes/);
    expect(() => eye(1e5)).toThrow(/^eye: cannot allocate .*80000000000 bytes/);
    expect(() => zeros([60000, 60000])).toThrow(
      /^zeros: cannot allocate 3600000000 float64 elements \(28800000000 bytes/,
    );
    expect(() => zeros([60000, 60000])).toThrow(RangeError);
  });

  it("shape errors name the operands' labels", () => {
    const W = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { label: 'myWeights' },
    );
    const x = tensor([1, 2, 3, 4], { label: 'x' });
    expect(() => W.add(x)).toThrow(ShapeError);
    expect(() => W.add(x)).toThrow(/^add: cannot broadcast myWeights \[2, 3\] with x \[4\]/);
    expect(() => W.sub(x)).toThrow(/^sub: cannot broadcast myWeights \[2, 3\] with x \[4\]/);
    expect(() => W.matmul(x)).toThrow(/^matmul: inner dimensions differ: myWeights \[2, 3\] @ x \[4\]/);
    expect(() => W.mul(tensor([1, 2]))).toThrow(/^mul: cannot broadcast myWeights \[2, 3\] with \[2\]/);
  });
});

describe('optimizer options of the wrong type', () => {
  it('are TypeErrors; numbers out of range stay RangeErrors', () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => new SGD([w], { lr: '0.1' as never })).toThrow(TypeError);
    expect(() => new SGD([w], { lr: 0.1, nesterov: 'yes' as never })).toThrow(
      /^SGD: nesterov must be a boolean/,
    );
    expect(() => new Adam([w], { eps: '1e-8' as never })).toThrow(TypeError);
    expect(() => new SGD([w], { lr: -1 })).toThrow(RangeError);
    expect(() => new SGD([w], null as never)).toThrow(/^SGD: options must be a plain object/);
  });
});
