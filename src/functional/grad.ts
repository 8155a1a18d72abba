/** @file `grad()`: gradients as values, without touching `.grad` (PyTorch's `torch.autograd.grad`). */

import { type GradOptions as EngineGradOptions, gradOf } from '../engine/autograd.js';
import type { Node } from '../engine/node.js';
import { checkFinite, describeValue, type OptionSpecs, readOptions } from '../errors.js';
import type { Nested } from '../kernels/nested.js';
import { Value } from '../scalar/value.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of `grad()`: `grad(y, [x], { createGraph: true })` for a gradient that is a graph itself. */
export interface GradOptions<N> extends EngineGradOptions {
  /**
   * One gradient per output (a node of its shape, a number for a Value or a one-element tensor, or
   * nested arrays); may be left out for one-element outputs (it is 1).
   */
  readonly gradOutputs?: readonly (N | number | Nested)[];
}

const GRAD_OPTIONS: OptionSpecs<GradOptions<unknown>> = {
  createGraph: 'boolean',
  allowUnused: 'boolean',
  gradOutputs: (v) => (Array.isArray(v) ? null : 'must be an array, one gradient per output'),
};

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
  inputs: N | readonly N[],
  options: GradOptions<N> = {},
): (N | null)[] {
  const outs: readonly N[] = Array.isArray(outputs) ? outputs : [outputs as N];
  // NOTE: one input may be passed alone, as torch.autograd.grad accepts a tensor for a sequence.
  const ins: readonly N[] = Array.isArray(inputs) ? inputs : [inputs as N];
  for (const x of [...outs, ...ins]) {
    if (!(x instanceof Value || x instanceof Tensor))
      throw new TypeError(
        `grad: outputs and inputs must be Values or Tensors (got ${describeValue(x)}); pass grad(y, [x])`,
      );
  }
  const o = readOptions('grad', options, GRAD_OPTIONS);
  const gradOutputs = o.gradOutputs as GradOptions<N>['gradOutputs'];
  if (gradOutputs && gradOutputs.length !== outs.length) {
    throw new TypeError(
      `grad: ${outs.length} outputs but ${gradOutputs.length} gradOutputs; pass one per output`,
    );
  }
  const seeds = outs.map((out, i): Node => {
    const given = gradOutputs?.[i];
    if (out instanceof Tensor) {
      return out.seed(given as Tensor | Nested | undefined, {
        op: 'grad',
        gradient: `gradOutputs[${i}]`,
        output: outs.length > 1 ? ` (output ${i})` : '',
        pass: `a gradient of its shape: ${gradOutputsExample(outs.length)}`,
      });
    }
    if (given === undefined) return out.constant(1);
    if (given instanceof Value) return given;
    return out.constant(checkFinite('grad', given, `gradOutputs[${i}]`));
  });
  const engineOptions = {
    createGraph: o.createGraph as boolean | undefined,
    allowUnused: o.allowUnused as boolean | undefined,
  };
  return gradOf(outs, ins, seeds, engineOptions) as (N | null)[];
}

/** `grad(y, [x], { gradOutputs: [g] })`, or with one `gK` per output when there are several. */
function gradOutputsExample(n: number): string {
  if (n === 1) return 'grad(y, [x], { gradOutputs: [g] })';
  const gs = Array.from({ length: n }, (_, k) => `g${k}`).join(', ');
  return `grad([${Array.from({ length: n }, (_, k) => `y${k}`).join(', ')}], [x], { gradOutputs: [${gs}] })`;
}
