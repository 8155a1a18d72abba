/** @file Version counters: a graph recorded before an in-place change of its data cannot be backpropagated. */

import { describe, expect, it } from 'vitest';
import {
  Adam,
  AutogradError,
  fromTypedArray,
  noGrad,
  SGD,
  type Tensor,
  tensor,
  Value,
} from '../../src/index.js';

function param(data: number[], dtype: 'float64' | 'float32' = 'float64'): Tensor {
  return tensor(data, { requiresGrad: true, dtype });
}

describe('in-place writes bump the version', () => {
  it('a Value whose data was set after recording: the rule names the op and the input', () => {
    const v = new Value(3, { label: 'v' });
    const y = v.mul(v);
    v.data = 5;
    expect(v.version).toBe(1);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(
      /mul: input 0 'v' was modified by a data setter after the graph was recorded/,
    );
    expect(v.grad).toBeNull(); // nothing half-accumulated
  });

  it('an optimizer step between two backward passes through one graph is refused, naming the step', () => {
    const w = param([1, 2]);
    const loss = w.mul(w).sum();
    loss.backward(undefined, { retainGraph: true });
    new SGD([w], { lr: 0.1 }).step();
    expect(w.version).toBe(1);
    expect(() => loss.backward()).toThrow(
      /modified by an optimizer step after the graph was recorded; record a new forward pass/,
    );
  });

  it('the training loop (record, backward, step, record) never trips the check', () => {
    const w = param([0.5, -0.5]);
    const x = tensor([1, 2]);
    const opt = new Adam([w], { lr: 0.1 });
    for (let i = 0; i < 5; i++) {
      opt.zeroGrad();
      const loss = w.mul(x).sum().pow(2);
      loss.backward();
      opt.step();
    }
    expect(w.version).toBe(5);
  });

  it('Tensor data setter and copy_ bump the version; zeroGrad does not', () => {
    const w = param([1, 2]);
    const y = w.exp().sum();
    w.zeroGrad();
    expect(w.version).toBe(0);
    w.data = tensor([3, 4]);
    expect(w.version).toBe(1);
    expect(w.toArray()).toEqual([3, 4]);
    w.copy_([[5, 6]].flat());
    expect(w.version).toBe(2);
    expect(w.toArray()).toEqual([5, 6]);
    expect(() => y.backward()).toThrow(/exp: input 0 \[2\] was modified by copy_/);
  });

  it('an op whose output was written in place cannot run its rule either', () => {
    const w = param([1, 2]);
    const e = w.exp();
    const y = e.sum();
    noGrad(() => e.copy_(tensor([0, 0])));
    expect(() => y.backward()).toThrow(/modified by copy_/);
  });

  it('a graph recorded after the write works', () => {
    const v = new Value(3);
    v.data = 4;
    const y = v.mul(v);
    y.backward();
    expect(v.grad).toBe(8);
  });
});

