/** @file Free-function forms of the ops, so a plain number can stand on the left: `sub(1, x)`. */

import { graph } from '../engine/graph-backend.js';
import { type Node, nodesMade } from '../engine/node.js';
import { checkFinite } from '../errors.js';
import { normalizeAxis } from '../kernels/axes.js';
import * as C from '../ops/composites.js';
import { Value } from '../scalar/value.js';
import { Tensor } from '../tensor/tensor.js';

/** An argument of a free function: a Value, a Tensor or a plain number. */
type Arg = Value | Tensor | number;

/** Checks the operands of `op` and returns them as the graph backend takes them. */
function operands(op: string, xs: readonly unknown[]): (Node | number)[] {
  let kind: 'Value' | 'Tensor' | null = null;
  for (const x of xs) if (x instanceof Tensor) kind = 'Tensor';
  const out = xs.map((x) => {
    // NOTE: a Value takes finite numbers only; a tensor takes ±Infinity too (`where(mask, x, -Infinity)`).
    if (typeof x === 'number') {
      if (kind === 'Tensor' && !Number.isNaN(x)) return x;
      return checkFinite(op, x);
    }
    const k = x instanceof Value ? 'Value' : x instanceof Tensor ? 'Tensor' : null;
    if (k === null)
      throw new TypeError(`${op}: operands must be Values, Tensors or numbers (got ${typeof x})`);
    if (kind !== null && kind !== k)
      throw new TypeError(`${op}: cannot combine a Value with a Tensor; use one kind throughout`);
    kind = k;
    return x as Node;
  });
  if (kind === null)
    throw new TypeError(`${op}: at least one operand must be a Value or a Tensor (got only numbers)`);
  return out;
}

/** A two-operand op on Values or on Tensors, with a plain number allowed on either side. */
export interface BinaryFn {
  (x: Value | number, y: Value | number): Value;
  (x: Tensor | number, y: Tensor | number): Tensor;
}

function binary(op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'): BinaryFn {
  return ((x: Arg, y: Arg) => {
    const [a, b] = operands(op, [x, y]);
    // a Value or Tensor on the left: its method checks and names the op; a number: compose directly
    if (a instanceof Value || a instanceof Tensor) return (a[op] as (o: unknown) => Node).call(a, b);
    const from = nodesMade();
    return graph[op](a!, b!).madeBy(op, from);
  }) as BinaryFn;
}

/** x + y; either may be a number. @example add(2, x) */
export const add = binary('add');
/** x − y; either may be a number. @example sub(1, x) */
export const sub = binary('sub');
/** x · y; either may be a number. @example mul(2, x) */
export const mul = binary('mul');
/** x / y; either may be a number. @example div(1, x) */
export const div = binary('div');
/** xʸ; either may be a number. @example pow(2, x) */
export const pow = binary('pow');
/** Elementwise larger of x and y (ties split the gradient, as PyTorch). @example maximum(x, 0)   // relu by hand */
export const maximum = binary('maximum');
/** Elementwise smaller of x and y. @example minimum(p, 1) */
export const minimum = binary('minimum');

/** `cond ? x : y` elementwise, with broadcasting; `cond` is read as nonzero = true. @example where(x.gt(0), x, 0) */
export function where(cond: Tensor, x: Tensor | number, y: Tensor | number): Tensor {
  if (!(cond instanceof Tensor)) throw new TypeError('where: cond must be a Tensor (e.g. x.gt(0))');
  const [, a, b] = operands('where', [cond, x, y]);
  return graph.where(cond, a!, b!) as Tensor;
}

/** Joins tensors along an existing axis. @example cat([a, b], 0) */
export function cat(tensors: readonly Tensor[], axis = 0): Tensor {
  checkTensors('cat', tensors);
  return graph.cat(tensors, normalizeAxis(axis, tensors[0]!.ndim, 'cat')) as Tensor;
}

/** Joins tensors of one shape along a new axis. @example stack([a, b], 0) */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  checkTensors('stack', tensors);
  const from = nodesMade();
  return C.stack(graph, tensors, axis).madeBy('stack', from) as Tensor;
}

function checkTensors(op: string, tensors: readonly unknown[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new TypeError(`${op}: expected a non-empty array of tensors; pass at least one`);
  }
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: element ${i} is not a Tensor`);
  });
}
