/** @file Learning-rate schedulers: StepLR and CosineAnnealingLR, stepped once per epoch as in PyTorch. */

import { checkOptions, type OptionNames } from '../errors.js';
import { NDArray } from '../kernels/ndarray.js';
import { activeRecorder } from '../ops/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkRate } from './optimizer.js';

/**
 * The base of the schedulers: each `step()` after an epoch moves to the next one and sets
 * `optimizer.lr` from the rate it has now, as PyTorch's schedulers do (their chainable form, not the
 * closed one): a rate changed by hand between steps carries on from where it was set.
 *
 * @example
 * const schedule: LRScheduler = new StepLR(opt, { stepSize: 10 });
 * schedule.step();
 */
export abstract class LRScheduler {
  /** The learning rate the optimizer had when the scheduler was made. */
  readonly baseLr: number;
  /** Epochs stepped so far (0 after construction, as PyTorch's `last_epoch`). */
  lastEpoch = 0;

  constructor(
    readonly optimizer: { lr: number },
    readonly name: string,
  ) {
    if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.lr !== 'number') {
      throw new TypeError(`${name}: expected an optimizer (SGD, Adam, AdamW)`);
    }
    this.baseLr = optimizer.lr;
  }

  /** The learning rate for `epoch` (≥ 1), from `lr`, the rate of the epoch before (PyTorch's `get_lr`). */
  protected abstract nextLr(lr: number, epoch: number): number;

  /** Moves to the next epoch and sets the optimizer's learning rate for it (again at every replay of a compiled step). */
  step(): void {
    const advance = () => {
      this.lastEpoch += 1;
      this.optimizer.lr = this.nextLr(this.optimizer.lr, this.lastEpoch);
    };
    const recorder = activeRecorder();
    if (recorder === null) advance();
    else recorder.host(`${this.name}.step()`, advance);
  }

  /** The learning rate set by the latest step, as PyTorch's `get_last_lr()` (one group). */
  getLastLr(): number {
    return this.optimizer.lr;
  }

  /** `last_epoch` and `base_lr` as tensors, to save beside the model and the optimizer. */
  stateDict(): Record<string, Tensor> {
    const scalar = (v: number) => new Tensor(new NDArray(Float64Array.of(v), []));
    return { last_epoch: scalar(this.lastEpoch), base_lr: scalar(this.baseLr) };
  }

  /** Resumes at the saved epoch (the optimizer's lr comes from its own state dict). */
  loadStateDict(dict: Readonly<Record<string, Tensor>>): void {
    const epoch = dict?.last_epoch;
    const base = dict?.base_lr;
    if (!(epoch instanceof Tensor) || !Number.isInteger(epoch.item()) || epoch.item() < 0) {
      throw new TypeError(`${this.name}.loadStateDict: 'last_epoch' must be a whole number ≥ 0`);
    }
    if (!(base instanceof Tensor) || base.item() !== this.baseLr) {
      throw new RangeError(
        `${this.name}.loadStateDict: the state has another base_lr; build the optimizer with the same lr`,
      );
    }
    this.lastEpoch = epoch.item();
  }
}

/** Options of `StepLR`, as `torch.optim.lr_scheduler.StepLR`: `new StepLR(opt, { stepSize: 30, gamma: 0.1 })`. */
export interface StepLROptions {
  /** Epochs between two cuts of the rate. */
  readonly stepSize: number;
  /** What each cut multiplies the rate by (default 0.1). */
  readonly gamma?: number;
}

const STEP_LR_OPTIONS: OptionNames<StepLROptions> = { stepSize: true, gamma: true };

/**
 * The rate times gamma every stepSize epochs (baseLr · gamma^⌊epoch / stepSize⌋ when nobody else sets
 * it), as `torch.optim.lr_scheduler.StepLR`, to the bit.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: { lr: number }, options: StepLROptions) {
    super(optimizer, 'StepLR');
    checkOptions('StepLR', options, STEP_LR_OPTIONS);
    const { stepSize, gamma = 0.1 } = options ?? ({} as Partial<StepLROptions>);
    if (!Number.isInteger(stepSize) || stepSize < 1) {
      throw new RangeError(`StepLR: stepSize must be a positive integer (got ${String(stepSize)})`);
    }
    this.stepSize = stepSize;
    this.gamma = checkRate('StepLR', 'gamma', gamma);
  }

  protected nextLr(lr: number, epoch: number): number {
    return epoch % this.stepSize === 0 ? lr * this.gamma : lr;
  }
}

/** Options of `CosineAnnealingLR`, as PyTorch's (`T_max` is `tMax`): `new CosineAnnealingLR(opt, { tMax: 50 })`. */
export interface CosineAnnealingLROptions {
  /** Epochs from the base rate down to etaMin. */
  readonly tMax: number;
  /** The lowest rate (default 0). */
  readonly etaMin?: number;
}

const COSINE_ANNEALING_LR_OPTIONS: OptionNames<CosineAnnealingLROptions> = { tMax: true, etaMin: true };

/**
 * From baseLr down to etaMin over tMax epochs and back up after, along etaMin + (baseLr −
 * etaMin)·(1 + cos(π·epoch/tMax))/2 when nobody else sets the rate, as
 * `torch.optim.lr_scheduler.CosineAnnealingLR`: each step scales the distance of the current rate
 * to etaMin by the cosine's ratio from one epoch to the next (PyTorch's recursive form, to the bit).
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { tMax: 50 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: { lr: number }, options: CosineAnnealingLROptions) {
    super(optimizer, 'CosineAnnealingLR');
    checkOptions('CosineAnnealingLR', options, COSINE_ANNEALING_LR_OPTIONS);
    const { tMax, etaMin = 0 } = options ?? ({} as Partial<CosineAnnealingLROptions>);
    if (!Number.isInteger(tMax) || tMax < 1) {
      throw new RangeError(`CosineAnnealingLR: tMax must be a positive integer (got ${String(tMax)})`);
    }
    this.tMax = tMax;
    this.etaMin = checkRate('CosineAnnealingLR', 'etaMin', etaMin);
  }

  protected nextLr(lr: number, epoch: number): number {
    const { baseLr, etaMin, tMax } = this;
    // NOTE: where the cosine's ratio would divide by zero (the bottom, epoch − 1 an odd multiple of tMax), PyTorch climbs by a fixed step.
    if ((epoch - 1 - tMax) % (2 * tMax) === 0)
      return lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    return (
      ((1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax))) *
        (lr - etaMin) +
      etaMin
    );
  }
}
