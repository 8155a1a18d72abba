/** @file Random Value graphs for viz tests: ops over a growing pool, so values fan out and meet again. */

import fc from 'fast-check';
import { Value } from '../../src/index.js';

/** One recorded step: an op, and which earlier values (indices into the pool) it takes. */
export type Recipe = {
  op: 'add' | 'mul' | 'sub' | 'tanh' | 'sigmoid' | 'exp' | 'square';
  a: number;
  b: number;
};

export const recipeArb: fc.Arbitrary<{ inputs: number[]; steps: Recipe[] }> = fc.record({
  inputs: fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 1, maxLength: 4 }),
  steps: fc.array(
    fc.record({
      op: fc.constantFrom('add', 'mul', 'sub', 'tanh', 'sigmoid', 'exp', 'square'),
      a: fc.nat(),
      b: fc.nat(),
    }),
    { minLength: 1, maxLength: 14 },
  ),
});

/** Builds the graph: each step takes earlier values (`square` is x.mul(x), two edges from one node). */
export function build(recipe: { inputs: number[]; steps: Recipe[] }): {
  xs: Value[];
  root: Value;
  pool: Value[];
} {
  const xs = recipe.inputs.map((v, i) => new Value(v, { label: `x${i}` }));
  const pool: Value[] = [...xs];
  for (const { op, a, b } of recipe.steps) {
    const x = pool[a % pool.length]!;
    const y = pool[b % pool.length]!;
    const z =
      op === 'add'
        ? x.add(y)
        : op === 'mul'
          ? x.mul(y)
          : op === 'sub'
            ? x.sub(y)
            : op === 'square'
              ? x.mul(x)
              : op === 'exp'
                ? x.tanh().exp()
                : x[op]();
    pool.push(z);
  }
  // the root sums the last value with every input, so every input reaches it
  const root = xs.reduce((acc, x) => acc.add(x.mul(0.5)), pool[pool.length - 1]!);
  return { xs, root, pool };
}
