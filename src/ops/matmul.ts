/** @file Matrix product in every form torch.matmul takes, and its derivative rule. */

import * as K from '../kernels/index.js';
import { transpose } from './composites.js';
import type { Backend, Grads, Op, TangentRule } from './op.js';

/** Swap the last two axes. */
function mT<T>(B: Backend<T>, x: T): T {
  return transpose(B, x, -2, -1);
}

/**
 * Gradients of `a @ b`. A 1-D `a` is a row [1, k] and a 1-D `b` a column [k, 1], as torch lifts
 * them; `g` is lifted the same way, and each gradient is summed over broadcast batch axes and
 * put back in its input's shape.
 */
function matmulGrads<T>(B: Backend<T>, g: T, a: T, b: T, need: readonly boolean[]): Grads<T, 2> {
  const sa = B.shape(a);
  const sb = B.shape(b);
  const a2 = sa.length === 1 ? B.reshape(a, [1, sa[0]!]) : a;
  const b2 = sb.length === 1 ? B.reshape(b, [sb[0]!, 1]) : b;
  const m = sa.length === 1 ? 1 : sa[sa.length - 2]!;
  const n = sb.length === 1 ? 1 : sb[sb.length - 1]!;
  const sg = B.shape(g);
  const batch = sg.slice(0, sg.length - (sa.length === 1 ? 0 : 1) - (sb.length === 1 ? 0 : 1));
  const g2 = B.reshape(g, [...batch, m, n]);
  if (sa.length === 2 && sb.length === 2) {
    // two matrices: the transposed products read bᵀ and aᵀ in place (matmulNT, matmulTN below)
    return [need[0] ? B.matmulNT(g, b) : null, need[1] ? B.matmulTN(a, g) : null];
  }
  const ga = need[0] ? B.reshape(B.sumTo(B.matmul(g2, mT(B, b2)), B.shape(a2)), sa) : null;
  const gb = need[1] ? B.reshape(B.sumTo(B.matmul(mT(B, a2), g2), B.shape(b2)), sb) : null;
  return [ga, gb];
}

// the tangent of a @ b along (ta, tb): ta @ b + a @ tb (the product rule; a null tangent is zero)
const matmulTangent: TangentRule<undefined, 2> = (B, [ta, tb], { ins: [a, b] }) => {
  const left = ta === null ? null : B.matmul(ta, b);
  const right = tb === null ? null : B.matmul(a, tb);
  return left === null ? right! : right === null ? left : B.add(left, right);
};

// ∂(a@b)/∂a = g @ bᵀ, ∂(a@b)/∂b = aᵀ @ g
export const matmul: Op<undefined, 2> = {
  name: 'matmul',
  label: '@',
  arity: 2,
  jvp: matmulTangent,
  array: ([a, b]) => K.matmul(a, b, 'matmul'),
  backward: (B, g, { ins: [a, b], need }) => matmulGrads(B, g, a, b, need),
};

/** The tangent of a product bilinear in (a, b), such as a @ bᵀ: op(ta, b) + op(a, tb). */
function bilinearTangent(name: 'matmulNT' | 'matmulTN'): TangentRule<undefined, 2> {
  return (B, [ta, tb], { ins: [a, b] }) => {
    const left = ta === null ? null : B[name](ta, b);
    const right = tb === null ? null : B[name](a, tb);
    return left === null ? right! : right === null ? left : B.add(left, right);
  };
}

// Backward primitives of matmul for two matrices (BLAS's transposed gemm forms): the same numbers as
// matmul with a transposed operand, without the transposed array. Their rules close over the three
// forms: for a @ bᵀ, ∂/∂a = g @ b and ∂/∂b = gᵀ @ a; for aᵀ @ b, ∂/∂a = b @ gᵀ and ∂/∂b = a @ g.
export const matmulNT: Op<undefined, 2> = {
  name: 'matmulNT',
  label: '@ᵀ',
  arity: 2,
  jvp: bilinearTangent('matmulNT'),
  array: ([a, b]) => K.matmulNT(a, b),
  backward: (B, g, { ins: [a, b], need }) => [
    need[0] ? B.matmul(g, b) : null,
    need[1] ? B.matmulTN(g, a) : null,
  ],
};

export const matmulTN: Op<undefined, 2> = {
  name: 'matmulTN',
  label: 'ᵀ@',
  arity: 2,
  jvp: bilinearTangent('matmulTN'),
  array: ([a, b]) => K.matmulTN(a, b),
  backward: (B, g, { ins: [a, b], need }) => [
    need[0] ? B.matmulNT(b, g) : null,
    need[1] ? B.matmul(a, g) : null,
  ],
};
