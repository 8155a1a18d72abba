/** @file Value: a graph node holding one number, with thin methods that apply ops. */

import { apply } from '../engine/apply.js';
import { type BackwardOptions, backwardFrom } from '../engine/autograd.js';
import { graph } from '../engine/graph-backend.js';
import { CONSTANT, Node, NodeInit, type Raw } from '../engine/node.js';
import { checkFinite, formatNumber, type Shape } from '../errors.js';
import { numberBackend } from '../ops/backends.js';
import type { AnyOp, Backend } from '../ops/op.js';
import { OPS } from '../ops/table.js';

export interface ValueOptions {
  /** What drawings call this value (`w1`). */
  readonly label?: string;
  /** Whether gradients flow to it; true by default for a Value, as in micrograd. */
  readonly requiresGrad?: boolean;
}

const SCALAR: Shape = Object.freeze([]);

/**
 * One number in the graph. Every method records an op, so `backward()` can apply the chain rule.
 *
 * @example
 * const x = new Value(2, { label: 'x' });
 * const y = x.mul(3).add(1).tanh();
 * y.backward();
 * x.grad;   // dy/dx = 3·(1 − tanh²7) ≈ 4.99e-6
 */
export class Value extends Node {
  constructor(data: number, options: ValueOptions | NodeInit = {}) {
    if (options instanceof NodeInit) {
      super(data, options.parents, options.op, undefined, options.requiresGrad, '');
    } else {
      super(
        checkFinite('Value', data, 'data'),
        [],
        null,
        undefined,
        options.requiresGrad ?? true,
        options.label ?? '',
      );
    }
  }

  /** The number this node holds. Setting it (a micrograd-style update) changes only this node. */
  get data(): number {
    return this.raw as number;
  }
  set data(v: number) {
    this.raw = checkFinite('Value.data', v, 'data');
  }

  /** d(output)/d(this) from the latest backward pass (accumulated for leaves), or null before any. */
  get grad(): number | null {
    return this.gradRaw as number | null;
  }
  set grad(v: number | null) {
    this.gradRaw = v === null ? null : checkFinite('Value.grad', v, 'grad');
    this.gradNode = null;
  }

  /** The gradient as a Value: a graph of its own when it was computed with `createGraph`. */
  get gradValue(): Value | null {
    return this.gradAsNode() as Value | null;
  }

  get shape(): Shape {
    return SCALAR;
  }

  get rawBackend(): Backend<Raw> {
    return numberBackend as Backend<Raw>;
  }

  compute(op: AnyOp, ins: readonly Node[]): number {
    return op.scalar!(ins[0]!.raw as number, ins[1]?.raw as number);
  }

  spawn(raw: Raw, parents: readonly Node[], op: AnyOp | null, _attrs: unknown, requiresGrad: boolean): Value {
    return new Value(raw as number, new NodeInit(parents, op, undefined, requiresGrad));
  }

  constant(raw: Raw): Value {
    return new Value(raw as number, CONSTANT);
  }

  describeData(): string {
    return `data ${formatNumber(this.data)}`;
  }

  describeGrad(): string | null {
    return this.grad === null ? null : `grad ${formatNumber(this.grad)}`;
  }

  /** Applies a one-input op. */
  private unary(op: AnyOp): Value {
    return apply(op, [this]) as Value;
  }

  /** Applies a two-input op; a plain number becomes a constant Value. */
  private binary(op: AnyOp, other: Value | number, swap = false): Value {
    const y = operand(op.name, other);
    return apply(op, swap ? [y, this] : [this, y]) as Value;
  }

  add(other: Value | number): Value {
    return this.binary(OPS.add, other);
  }
  sub(other: Value | number): Value {
    return graph.sub(this, operand('sub', other)) as Value;
  }
  mul(other: Value | number): Value {
    return this.binary(OPS.mul, other);
  }
  div(other: Value | number): Value {
    return graph.div(this, operand('div', other)) as Value;
  }
  /** `this` to the power `exponent` (a number or a Value, which then takes a gradient too). */
  pow(exponent: Value | number): Value {
    return this.binary(OPS.pow, exponent);
  }
  neg(): Value {
    return this.unary(OPS.neg);
  }
  exp(): Value {
    return this.unary(OPS.exp);
  }
  log(): Value {
    return this.unary(OPS.log);
  }
  sqrt(): Value {
    return this.unary(OPS.sqrt);
  }
  abs(): Value {
    return this.unary(OPS.abs);
  }
  tanh(): Value {
    return this.unary(OPS.tanh);
  }
  sigmoid(): Value {
    return this.unary(OPS.sigmoid);
  }
  relu(): Value {
    return this.unary(OPS.relu);
  }

  /**
   * Backpropagates from this value (seeded with 1) into every value it depends on.
   * Leaf gradients add up across calls, as in PyTorch; `zeroGrad()` resets them.
   */
  backward(options: BackwardOptions = {}): void {
    backwardFrom(this, this.constant(1), options);
  }

  /** The same number, cut from the graph: no parents, no gradient. */
  detach(): Value {
    return this.constant(this.data);
  }

  override toString(): string {
    return `Value(data=${formatNumber(this.data)}, grad=${this.grad === null ? 'null' : formatNumber(this.grad)})`;
  }
}

/** A Value operand of `op`: Values pass, finite numbers become constants, anything else is a TypeError. */
function operand(op: string, v: unknown): Value {
  if (v instanceof Value) return v;
  if (v instanceof Node)
    throw new TypeError(`${op}: cannot combine a Value with a Tensor; use tensor ops throughout`);
  return new Value(checkFinite(op, v), CONSTANT);
}
