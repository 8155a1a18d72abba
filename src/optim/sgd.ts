/** @file Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay. */

import type { Node, Raw } from '../engine/node.js';
import type { Backend } from '../ops/op.js';
import { checkRate, Optimizer, optionsOf } from './optimizer.js';

/** Options of `SGD`, as `torch.optim.SGD`: `new SGD(params, { lr: 0.1, momentum: 0.9 })`. */
export interface SGDOptions {
  readonly lr: number;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
}

/**
 * `w ← w − lr·g` with PyTorch's `torch.optim.SGD` semantics: g includes `weightDecay·w`; with
 * momentum, `buf ← momentum·buf + (1 − dampening)·g` (buf = g the first time) and g becomes buf, or
 * `g + momentum·buf` with Nesterov.
 *
 * @example
 * const opt = new SGD([W, b], { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss().backward(); opt.step();
 */
export class SGD<P extends Node> extends Optimizer<P, Raw | null> {
  private readonly lr: number;
  private readonly momentum: number;
  private readonly dampening: number;
  private readonly weightDecay: number;
  private readonly nesterov: boolean;

  constructor(params: readonly P[], options: SGDOptions) {
    super('SGD', params);
    options = optionsOf('SGD', options) as SGDOptions;
    this.lr = checkRate('SGD', 'lr', options?.lr);
    this.momentum = checkRate('SGD', 'momentum', options?.momentum ?? 0);
    this.dampening = checkRate('SGD', 'dampening', options?.dampening ?? 0);
    this.weightDecay = checkRate('SGD', 'weightDecay', options?.weightDecay ?? 0);
    this.nesterov = options?.nesterov ?? false;
    if (typeof this.nesterov !== 'boolean') throw new TypeError('SGD: nesterov must be a boolean');
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new RangeError('SGD: nesterov needs momentum > 0 and dampening 0');
    }
  }

  /** State: the momentum buffer (null without momentum). */
  protected update(B: Backend<Raw>, p: Raw, grad: Raw, buffer: Raw | null): [Raw, Raw | null] {
    let g = this.weightDecay === 0 ? grad : B.add(grad, B.mul(p, this.weightDecay));
    let buf: Raw | null = null;
    if (this.momentum !== 0) {
      buf = buffer === null ? g : B.add(B.mul(buffer, this.momentum), B.mul(g, 1 - this.dampening));
      g = this.nesterov ? B.add(g, B.mul(buf, this.momentum)) : buf;
    }
    return [B.sub(p, B.mul(g, this.lr)), buf];
  }
}
