/** @file Module: something with parameters and a forward pass, as `torch.nn.Module`. */

import type { Tensor } from '../tensor/tensor.js';

/**
 * A model part with trainable parameters. Subclasses list their own parameters and sub-modules;
 * `parameters()` gathers them all (each once), for an optimizer.
 *
 * @example
 * class Affine extends Module {
 *   w = randn([3], { requiresGrad: true });
 *   forward(x: Tensor) { return x.mul(this.w); }
 *   protected own() { return [this.w]; }
 * }
 */
export abstract class Module {
  /** The output for input `x`. */
  abstract forward(x: Tensor): Tensor;

  /** This module's own parameters (not its children's). */
  protected own(): readonly Tensor[] {
    return [];
  }

  /** Sub-modules, whose parameters count as this module's too. */
  protected children(): readonly Module[] {
    return [];
  }

  /** Every trainable tensor of this module and its sub-modules, each once, in a fixed order. */
  parameters(): Tensor[] {
    const seen = new Set<Tensor>();
    const stack: Module[] = [this];
    while (stack.length > 0) {
      const m = stack.pop()!;
      for (const p of m.own()) seen.add(p);
      stack.push(...[...m.children()].reverse());
    }
    return [...seen];
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
