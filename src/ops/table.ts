/** @file The rule table: every primitive op by name. Composites (composites.ts) need no entry. */

import * as binary from './binary.js';
import * as compare from './compare.js';
import * as fused from './fused.js';
import * as indexing from './indexing.js';
import * as math from './math.js';
import { matmul, matmulNT, matmulTN } from './matmul.js';
import * as reduce from './reduce.js';
import * as shape from './shape.js';
import * as unary from './unary.js';

// NOTE: no `satisfies` here: `Backend` is derived from this table's type, and checking the entries
// against `Op` would need `Backend` first. Each entry is typed where it is declared instead.
const WITH_GRADIENT = {
  ...unary,
  ...math,
  ...binary,
  ...shape,
  ...reduce,
  ...indexing,
  matmul,
  matmulNT,
  matmulTN,
  ...fused,
};
const WITHOUT_GRADIENT = { ...compare };

/** Every primitive, keyed by name (its `name`). A test walks this table to gradient-check each entry. */
export const OPS = { ...WITH_GRADIENT, ...WITHOUT_GRADIENT };

export type PrimitiveName = keyof typeof OPS;
/** The ops with a derivative rule: a gradient check must name a case for each of them. */
export type DifferentiableName = keyof typeof WITH_GRADIENT;
/** The ops `Value` runs (they have a forward on numbers). */
export type ScalarName = {
  [K in PrimitiveName]: (typeof OPS)[K] extends { readonly scalar: unknown } ? K : never;
}[PrimitiveName];

export const DIFFERENTIABLE = Object.keys(WITH_GRADIENT) as DifferentiableName[];
/** Comparisons, sign, argmax/argmin, selection masks (piecewise constant) and a traced detach: no gradient. */
export const NON_DIFFERENTIABLE = Object.keys(WITHOUT_GRADIENT) as (keyof typeof WITHOUT_GRADIENT)[];
