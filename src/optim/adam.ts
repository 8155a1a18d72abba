/** @file Adam: per-weight step sizes from running averages of the gradient and its square. */

import type { Node, Raw } from '../engine/node.js';
import { show } from '../errors.js';
import type { Backend } from '../ops/op.js';
import { checkRate, Optimizer, optionsOf } from './optimizer.js';

/** Options of `Adam`, as `torch.optim.Adam`: `new Adam(params, { lr: 1e-3, betas: [0.9, 0.999] })`. */
export interface AdamOptions {
  readonly lr?: number;
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  readonly weightDecay?: number;
}

/** Adam's state for one parameter: the moment estimates and the step count. */
interface Moments {
  readonly m: Raw;
  readonly v: Raw;
  readonly t: number;
}

/**
 * PyTorch's `torch.optim.Adam`: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr·m̂/(√v̂ + ε) with
 * bias-corrected m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ); g includes `weightDecay·w`.
 *
 * @example
 * const opt = new Adam(params, { lr: 1e-3 });
 */
export class Adam<P extends Node> extends Optimizer<P, Moments> {
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;

  constructor(params: readonly P[], options: AdamOptions = {}) {
    super('Adam', params);
    options = optionsOf('Adam', options);
    this.lr = checkRate('Adam', 'lr', options.lr ?? 1e-3);
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new TypeError(
        `Adam: betas must be a pair [beta1, beta2] (got ${show(betas)}); pass e.g. { betas: [0.9, 0.999] }`,
      );
    }
    const [b1, b2] = betas;
    this.beta1 = checkRate('Adam', 'betas[0]', b1, { max: 0.999999 });
    this.beta2 = checkRate('Adam', 'betas[1]', b2, { max: 0.999999 });
    this.eps = checkRate('Adam', 'eps', options.eps ?? 1e-8);
    this.weightDecay = checkRate('Adam', 'weightDecay', options.weightDecay ?? 0);
  }

  protected update(B: Backend<Raw>, p: Raw, grad: Raw, state: Moments | null): [Raw, Moments] {
    const g = this.weightDecay === 0 ? grad : B.add(grad, B.mul(p, this.weightDecay));
    const t = (state?.t ?? 0) + 1;
    const m = B.add(B.mul(state?.m ?? B.mul(g, 0), this.beta1), B.mul(g, 1 - this.beta1));
    const v = B.add(B.mul(state?.v ?? B.mul(g, 0), this.beta2), B.mul(B.mul(g, g), 1 - this.beta2));
    const mHat = B.div(m, 1 - this.beta1 ** t);
    const vHat = B.div(v, 1 - this.beta2 ** t);
    return [B.sub(p, B.div(B.mul(mHat, this.lr), B.add(B.sqrt(vHat), this.eps))), { m, v, t }];
  }
}
