/** @file The backends rules run on: one builder, used for numbers, arrays and (in engine/) nodes. */

import type { Shape } from '../errors.js';
import * as K from '../kernels/index.js';
import type { DType, NDArray } from '../kernels/ndarray.js';
import type { AnyOp, Backend, Operand } from './op.js';
import { OPS } from './table.js';
import { runArray, SUB } from './tape.js';

/** How one kind of value runs a primitive, tells its shape and makes a constant. */
export interface Kind<T> {
  call(op: AnyOp, ins: readonly Operand<T>[], attrs: unknown): T;
  shape(x: Operand<T>): Shape;
  dtype(x: Operand<T>): DType;
  full(shape: Shape, value: number, like: T): T;
  detach(x: T): T;
}

/**
 * A backend: one method per primitive in the table (an identity op returns its input unchanged),
 * plus the composites rules use. Built once per kind.
 */
export function makeBackend<T>(kind: Kind<T>): Backend<T> {
  const B: Record<string, unknown> = {
    shape: kind.shape,
    dtype: kind.dtype,
    full: kind.full,
    detach: kind.detach,
  };
  for (const op of Object.values(OPS) as AnyOp[]) {
    B[op.name] =
      op.arity === -1
        ? (xs: readonly T[], attrs: unknown) => kind.call(op, xs, attrs)
        : (...args: unknown[]) => {
            const ins = args.slice(0, op.arity) as Operand<T>[];
            const attrs = args[op.arity];
            if (op.isIdentity?.(kind.shape(ins[0]!), attrs, kind.dtype(ins[0]!))) return ins[0];
            return kind.call(op, ins, attrs);
          };
  }
  const backend = B as unknown as Backend<T>;
  backend.sub = (x, y) => backend.add(x, typeof y === 'number' ? -y : backend.neg(y));
  return backend;
}

const NO_SHAPE: Shape = Object.freeze([]);

/**
 * Plain numbers, for `Value` rules on a first-order pass. Each primitive with a scalar forward is that
 * very function (`mul` is `(x, y) => x * y`): no wrapper on the hottest path of the library.
 */
export const numberBackend: Backend<number> = (() => {
  const B = makeBackend<number>({
    call: (op) => {
      throw new TypeError(`${op.name}: not defined for Values; it is a tensor op`);
    },
    shape: () => NO_SHAPE,
    dtype: () => 'float64',
    full: (_shape, value) => value,
    detach: (x) => x,
  });
  for (const op of Object.values(OPS) as AnyOp[]) {
    if (op.scalar) (B as unknown as Record<string, unknown>)[op.name] = op.scalar;
  }
  return B;
})();

/** Plain arrays, for `Tensor` rules on a first-order pass: each primitive is its array kernel. */
export const arrayBackend: Backend<NDArray> = makeBackend<NDArray>({
  call: (op, ins, attrs) => runArray(op, ins as NDArray[], attrs),
  shape: (x) => (typeof x === 'number' ? NO_SHAPE : x.shape),
  dtype: (x) => (typeof x === 'number' ? 'float64' : x.dtype),
  full: (shape, value, like) => K.full(shape, value, like.dtype),
  detach: (x) => x,
});
// NOTE: x − y in one kernel, not add(x, neg(y)): the same numbers (IEEE defines x − y as x + (−y)),
// one kernel call and one array fewer in every optimizer step (p − lr·g) and rule that subtracts.
arrayBackend.sub = (x, y) => runArray(SUB, [x, y]);
