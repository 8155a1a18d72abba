/** @file cat, stack and where: by value against naive loops, and their gradients. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cat, fromTypedArray, stack, tensor, where } from '../../src/index.js';
import {
  arbBroadcastPair,
  arbSeed,
  arbShape,
  broadcast,
  expectTensor,
  flat,
  ravel,
  readIndex,
  rt,
  sizeOf,
  testProp,
  unravel,
  values,
} from './naive.js';

const RUNS = { numRuns: 40 };

describe('cat, stack, where', () => {
  const arbJoin = arbShape(1, 3, [1, 2, 3]).chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.integer({ min: 0, max: s.length - 1 }),
      fc.array(fc.constantFrom(1, 2, 3), { minLength: 1, maxLength: 3 }),
      arbSeed,
    ),
  );

  testProp([arbJoin], RUNS)(
    'cat joins along an existing axis; gradients are the matching slices',
    ([s, axis, sizes, seed]) => {
      const a = axis < 0 ? axis + s.length : axis;
      const xs = sizes.map((n, i) =>
        rt(
          s.map((d, j) => (j === a ? n : d)),
          seed + i,
          'reals',
          true,
        ),
      );
      const out = cat(xs, axis);
      const total = sizes.reduce((p, n) => p + n, 0);
      const shape = s.map((d, j) => (j === a ? total : d));
      const ref = Array.from({ length: sizeOf(shape) }, (_, i) => {
        const idx = unravel(i, shape);
        let k = 0;
        while (idx[a]! >= sizes[k]!) idx[a]! -= sizes[k++]!;
        return flat(xs[k]!)[ravel(idx, xs[k]!.shape)]!;
      });
      expectTensor(out, shape, ref);
      const w = fromTypedArray(values(sizeOf(shape), seed + 9), shape);
      out.mul(w).sum().backward();
      let start = 0;
      xs.forEach((x, i) => {
        expectTensor(x.grad!, x.shape, flat(w.slice(a, start, start + sizes[i]!)));
        start += sizes[i]!;
      });
    },
  );

  it('cat along a negative axis joins along that axis counted from the end', () => {
    const a = tensor([[1], [2]]);
    const b = tensor([
      [3, 4],
      [5, 6],
    ]);
    expect(cat([a, b], -1).toArray()).toEqual([
      [1, 3, 4],
      [2, 5, 6],
    ]);
    expect(cat([b, b], -2).shape).toEqual([4, 2]);
  });

  // Fixed, kept as a regression test: cat's rule reads the input sizes at the raw (negative) axis: cat([a, b], -1) then backward() throws
  // "AutogradError: cat: gradient for input 1 has shape [2, NaN]", and cat([x], -1) gives x a zero gradient.
  // torch normalizes the dim: the gradients are the matching slices.
  it('cat along a negative axis passes each input its slice of the gradient', () => {
    const a = tensor([[1], [2]], { requiresGrad: true });
    const b = tensor(
      [
        [3, 4],
        [5, 6],
      ],
      { requiresGrad: true },
    );
    cat([a, b], -1)
      .mul(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      )
      .sum()
      .backward();
    expect(a.grad!.toArray()).toEqual([[1], [4]]);
    expect(b.grad!.toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
  });

  it('cat of one tensor along axis -1 passes the gradient through', () => {
    const x = tensor([[2]], { requiresGrad: true });
    cat([x], -1).mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([[3]]);
  });

  testProp(
    [
      arbShape(0, 3, [1, 2, 3]).chain((s) =>
        fc.tuple(
          fc.constant(s),
          fc.integer({ min: -s.length - 1, max: s.length }),
          fc.integer({ min: 1, max: 3 }),
          arbSeed,
        ),
      ),
    ],
    RUNS,
  )(
    'stack joins along a new axis (negative counts from ndim + 1); each input gets its slice of the gradient',
    ([s, axis, count, seed]) => {
      const xs = Array.from({ length: count }, (_, i) => rt(s, seed + i, 'reals', true));
      const a = axis < 0 ? axis + s.length + 1 : axis;
      const shape = [...s.slice(0, a), count, ...s.slice(a)];
      const ref = Array.from({ length: sizeOf(shape) }, (_, i) => {
        const idx = unravel(i, shape);
        const k = idx.splice(a, 1)[0]!;
        return flat(xs[k]!)[ravel(idx, s)]!;
      });
      const out = stack(xs, axis);
      expectTensor(out, shape, ref);
      const w = fromTypedArray(values(sizeOf(shape), seed + 5), shape);
      out.mul(w).sum().backward();
      xs.forEach((x, k) => {
        expectTensor(x.grad!, s, flat(w.slice(a, k, k + 1)));
      });
    },
  );

  testProp([arbBroadcastPair(3), arbShape(0, 2, [1]), arbSeed], RUNS)(
    'where(cond, x, y) broadcasts all three; x takes the gradient where cond, y elsewhere',
    ([sx, sy], sc0, seed) => {
      const sc = broadcast(
        sc0,
        [...sx].map(() => 1),
      );
      const cond = fromTypedArray(
        values(sizeOf(sc), seed, 'ints').map((v) => (v > 0 ? 1 : 0)),
        sc,
      );
      const x = rt(sx, seed + 1, 'reals', true);
      const y = rt(sy, seed + 2, 'reals', true);
      const out = where(cond, x, y);
      const so = broadcast(broadcast(sc, sx), sy);
      const [cd, xd, yd] = [flat(cond), flat(x), flat(y)];
      const gx = new Array<number>(x.size).fill(0);
      const gy = new Array<number>(y.size).fill(0);
      const ref = Array.from({ length: sizeOf(so) }, (_, i) => {
        const idx = unravel(i, so);
        const c = cd[readIndex(idx, sc)]! !== 0;
        if (c) gx[readIndex(idx, sx)]! += 1;
        else gy[readIndex(idx, sy)]! += 1;
        return c ? xd[readIndex(idx, sx)]! : yd[readIndex(idx, sy)]!;
      });
      expectTensor(out, so, ref);
      out.sum().backward();
      expectTensor(x.grad!, sx, gx);
      expectTensor(y.grad!, sy, gy);
    },
  );

  it('where with a number on either side', () => {
    const c = tensor([1, 0, 1]);
    expect(where(c, tensor([1, 2, 3]), 0).toArray()).toEqual([1, 0, 3]);
    expect(where(c, -1, tensor([1, 2, 3])).toArray()).toEqual([-1, 2, -1]);
  });
});
