/** @file Adam and AdamW: per-weight step sizes from running averages of the gradient and its square. */

import type { Node, Raw } from '../engine/node.js';
import { type OptionNames, show } from '../errors.js';
import type { Backend } from '../ops/op.js';
import { checkRate, Optimizer, optionsOf, type Slots } from './optimizer.js';

/** Options of `Adam`, as `torch.optim.Adam`: `new Adam(params, { lr: 1e-3, betas: [0.9, 0.999] })`. */
export interface AdamOptions {
  readonly lr?: number;
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  readonly weightDecay?: number;
}

const ADAM_OPTIONS: OptionNames<AdamOptions> = { lr: true, betas: true, eps: true, weightDecay: true };

/** Adam's state for one parameter, under PyTorch's names: the moment estimates and the step count. */
type Moments = {
  readonly exp_avg: Raw;
  readonly exp_avg_sq: Raw;
  readonly step: number;
};

const MOMENT_SLOTS: Slots = { step: 'count', exp_avg: 'buffer', exp_avg_sq: 'buffer' };

/**
 * PyTorch's `torch.optim.Adam`: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr·m̂/(√v̂ + ε) with
 * bias-corrected m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ); g includes `weightDecay·w` (L2, coupled).
 *
 * @example
 * const opt = new Adam(params, { lr: 1e-3 });
 */
export class Adam<P extends Node> extends Optimizer<P, Moments> {
  protected readonly beta1: number;
  protected readonly beta2: number;
  protected readonly eps: number;
  protected readonly weightDecay: number;
  protected readonly slots = MOMENT_SLOTS;

  constructor(params: readonly P[], options: AdamOptions = {}, name = 'Adam', defaultDecay = 0) {
    options = optionsOf(name, options, ADAM_OPTIONS);
    super(name, params, options.lr ?? 1e-3);
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new TypeError(
        `${name}: betas must be a pair [beta1, beta2] (got ${show(betas)}); pass e.g. { betas: [0.9, 0.999] }`,
      );
    }
    const [b1, b2] = betas;
    this.beta1 = checkRate(name, 'betas[0]', b1, { max: 0.999999 });
    this.beta2 = checkRate(name, 'betas[1]', b2, { max: 0.999999 });
    this.eps = checkRate(name, 'eps', options.eps ?? 1e-8);
    this.weightDecay = checkRate(name, 'weightDecay', options.weightDecay ?? defaultDecay);
  }

  protected hyperparameters(): Record<string, number> {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weight_decay: this.weightDecay };
  }

  protected update(B: Backend<Raw>, p: Raw, grad: Raw, state: Moments | null): [Raw, Moments] {
    const g = this.weightDecay === 0 ? grad : B.add(grad, B.mul(p, this.weightDecay));
    return this.adamStep(B, p, g, state);
  }

  /** The Adam update of `p` for gradient `g` (weight decay already applied, or not at all). */
  protected adamStep(B: Backend<Raw>, p: Raw, g: Raw, state: Moments | null): [Raw, Moments] {
    const t = (state?.step ?? 0) + 1;
    const m = B.add(B.mul(state?.exp_avg ?? B.mul(g, 0), this.beta1), B.mul(g, 1 - this.beta1));
    const v = B.add(B.mul(state?.exp_avg_sq ?? B.mul(g, 0), this.beta2), B.mul(B.mul(g, g), 1 - this.beta2));
    const mHat = B.div(m, 1 - this.beta1 ** t);
    const vHat = B.div(v, 1 - this.beta2 ** t);
    return [
      B.sub(p, B.div(B.mul(mHat, this.lr), B.add(B.sqrt(vHat), this.eps))),
      { exp_avg: m, exp_avg_sq: v, step: t },
    ];
  }
}

/**
 * PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay, w ← w·(1 − lr·weightDecay) before
 * the Adam step on the plain gradient. The default weightDecay is 0.01, as PyTorch's.
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW<P extends Node> extends Adam<P> {
  constructor(params: readonly P[], options: AdamOptions = {}) {
    super(params, options, 'AdamW', 0.01);
  }

  protected override update(B: Backend<Raw>, p: Raw, grad: Raw, state: Moments | null): [Raw, Moments] {
    const decayed = this.weightDecay === 0 ? p : B.mul(p, 1 - this.lr * this.weightDecay);
    return this.adamStep(B, decayed, grad, state);
  }
}
