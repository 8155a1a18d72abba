/** @file Value: a graph node holding one number, with thin methods that apply ops. */

import { applyOp } from '../engine/apply.js';
import { type BackwardOptions, backwardFrom } from '../engine/autograd.js';
import { graph } from '../engine/graph-backend.js';
import { CONSTANT, isNodeInit, leafInit, Node, type NodeInit, nodesMade, type Raw } from '../engine/node.js';
import {
  checkFinite,
  describeValue,
  formatNumber,
  type OptionSpecs,
  readOptions,
  type Shape,
} from '../errors.js';
import { numberBackend } from '../ops/backends.js';
import type { AnyOp, Backend, ScalarOp } from '../ops/op.js';
import { OPS } from '../ops/table.js';

/** Options of `new Value(data, options)`: `new Value(0.5, { label: 'w1' })`. */
export interface ValueOptions {
  /** What drawings call this value (`w1`). */
  readonly label?: string;
  /** Whether gradients flow to it; true by default for a Value, as in micrograd. */
  readonly requiresGrad?: boolean;
}

const SCALAR: Shape = Object.freeze([]);
const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});
const VALUE_OPTIONS: OptionSpecs<ValueOptions> = { label: 'string', requiresGrad: 'boolean' };

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
  constructor(data: number, options?: ValueOptions) {
    if (isNodeInit(options)) {
      super(data, options, '');
      return;
    }
    const o = options === undefined ? NO_OPTIONS : readOptions('Value', options, VALUE_OPTIONS);
    super(
      checkFinite('Value', data, 'data'),
      leafInit((o.requiresGrad as boolean | undefined) ?? true),
      (o.label as string | undefined) ?? '',
    );
  }

  /**
   * The number this node holds. Setting it (a micrograd-style update) changes this node in place and
   * bumps its `version`: a graph recorded before cannot be backpropagated any more.
   */
  get data(): number {
    return this.raw as number;
  }
  set data(v: number) {
    this.raw = checkFinite('Value.data', v, 'data');
    this.markWritten('a data setter');
  }

  /** Writes `v` into this node as an optimizer step does (bumps `version`). */
  assignInPlace(v: Raw, by: string): void {
    this.raw = v as number;
    this.markWritten(by);
  }

  /** d(output)/d(this) from the latest backward pass (accumulated for leaves), or null before any. */
  get grad(): number | null {
    return this.gradRaw as number | null;
  }
  set grad(v: number | null) {
    this.storedGrad = v === null ? null : checkFinite('Value.grad', v, 'grad');
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

  compute(op: AnyOp, x: Node, y: Node | null, more: readonly Node[]): number {
    const z = more.length > 0 ? (more[0]!.raw as number) : Number.NaN;
    return op.scalar!(x.raw as number, y === null ? Number.NaN : (y.raw as number), z);
  }

  spawn(raw: Raw, init: NodeInit): Value {
    return new Value(raw as number, init as ValueOptions);
  }

  constant(raw: Raw): Value {
    return new Value(raw as number, CONSTANT as ValueOptions);
  }

  describeData(): string {
    return `data ${formatNumber(this.data)}`;
  }

  describeGrad(): string | null {
    return this.grad === null ? null : `grad ${formatNumber(this.grad)}`;
  }

  /** Applies a one-input op; only an op with a forward on numbers type-checks here. */
  private unary(op: ScalarOp<1>): Value {
    return applyOp(op, this) as Value;
  }

  /** Applies a two-input op; a plain number becomes a constant Value. */
  private binary(op: ScalarOp<2>, other: Value | number): Value {
    return applyOp(op, this, operand(op.name, other)) as Value;
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
    return this.binary(OPS.div, other);
  }
  /** `this` to the power `exponent` (a number or a Value, which then takes a gradient too). */
  pow(exponent: Value | number): Value {
    return this.binary(OPS.pow, exponent);
  }
  /** The larger of the two (ties split the gradient half and half, as PyTorch). */
  maximum(other: Value | number): Value {
    return this.binary(OPS.maximum, other);
  }
  minimum(other: Value | number): Value {
    return this.binary(OPS.minimum, other);
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
  // issue 11: more elementwise functions
  sin(): Value {
    return this.unary(OPS.sin);
  }
  cos(): Value {
    return this.unary(OPS.cos);
  }
  /** log(1 + x), exact for tiny x. */
  log1p(): Value {
    return this.unary(OPS.log1p);
  }
  /** eˣ − 1, exact for tiny x. */
  expm1(): Value {
    return this.unary(OPS.expm1);
  }
  /** log(1 + e^(βx)) / β, computed without overflow; its derivative is σ(βx). */
  softplus(beta = 1): Value {
    if (beta === 1) return this.unary(OPS.softplus);
    const b = checkFinite('softplus', beta, 'beta');
    const from = nodesMade();
    return (graph.div(graph.softplus(graph.mul(this, b)), b) as Value).madeBy('softplus', from);
  }

  /**
   * Backpropagates from this value into every value it depends on, seeded with `gradient` (1 when
   * left out; `y.backward(5)` gives 5 times the gradients, as in PyTorch). Leaf gradients add up
   * across calls; `zeroGrad()` resets them.
   */
  backward(options?: BackwardOptions): void;
  backward(gradient: number, options?: BackwardOptions): void;
  backward(gradient?: number | BackwardOptions, options?: BackwardOptions): void {
    if (typeof gradient === 'number' || gradient instanceof Value) {
      const seed = gradient instanceof Value ? gradient.data : checkFinite('backward', gradient, 'gradient');
      backwardFrom(this, this.constant(seed), options);
      return;
    }
    if (gradient !== undefined && (typeof gradient !== 'object' || gradient === null)) {
      throw new TypeError(
        `backward: the gradient must be a number (got ${describeValue(gradient)}); pass backward(), backward(2) or backward({ retainGraph: true })`,
      );
    }
    backwardFrom(this, this.constant(1), gradient ?? options);
  }

  /** A Value's number is cheap: its graph is kept whole after backward, for drawings. */
  releasedCopy(): null {
    return null;
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
  return constantOf(checkFinite(op, v));
}

/**
 * Constants for plain-number operands, shared by value in a small direct-mapped cache: `y.add(1)` in a
 * loop of a million steps then makes a million nodes, not two million. A constant is reused only
 * while nobody has labelled it, asked it for a gradient or changed its data.
 */
const constants: (Value | undefined)[] = new Array(256);
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

function constantOf(v: number): Value {
  bits[0] = v;
  const slot = (words[0]! ^ words[1]! ^ (words[1]! >>> 16)) & 255;
  const hit = constants[slot];
  if (hit !== undefined && Object.is(hit.raw, v) && !hit.requiresGrad && hit.label === '') return hit;
  const c = new Value(v, CONSTANT as ValueOptions);
  constants[slot] = c;
  return c;
}
