/** @file The rule table: every primitive op by name. Composites (composites.ts) need no entry. */

import * as binary from './binary.js';
import * as compare from './compare.js';
import { matmul } from './matmul.js';
import type { AnyOp } from './op.js';
import * as reduce from './reduce.js';
import * as shape from './shape.js';
import * as unary from './unary.js';

/** Every primitive, keyed by name. A test walks this table to gradient-check each entry. */
export const OPS = { ...unary, ...binary, ...compare, ...shape, ...reduce, matmul } satisfies Record<
  string,
  AnyOp
>;

export type PrimitiveName = keyof typeof OPS;

/** The ops that have a derivative rule (all but comparisons, sign, argmax/argmin and masks). */
export const DIFFERENTIABLE = (Object.keys(OPS) as PrimitiveName[]).filter((k) => OPS[k].backward !== null);
