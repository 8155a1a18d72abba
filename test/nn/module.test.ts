/** @file Module registration: parameters and sub-modules found from properties, named as PyTorch names them. */

import { describe, expect, it } from 'vitest';
import { Linear, Module, Sequential, type Tensor, tensor } from '../../src/index.js';

class Block extends Module {
  hidden = new Linear(2, 3);
  scale = tensor([1, 2, 3], { requiresGrad: true });
  frozen = tensor([4, 5, 6]); // no gradient: not a parameter
  forward(x: Tensor): Tensor {
    return this.hidden.forward(x).mul(this.scale).add(this.frozen);
  }
}

class Net extends Module {
  block = new Block();
  heads = [new Linear(3, 1), new Linear(3, 1, { bias: false })];
  note = 'not a module';
  forward(x: Tensor): Tensor {
    const h = this.block.forward(x);
    return this.heads[0]!.forward(h).add(this.heads[1]!.forward(h));
  }
}

describe('Module registration', () => {
  // Fixed, kept as a regression test: a subclass without forward (from JavaScript, or misspelt) failed
  // with the raw "this.forward is not a function"
  it('a subclass without forward is named, with the fix, by forward and by call', () => {
    abstract class Untrained extends Module {
      w = tensor([1], { requiresGrad: true });
    }
    const m = new (Untrained as unknown as new () => Module)();
    const message =
      'Untrained.forward: Untrained extends Module but defines no forward method; define forward(x) { … } in class Untrained, returning the output for input x';
    expect(() => m.forward(tensor([1]))).toThrow(message);
    expect(() => m.call(tensor([1]))).toThrow(message);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['w']);
  });

  it('names parameters by dotted path, module by module, as named_parameters does', () => {
    // PyTorch's order: each module's own parameters, then its sub-modules' (block.scale first)
    expect(new Net().namedParameters().map(([n]) => n)).toEqual([
      'block.scale',
      'block.hidden.weight',
      'block.hidden.bias',
      'heads.0.weight',
      'heads.0.bias',
      'heads.1.weight',
    ]);
  });

  it('lists modules depth first with the root as the empty name, as named_modules does', () => {
    const net = new Net();
    expect(net.namedModules().map(([n, m]) => [n, m.constructor.name])).toEqual([
      ['', 'Net'],
      ['block', 'Block'],
      ['block.hidden', 'Linear'],
      ['heads.0', 'Linear'],
      ['heads.1', 'Linear'],
    ]);
    expect(net.namedModules()[2]![1]).toBe(net.block.hidden);
  });

  it('Sequential names its layers by position, skipping plain functions', () => {
    const seq = new Sequential(new Linear(2, 4), (x: Tensor) => x.relu(), new Linear(4, 1));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('a tensor or module reachable twice is registered once, under its first name', () => {
    class Tied extends Module {
      a = new Linear(2, 2);
      b = this.a;
      forward(x: Tensor): Tensor {
        return this.b.forward(this.a.forward(x));
      }
    }
    const m = new Tied();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['a.weight', 'a.bias']);
    expect(m.parameters()).toHaveLength(2);
  });

  it('a module that refers back to its parent does not loop', () => {
    class Child extends Module {
      parent: Module | null = null;
      w = tensor([1], { requiresGrad: true });
      forward(x: Tensor): Tensor {
        return x.mul(this.w);
      }
    }
    class Parent extends Module {
      child = new Child();
      forward(x: Tensor): Tensor {
        return this.child.forward(x);
      }
    }
    const p = new Parent();
    p.child.parent = p;
    expect(p.namedParameters().map(([n]) => n)).toEqual(['child.w']);
  });

  it('a tensor computed from others (a kept activation) is an attribute, not a parameter, as in PyTorch', () => {
    class Keeps extends Module {
      l = new Linear(2, 1);
      last: Tensor | null = null;
      forward(x: Tensor): Tensor {
        this.last = this.l.forward(x);
        return this.last;
      }
    }
    const m = new Keeps();
    m.forward(tensor([[1, 2]]));
    expect(m.namedParameters().map(([n]) => n)).toEqual(['l.weight', 'l.bias']);
    expect(() => m.zeroGrad()).not.toThrow();
  });

  it('trains every registered parameter: each gets a gradient', () => {
    const net = new Net();
    net
      .forward(tensor([[1, 2]]))
      .sum()
      .backward();
    for (const [name, p] of net.namedParameters()) expect(p.grad, name).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });
});
