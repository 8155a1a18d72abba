/** @file Ops with no gradient: comparisons, sign, argmax/argmin, the mask a max/min selects and a traced detach. */

import * as K from '../kernels/index.js';
import type { ArgAttrs, Op, ScalarOp, SelectAttrs } from './op.js';

const b = (v: boolean): number => (v ? 1 : 0);

// no gradient: piecewise constant
export const sign: ScalarOp<1> = {
  name: 'sign',
  label: 'sign',
  arity: 1,
  scalar: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN),
  array: ([x]) => K.sign(x),
  backward: null,
};

// no gradient: comparisons give 1 or 0
export const gt: ScalarOp<2> = {
  name: 'gt',
  label: '>',
  arity: 2,
  scalar: (x, y) => b(x > y),
  array: ([x, y]) => K.gt(x, y, 'gt'),
  backward: null,
};

export const ge: ScalarOp<2> = {
  name: 'ge',
  label: '≥',
  arity: 2,
  scalar: (x, y) => b(x >= y),
  array: ([x, y]) => K.ge(x, y, 'ge'),
  backward: null,
};

export const lt: ScalarOp<2> = {
  name: 'lt',
  label: '<',
  arity: 2,
  scalar: (x, y) => b(x < y),
  array: ([x, y]) => K.lt(x, y, 'lt'),
  backward: null,
};

export const le: ScalarOp<2> = {
  name: 'le',
  label: '≤',
  arity: 2,
  scalar: (x, y) => b(x <= y),
  array: ([x, y]) => K.le(x, y, 'le'),
  backward: null,
};

export const eq: ScalarOp<2> = {
  name: 'eq',
  label: '=',
  arity: 2,
  scalar: (x, y) => b(x === y),
  array: ([x, y]) => K.eq(x, y, 'eq'),
  backward: null,
};

const describeArg = ({ axis, keepdim }: ArgAttrs): string =>
  axis === undefined ? '' : `axis=${axis}${keepdim ? ', keepdim' : ''}`;

// no gradient: an index
export const argmax: Op<ArgAttrs, 1> = {
  name: 'argmax',
  label: 'argmax',
  arity: 1,
  array: ([x], { axis, keepdim }) => K.argmaxAlong(x, axis, keepdim),
  backward: null,
  describe: describeArg,
};

export const argmin: Op<ArgAttrs, 1> = {
  name: 'argmin',
  label: 'argmin',
  arity: 1,
  array: ([x], { axis, keepdim }) => K.argminAlong(x, axis, keepdim),
  backward: null,
  describe: describeArg,
};

/** 1 where a max/min over `axes` picked the element, 0 elsewhere; with `evenTies`, tied elements share 1/count. */
export const selectMask: Op<SelectAttrs, 1> = {
  name: 'selectMask',
  label: 'select',
  arity: 1,
  array: ([x], { axes, kind, evenTies }) => {
    const { values, index } = kind === 'max' ? K.maxTo(x, axes) : K.minTo(x, axes);
    return evenTies ? K.tieMask(x, values) : K.selectMask(x, axes, index, values.size);
  },
  backward: null,
};

/**
 * `detach()` while an exporter traces: the same numbers, recorded so that the export computes them
 * (ONNX `Identity`), with no rule so that no gradient passes. Outside a trace `detach` is a constant.
 * NOTE: not named `detach`: that is the backend method (`B.detach`) which chooses between the two.
 */
export const stopGradient: ScalarOp<1> = {
  name: 'stopGradient',
  label: 'detach',
  arity: 1,
  scalar: (x) => x,
  array: ([x]) => x,
  backward: null,
};
