/** @file `grad()`: gradients as values, without touching `.grad` (PyTorch's `torch.autograd.grad`). */

import { type GradOptions as EngineGradOptions, gradOf } from '../engine/autograd.js';
import type { Node } from '../engine/node.js';
import { Value } from '../scalar/value.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of `grad()`: `grad(y, [x], { createGraph: true })` for a gradient that is a graph itself. */
export interface GradOptions<N> extends EngineGradOptions {
  /** One gradient per output; may be left out for one-element outputs (it is 1). */
  readonly gradOutputs?: readonly N[];
}

/**
 * The gradients of `outputs` with respect to `inputs`, one per input, leaving every `.grad` alone.
 * With `createGraph: true` they are graphs themselves, so derivatives of any order work.
 *
 * @example
 * const x = new Value(2);
 * const [dy] = grad(x.pow(3), [x], { createGraph: true });   // 3x² = 12
 * const [d2y] = grad(dy!, [x]);                               // 6x = 12
 */
export function grad<N extends Value | Tensor>(
  outputs: N | readonly N[],
  inputs: readonly N[],
  options: GradOptions<N> = {},
): (N | null)[] {
  const outs: readonly N[] = Array.isArray(outputs) ? outputs : [outputs as N];
  for (const x of [...outs, ...inputs]) {
    if (!(x instanceof Value || x instanceof Tensor))
      throw new TypeError('grad: outputs and inputs must be Values or Tensors');
  }
  if (options.gradOutputs && options.gradOutputs.length !== outs.length) {
    throw new TypeError(
      `grad: ${outs.length} outputs but ${options.gradOutputs.length} gradOutputs; pass one per output`,
    );
  }
  const seeds = outs.map((o, i): Node => {
    const given = options.gradOutputs?.[i];
    if (o instanceof Tensor) return o.seed(given as Tensor | undefined);
    return given ?? o.constant(1);
  });
  return gradOf(outs, inputs, seeds, options) as (N | null)[];
}
