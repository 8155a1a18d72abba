/**
 * @file Every op with both forwards (numbers for Value, arrays for Tensor) gives the same numbers on
 * each; and the array forward is the number forward applied per element of broadcast inputs, in
 * float32 too, which is what lets `compile` fuse such calls (compile/fuse.ts).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastOffsets, broadcastShapes } from '../../src/kernels/broadcast.js';
import { type DType, NDArray, sizeOf } from '../../src/kernels/ndarray.js';
import type { AnyOp } from '../../src/ops/op.js';
import { OPS } from '../../src/ops/table.js';
import { SUB } from '../../src/ops/tape.js';
import { shapeArb } from '../support/arbitraries.js';

const BOTH = (Object.values(OPS) as AnyOp[]).filter((op) => op.scalar && op.array);

/** Any double, with the special values (±0, ±∞, NaN, ±1) drawn often. */
const number = fc.oneof(
  fc.double(),
  fc.double({ min: -5, max: 5, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 0.5, 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);

describe('scalar and array forwards', () => {
  it('covers every op Value runs: each one with a scalar forward has an array forward too', () => {
    const scalar = (Object.values(OPS) as AnyOp[]).filter((op) => op.scalar);
    expect(BOTH.length).toBeGreaterThan(0);
    expect(BOTH).toEqual(scalar);
  });

  for (const op of BOTH) {
    it(`${op.name}: the array kernel equals the scalar forward, element by element`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.array(number, { minLength: op.arity, maxLength: op.arity }), {
            minLength: 1,
            maxLength: 8,
          }),
          (rows) => {
            const ins = Array.from(
              { length: op.arity },
              (_, k) =>
                new NDArray(
                  Float64Array.from(rows, (r) => r[k]!),
                  [rows.length],
                ),
            );
            const got = op.array!(ins, undefined).data;
            rows.forEach((r, i) => {
              const want = op.scalar!(r[0]!, r[1] ?? Number.NaN, r[2] ?? Number.NaN);
              // toBe is Object.is: NaN equals NaN, and 0 must not come out as -0 on one side only
              expect(got[i], `${op.name}(${r.join(', ')})`).toBe(want);
            });
          },
        ),
        { numRuns: 200 },
      );
    });
  }
});

/** One operand of a kernel call: a plain number, or an array of a shape and dtype. */
type Operand = number | { readonly shape: number[]; readonly dtype: DType; readonly values: number[] };

/** `arity` operands whose shapes broadcast together (each a suffix of one shape, some sizes 1). */
const operandsArb = (arity: number): fc.Arbitrary<Operand[]> =>
  shapeArb().chain((full) => {
    const operand: fc.Arbitrary<Operand> = fc.oneof(
      { weight: 1, arbitrary: number },
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            fc.integer({ min: 0, max: full.length }),
            fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
            fc.constantFrom<DType>('float64', 'float32'),
          )
          .chain(([drop, ones, dtype]) => {
            const shape = full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
            return fc
              .array(number, { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
              .map((values) => ({ shape, dtype, values }));
          }),
      },
    );
    return fc.array(operand, { minLength: arity, maxLength: arity });
  });

/** The per-element function `array` must apply to these operands: scalar32 where all are float32 arrays. */
function perElement(op: AnyOp & { scalar32?: AnyOp['scalar'] }, ins: readonly (number | NDArray)[]) {
  const all32 = ins.every((x) => typeof x !== 'number' && x.dtype === 'float32');
  return (all32 && op.scalar32) || op.scalar!;
}

describe('array forwards are their scalar forward per element (what compile fuses)', () => {
  for (const op of [...BOTH, SUB as unknown as AnyOp]) {
    it(`${op.name}: broadcast inputs, float64 and float32, numbers among them`, () => {
      fc.assert(
        fc.property(operandsArb(op.arity || 2), (operands) => {
          const ins = operands.map((o) =>
            typeof o === 'number'
              ? o
              : new NDArray((o.dtype === 'float32' ? Float32Array : Float64Array).from(o.values), o.shape),
          );
          // A kernel on numbers alone is the number forward, not an array call.
          fc.pre(ins.some((x) => typeof x !== 'number'));
          // where's condition is always an array (a mask computed by a comparison).
          fc.pre(!(op.name === 'where' && typeof ins[0] === 'number'));
          // Fused backward kernels pick their rounding by one input's dtype: compile fuses them only
          // on arrays of one dtype (see `fusable` in compile/program.ts).
          const arrays = ins.filter((x) => typeof x !== 'number');
          const unmixed = arrays.length === ins.length && new Set(arrays.map((x) => x.dtype)).size === 1;
          fc.pre(unmixed || !('scalar32' in op));
          const out = op.array!(ins as NDArray[], undefined);
          let shape: number[] = [];
          for (const x of ins) if (typeof x !== 'number') shape = broadcastShapes(shape, x.shape, op.name);
          expect(out.shape).toEqual(shape);
          const at = ins.map((x) => (typeof x === 'number' ? null : broadcastOffsets(x.shape, shape)));
          const f = perElement(op, ins);
          const round = out.dtype === 'float32' ? Math.fround : (v: number) => v;
          for (let i = 0; i < out.size; i++) {
            const args = ins.map((x, k) => (typeof x === 'number' ? x : x.data[at[k]![i]!]!));
            const want = round((f as (...xs: number[]) => number)(...args));
            expect(out.data[i], `${op.name}(${args.join(', ')}) at ${i}`).toBe(want);
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
