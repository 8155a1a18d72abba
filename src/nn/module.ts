/** @file Module: something with parameters and a forward pass, registered as `torch.nn.Module` does. */

import { Tensor } from '../tensor/tensor.js';

/**
 * A model part with trainable parameters. As in PyTorch, a subclass needs no bookkeeping: its own
 * enumerable properties are registered in declaration order. A leaf `Tensor` that requires a gradient
 * is a parameter (one computed from others, such as a kept activation, is not), a `Module` is a sub-module, and an array of them registers each element under
 * `name.index`. Names are dotted paths (`hidden.weight`, `layers.0.bias`), as in PyTorch.
 *
 * @example
 * class Affine extends Module {
 *   w = randn([3], { requiresGrad: true });
 *   forward(x: Tensor) { return x.mul(this.w); }
 * }
 * new Affine().namedParameters();   // [['w', Tensor]]
 */
export abstract class Module {
  /** The output for input `x`. */
  abstract forward(x: Tensor): Tensor;

  /**
   * This module's own parameters with their names, not its children's. By default, every own
   * enumerable property that is a leaf tensor requiring a gradient (or an array of them); override to
   * register differently.
   */
  protected namedOwnParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [key, v] of Object.entries(this)) {
      if (isParameter(v)) out.push([key, v]);
      else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          if (isParameter(item)) out.push([`${key}.${i}`, item]);
        });
      }
    }
    return out;
  }

  /**
   * This module's direct sub-modules with their names. By default, every own enumerable property
   * that is a `Module` (or an array of them); override to name them differently (`Sequential` names
   * its layers `0`, `1`, … as PyTorch does).
   */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([key, v]);
      else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          if (item instanceof Module) out.push([`${key}.${i}`, item]);
        });
      }
    }
    return out;
  }

  /**
   * This module (named `''`) and every sub-module below it, depth first in registration order, each
   * once (a module reachable twice keeps its first name), as `torch.nn.Module.named_modules`.
   */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const stack: [string, Module][] = [['', this]];
    while (stack.length > 0) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
      const children = m.namedChildren();
      for (let i = children.length - 1; i >= 0; i--) {
        const [child, c] = children[i]!;
        stack.push([name === '' ? child : `${name}.${child}`, c]);
      }
    }
    return out;
  }

  /**
   * Every parameter of this module and its sub-modules with its dotted name, each tensor once (a
   * shared tensor keeps its first name), as `torch.nn.Module.named_parameters`.
   */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.namedOwnParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix === '' ? name : `${prefix}.${name}`, p]);
      }
    }
    return out;
  }

  /** Every trainable tensor of this module and its sub-modules, each once, for an optimizer. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Forgets every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Calls `forward`: `model.call(x)` reads like PyTorch's `model(x)`. */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }
}

/**
 * A parameter: a leaf tensor that requires a gradient. A tensor computed from others (an activation
 * kept for later) is an attribute, not a parameter, as in PyTorch: an optimizer could not update it.
 */
function isParameter(v: unknown): v is Tensor {
  return v instanceof Tensor && v.requiresGrad && v.isLeaf;
}
