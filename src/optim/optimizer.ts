/** @file What every optimizer shares: its parameters, learning rate, zeroGrad, an all-or-nothing step, its state. */

import { Node, type Raw } from '../engine/node.js';
import { checkOptions, fmt, type OptionNames, ShapeError } from '../errors.js';
import { alloc, NDArray, sameShape } from '../kernels/ndarray.js';
import type { Backend } from '../ops/op.js';
import { activeRecorder } from '../ops/tape.js';
import { Tensor } from '../tensor/tensor.js';

/** An optimizer's options object: undefined (defaults) or an object of `known` keys; anything else is a TypeError. */
export function optionsOf<O extends object>(
  op: string,
  options: O | undefined,
  known: OptionNames<O>,
): Partial<O> {
  checkOptions(op, options, known);
  return options ?? {};
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

/** An optimizer's per-parameter state: buffers shaped like the parameter, and counts (Adam's step). */
export type SlotState = Readonly<Record<string, Raw>>;

/** What each slot of the state holds: a buffer of the parameter's shape, or one count. */
export type Slots = Readonly<Record<string, 'buffer' | 'count'>>;

/**
 * The base of SGD, Adam and AdamW. `step()` computes every parameter's new data first and assigns
 * them only when all are computed, so an error leaves the model as it was, never half-updated.
 * Parameters whose gradient is null (no pass reached them) are skipped, as in PyTorch.
 *
 * @example
 * const opt: Optimizer<Tensor, SlotState> = new SGD(model.parameters(), { lr: 0.1 });
 * opt.lr = 0.01;   // what schedulers do
 */
export abstract class Optimizer<P extends Node, S extends SlotState> {
  readonly params: readonly P[];
  /** The learning rate; schedulers (`StepLR`, `CosineAnnealingLR`) change it between steps. */
  lr: number;
  /** Per-parameter state (momentum buffers, moment estimates); null before the first step. */
  private readonly states: (S | null)[];

  constructor(
    readonly name: string,
    params: readonly P[],
    lr: number,
  ) {
    if (!Array.isArray(params) || params.length === 0) {
      throw new TypeError(`${name}: expected a non-empty array of parameters (Values or Tensors)`);
    }
    params.forEach((p, i) => {
      if (!(p instanceof Node)) {
        throw new TypeError(
          `${name}: parameter ${i} is not a Value or a Tensor (got ${p === null ? 'null' : typeof p}); pass model.parameters() or tensors made with requiresGrad: true`,
        );
      }
      if (!p.requiresGrad) {
        throw new TypeError(
          `${name}: parameter ${i} does not require a gradient; create it with requiresGrad: true`,
        );
      }
      if (!p.isLeaf)
        throw new TypeError(
          `${name}: parameter ${i} is not a leaf (it was computed by an op); detach() it first`,
        );
    });
    this.params = [...params];
    this.states = params.map(() => null);
    this.lr = checkRate(name, 'lr', lr);
  }

  /** The new data and state of a parameter `p` with gradient `g`, computed on raw data with `B`. */
  protected abstract update(B: Backend<Raw>, p: Raw, g: Raw, state: S | null): [Raw, S];

  /** The names and kinds of the state's slots, for `stateDict`. */
  protected abstract readonly slots: Slots;

  /** The fixed hyperparameters (all but lr), saved with the state and checked when it is loaded. */
  protected abstract hyperparameters(): Record<string, number>;

  /**
   * Applies one update to every parameter that has a gradient. Inside a step that `compile` captures,
   * the update runs again at every replay as it would eagerly (so the step count, a scheduled lr and
   * the state are read anew each time), not as recorded kernel calls.
   */
  step(): void {
    const recorder = activeRecorder();
    if (recorder === null) this.applyStep();
    else recorder.host(`${this.name}.step()`, () => this.applyStep());
  }

  /** `step()` itself: every new parameter computed first, then all assigned. */
  protected applyStep(): void {
    checkRate(this.name, 'lr', this.lr);
    const next = this.params.map((p, i) => {
      const g = p.gradRaw;
      return g === null ? null : this.update(p.rawBackend, p.raw, g, this.states[i] ?? null);
    });
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

  /**
   * The optimizer's state as tensors by name, ready for `saveSafetensors`: `lr`, the fixed
   * hyperparameters, and each parameter's slots as `state.<index>.<slot>` (PyTorch's names:
   * `momentum_buffer`, `exp_avg`, `exp_avg_sq`, `step`). Copies, so a kept dict does not change.
   *
   * @example
   * saveSafetensors({ ...prefixed('model.', model.stateDict()), ...prefixed('optim.', opt.stateDict()) })
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = { lr: scalar(this.lr) };
    for (const [k, v] of Object.entries(this.hyperparameters())) out[k] = scalar(v);
    this.states.forEach((state, i) => {
      if (state === null) return;
      for (const slot of Object.keys(this.slots)) out[`state.${i}.${slot}`] = toTensor(state[slot]!);
    });
    return out;
  }

  /**
   * Restores a `stateDict()` so training resumes where it stopped: the learning rate and every
   * parameter's state. The optimizer must be built with the same parameters (in the same order) and
   * hyperparameters; anything else is an error, and on any error nothing changes.
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>>): void {
    const op = `${this.name}.loadStateDict`;
    if (typeof dict !== 'object' || dict === null)
      throw new TypeError(`${op}: expected the object stateDict() returns`);
    const read = (key: string): number => {
      const t = dict[key];
      if (!(t instanceof Tensor) || t.size !== 1)
        throw new TypeError(`${op}: '${key}' must be a one-element tensor`);
      return t.item();
    };
    const lr = checkRate(op, 'lr', Object.hasOwn(dict, 'lr') ? read('lr') : undefined);
    for (const [k, v] of Object.entries(this.hyperparameters())) {
      const saved = read(k);
      if (saved !== v) {
        throw new RangeError(
          `${op}: the state was saved with ${k} ${saved}, this optimizer has ${v}; build it with the same options`,
        );
      }
    }
    const known = new Set(['lr', ...Object.keys(this.hyperparameters())]);
    const states = this.params.map((p, i) => {
      const present = Object.keys(this.slots).filter((slot) => Object.hasOwn(dict, `state.${i}.${slot}`));
      if (present.length === 0) return null;
      const state: Record<string, Raw> = {};
      for (const [slot, kind] of Object.entries(this.slots)) {
        const key = `state.${i}.${slot}`;
        known.add(key);
        const t = dict[key];
        if (!(t instanceof Tensor)) throw new TypeError(`${op}: '${key}' is missing or not a Tensor`);
        state[slot] = kind === 'count' ? read(key) : fromTensor(op, key, t, p);
      }
      return state as unknown as S;
    });
    const unexpected = Object.keys(dict).filter((k) => !known.has(k));
    if (unexpected.length > 0) {
      throw new TypeError(
        `${op}: unexpected keys ${unexpected.join(', ')}; load the state of a ${this.name} over the same parameters`,
      );
    }
    this.lr = lr;
    states.forEach((s, i) => {
      this.states[i] = s;
    });
  }
}

function scalar(v: number): Tensor {
  return new Tensor(new NDArray(Float64Array.of(v), []));
}

function toTensor(raw: Raw): Tensor {
  return typeof raw === 'number' ? scalar(raw) : new Tensor(new NDArray(raw.data.slice(), raw.shape));
}

/** A saved buffer back in the form of parameter `p`'s data: a number for a Value, an array of its shape and dtype. */
function fromTensor(op: string, key: string, t: Tensor, p: Node): Raw {
  if (typeof p.raw === 'number') {
    if (t.size !== 1) throw new TypeError(`${op}: '${key}' must be one number for a Value parameter`);
    return t.item();
  }
  if (!sameShape(t.shape, p.shape)) {
    throw new ShapeError(
      op,
      `'${key}' has shape ${fmt(t.shape)}, its parameter has ${fmt(p.shape)}`,
      'load the state saved for these parameters',
    );
  }
  const data = alloc(p.raw.dtype, t.size);
  data.set(t.array.data);
  return new NDArray(data, p.shape);
}
