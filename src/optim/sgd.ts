/** @file Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay. */

import type { Node, Raw } from '../engine/node.js';
import type { OptionNames } from '../errors.js';
import { subScaledInPlace } from '../kernels/in-place.js';
import type { NDArray } from '../kernels/ndarray.js';
import type { Backend } from '../ops/op.js';
import { checkRate, Optimizer, optionsOf, type Slots } from './optimizer.js';

/** Options of `SGD`, as `torch.optim.SGD`: `new SGD(params, { lr: 0.1, momentum: 0.9 })`. */
export interface SGDOptions {
  readonly lr: number;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
}

const SGD_OPTIONS: OptionNames<SGDOptions> = {
  lr: true,
  momentum: true,
  dampening: true,
  weightDecay: true,
  nesterov: true,
};

/** SGD's state for one parameter: the momentum buffer (empty without momentum). */
type MomentumState = { readonly momentum_buffer?: Raw };

/**
 * `w ← w − lr·g` with PyTorch's `torch.optim.SGD` semantics: g includes `weightDecay·w`; with
 * momentum, `buf ← momentum·buf + (1 − dampening)·g` (buf = g the first time) and g becomes buf, or
 * `g + momentum·buf` with Nesterov.
 *
 * @example
 * const opt = new SGD([W, b], { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss().backward(); opt.step();
 */
export class SGD<P extends Node> extends Optimizer<P, MomentumState> {
  private readonly momentum: number;
  private readonly dampening: number;
  private readonly weightDecay: number;
  private readonly nesterov: boolean;
  protected readonly slots: Slots;

  constructor(params: readonly P[], options: SGDOptions) {
    options = optionsOf('SGD', options, SGD_OPTIONS) as SGDOptions;
    super('SGD', params, options?.lr);
    this.momentum = checkRate('SGD', 'momentum', options.momentum ?? 0);
    this.dampening = checkRate('SGD', 'dampening', options.dampening ?? 0);
    this.weightDecay = checkRate('SGD', 'weightDecay', options.weightDecay ?? 0);
    this.nesterov = options.nesterov ?? false;
    if (typeof this.nesterov !== 'boolean') throw new TypeError('SGD: nesterov must be a boolean');
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new RangeError('SGD: nesterov needs momentum > 0 and dampening 0');
    }
    this.slots = this.momentum === 0 ? {} : { momentum_buffer: 'buffer' };
    this.repeated = this.params.map((p, i) => this.params.indexOf(p) !== i);
  }

  /** Whether each parameter is listed earlier too: the general path updates it once (both from the old value). */
  private readonly repeated: readonly boolean[];

  /**
   * Plain SGD on tensors updates each parameter in place (p − g·lr, rounded as the two kernels round),
   * allocating nothing: what a compiled step's replay runs every call. Anything else takes the general path.
   */
  protected override applyStep(): void {
    if (this.momentum !== 0 || this.weightDecay !== 0 || !this.params.every(plainTensorStep)) {
      super.applyStep();
      return;
    }
    checkRate(this.name, 'lr', this.lr);
    this.params.forEach((p, i) => {
      const g = p.gradRaw as NDArray | null;
      if (g === null) return;
      if (!this.repeated[i]) subScaledInPlace(p.raw as NDArray, g, this.lr);
      p.markWritten('an optimizer step');
    });
  }

  protected hyperparameters(): Record<string, number> {
    const { momentum, dampening, weightDecay, nesterov } = this;
    return { momentum, dampening, weight_decay: weightDecay, nesterov: nesterov ? 1 : 0 };
  }

  protected update(B: Backend<Raw>, p: Raw, grad: Raw, state: MomentumState | null): [Raw, MomentumState] {
    let g = this.weightDecay === 0 ? grad : B.add(grad, B.mul(p, this.weightDecay));
    if (this.momentum === 0) return [B.sub(p, B.mul(g, this.lr)), {}];
    const previous = state?.momentum_buffer;
    // NOTE: the first buffer is a copy of g (PyTorch's clone()), never g's own array: that belongs to the
    // gradient, which a compiled step's replay rewrites in place. g·1 is g, bit for bit.
    const buf =
      previous === undefined
        ? B.mul(g, 1)
        : B.add(B.mul(previous, this.momentum), B.mul(g, 1 - this.dampening));
    g = this.nesterov ? B.add(g, B.mul(buf, this.momentum)) : buf;
    return [B.sub(p, B.mul(g, this.lr)), { momentum_buffer: buf }];
  }
}

/** A tensor parameter whose gradient (if any) has its shape and dtype, so `p − g·lr` can run in place. */
function plainTensorStep(p: Node): boolean {
  const raw = p.raw;
  const g = p.gradRaw;
  if (typeof raw === 'number' || typeof g === 'number') return false;
  return g === null || (g.dtype === raw.dtype && g.size === raw.size);
}