describe('a write through memory a saved array shares counts as a write of it (PyTorch: views and detach() share the version)', () => {
  const SHARED = /through another tensor sharing its memory \(a view, or detach\(\)\)/;

  it('an optimizer step on a parameter used through detach(): refused, not a silently stale gradient', () => {
    const W = param([1, 2]);
    const x = param([1, 1]);
    const y = x.mul(W.detach()).pow(2).sum();
    W.grad = tensor([10, 10]);
    new SGD([W], { lr: 1 }).step();
    expect(() => y.backward()).toThrow(
      /mul: input 1 \[2\] was modified by an optimizer step through another/,
    );
    expect(x.grad).toBeNull();
  });

  it('copy_ and the data setter through detach(), .data and a reshape', () => {
    const writes: [string, (x: Tensor) => void][] = [
      ['detach().copy_', (x) => x.detach().copy_(tensor([5, 5]))],
      [
        'detach().data =',
        (x) => {
          x.detach().data = [5, 5];
        },
      ],
      ['.data.copy_', (x) => x.data.copy_(tensor([5, 5]))],
      ['reshape().copy_', (x) => x.reshape([1, 2]).copy_(tensor([[5, 5]]))],
    ];
    for (const [what, write] of writes) {
      const x = param([1, 2]);
      const y = x.mul(x).sum();
      write(x);
      expect(() => y.backward(), what).toThrow(SHARED);
      expect(x.version, what).toBe(0); // the count is the tensor's own, as before
    }
  });

  it('tensors over one buffer: overlapping bytes are one memory, disjoint ones are not', () => {
    const buf = new Float64Array(4).fill(1);
    const a = fromTypedArray(buf.subarray(0, 3), [3], { requiresGrad: true });
    const overlapping = fromTypedArray(buf.subarray(2, 4), [2]);
    const y = a.mul(a).sum();
    overlapping.copy_(tensor([3, 3]));
    expect(() => y.backward()).toThrow(SHARED);

    const other = new Float64Array([1, 2, 7, 7]);
    const b = fromTypedArray(other.subarray(0, 2), [2], { requiresGrad: true });
    const disjoint = fromTypedArray(other.subarray(2, 4), [2]);
    const z = b.mul(b).sum();
    disjoint.copy_(tensor([4, 4]));
    z.backward();
    expect(b.grad?.toArray()).toEqual([2, 4]);
    expect(Array.from(other)).toEqual([1, 2, 4, 4]);
  });

  it("a tensor's own later write is reported as its own", () => {
    const x = param([1, 2]);
    const y = x.mul(x).sum();
    x.detach().copy_(tensor([5, 5]));
    x.copy_(tensor([6, 6]));
    expect(() => y.backward()).toThrow(
      /modified by copy_ after the graph was recorded; record a new forward pass after changing it \(its version is now 1\)/,
    );
  });
});

describe('optimizers update in place', () => {
  it('a fromTypedArray parameter keeps sharing the user buffer after a step', () => {
    const buf = new Float64Array([1, 2]);
    const w = fromTypedArray(buf, [2], { requiresGrad: true });
    w.mul(w).sum().backward();
    new SGD([w], { lr: 0.5 }).step();
    expect(Array.from(buf)).toEqual([0, 0]);
    expect(w.array.data).toBe(buf);
  });

  it('a float32 parameter stays float32 when its gradient is float64', () => {
    const w = param([1, 2], 'float32');
    w.grad = tensor([1, 1]);
    new SGD([w], { lr: 0.25 }).step();
    expect(w.dtype).toBe('float32');
    expect(w.toArray()).toEqual([0.75, 1.75]);
    new Adam([w]).step();
    expect(w.dtype).toBe('float32');
  });

  it('a Value parameter is updated and versioned', () => {
    const v = new Value(2);
    v.mul(v).backward();
    new SGD([v], { lr: 0.25 }).step();
    expect(v.data).toBe(1);
    expect(v.version).toBe(1);
  });
});

describe('data setter and copy_ check what they take', () => {
  it('the data setter takes a Tensor or nested arrays of the same shape and dtype', () => {
    const w = tensor([[1, 2]]);
    expect(() => {
      w.data = tensor([1, 2]);
    }).toThrow(/data: new data has shape \[2\], this tensor has \[1, 2\]/);
    expect(() => {
      w.data = tensor([[1, 2]], { dtype: 'float32' });
    }).toThrow(TypeError);
    expect(() => {
      w.data = 'abc' as never;
    }).toThrow(TypeError);
    w.data = [[7, 8]];
    expect(w.toArray()).toEqual([[7, 8]]);
  });

  it('copy_ broadcasts and converts the dtype, as PyTorch', () => {
    const w = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
    w.copy_(tensor([9, 8]));
    expect(w.toArray()).toEqual([
      [9, 8],
      [9, 8],
    ]);
    expect(w.dtype).toBe('float32');
    expect(() => w.copy_(tensor([1, 2, 3]))).toThrow(/copy_/);
  });
});
