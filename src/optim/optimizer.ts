/** @file What every optimizer shares: its parameters, zeroGrad, and an all-or-nothing step. */

import { Node, type Raw } from '../engine/node.js';
import type { Backend } from '../ops/op.js';

/** An optimizer's options object: undefined (defaults) or an object; anything else is a TypeError. */
export function optionsOf<O extends object>(op: string, options: O | undefined): Partial<O> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(
      `${op}: options must be an object (got ${options === null ? 'null' : typeof options}); pass e.g. { lr: 0.01 }`,
    );
  }
  return options;
}

export function checkRate(
  op: string,
  name: string,
  v: unknown,
  { min = 0, max = Number.POSITIVE_INFINITY } = {},
): number {
  if (typeof v !== 'number') {
    throw new TypeError(`${op}: ${name} must be a number (got ${v === null ? 'null' : typeof v})`);
  }
  if (!(v >= min && v <= max)) {
    throw new RangeError(`${op}: ${name} must be a number in [${min}, ${max}] (got ${String(v)})`);
  }
  return v;
}

/**
 * The base of SGD and Adam. `step()` computes every parameter's new data first and assigns them
 * only when all are computed, so an error leaves the model as it was, never half-updated.
 * Parameters whose gradient is null (no pass reached them) are skipped, as in PyTorch.
 */
export abstract class Optimizer<P extends Node, S> {
  readonly params: readonly P[];
  /** Per-parameter state (momentum buffers, moment estimates); null before the first step. */
  private readonly states: (S | null)[];

  constructor(op: string, params: readonly P[]) {
    if (!Array.isArray(params) || params.length === 0) {
      throw new TypeError(`${op}: expected a non-empty array of parameters (Values or Tensors)`);
    }
    params.forEach((p, i) => {
      if (!(p instanceof Node)) {
        throw new TypeError(
          `${op}: parameter ${i} is not a Value or a Tensor (got ${p === null ? 'null' : typeof p}); pass model.parameters() or tensors made with requiresGrad: true`,
        );
      }
      if (!p.requiresGrad) {
        throw new TypeError(
          `${op}: parameter ${i} does not require a gradient; create it with requiresGrad: true`,
        );
      }
      if (!p.isLeaf)
        throw new TypeError(
          `${op}: parameter ${i} is not a leaf (it was computed by an op); detach() it first`,
        );
    });
    this.params = [...params];
    this.states = params.map(() => null);
  }

  /** The new data and state of a parameter `p` with gradient `g`, computed on raw data with `B`. */
  protected abstract update(B: Backend<Raw>, p: Raw, g: Raw, state: S | null): [Raw, S];

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    const next = this.params.map((p, i) => {
      const g = p.gradRaw;
      return g === null ? null : this.update(p.rawBackend, p.raw, g, this.states[i] ?? null);
    });
    // NOTE: written into each parameter in place (a fromTypedArray parameter keeps sharing the
    // user's buffer, a float32 one stays float32) and its version bumped, as PyTorch's optimizers do.
    next.forEach((update, i) => {
      if (update === null) return;
      this.params[i]!.assignInPlace(update[0], 'an optimizer step');
      this.states[i] = update[1];
    });
  }

  /** Forgets every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }
}
