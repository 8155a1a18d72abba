/** @file sum, mean, max, min, argmax and argmin over axes, against naive loops, and where their gradients go. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromTypedArray, tensor } from '../../src/index.js';
import {
  arbSeed,
  arbShape,
  axesOf,
  expectTensor,
  flat,
  ravel,
  reduceNaive,
  rt,
  type Shape,
  sizeOf,
  testProp,
  unravel,
  values,
} from './naive.js';

const RUNS = { numRuns: 40 };

/** An axis argument for rank `nd`: undefined, one (maybe negative) axis, or a non-empty list in any order. */
const arbAxis = (nd: number): fc.Arbitrary<number | number[] | undefined> => {
  if (nd === 0) return fc.constant(undefined);
  const one = fc.integer({ min: -nd, max: nd - 1 });
  const list = fc
    .shuffledSubarray([...Array(nd).keys()], { minLength: 1 })
    .chain((axes) =>
      fc
        .array(fc.boolean(), { minLength: axes.length, maxLength: axes.length })
        .map((neg) => axes.map((a, i) => (neg[i] ? a - nd : a))),
    );
  return fc.oneof(fc.constant(undefined), one, list);
};

const arbReduction = arbShape(0, 4).chain((s) =>
  fc.tuple(
    fc.constant(s),
    arbAxis(s.length),
    fc.boolean(),
    arbSeed,
    fc.constantFrom('ints', 'reals' as const),
  ),
);

describe('reductions', () => {
  const KINDS = ['sum', 'mean', 'max', 'min'] as const;
  testProp([arbReduction, fc.constantFrom(...KINDS)], { numRuns: 60 })(
    'sum mean max min with axis number/array/negative/undefined and keepdim equal naive loops',
    ([s, axis, keepdim, seed, kind], op) => {
      const x = rt(s, seed, kind);
      const out = x[op](axis, keepdim);
      const ref = reduceNaive(flat(x), s, axis, keepdim, op);
      expectTensor(out, ref.shape, ref.data, 1e-12);
    },
  );

  it('keepdim with no axis keeps every axis as 1', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(x.sum(undefined, true).shape).toEqual([1, 1]);
    expect(x.max(undefined, true).toArray()).toEqual([[4]]);
    expect(x.mean(undefined, true).toArray()).toEqual([[2.5]]);
  });

  /** Gradient of Σ w ⊙ max(x, axis): w goes to the first extreme element of each group. */
  function firstOccurrenceGrad(
    x: number[],
    s: Shape,
    axis: number,
    kind: 'max' | 'min',
    w: number[],
  ): number[] {
    const kept = s.map((d, i) => (i === axis ? 1 : d));
    const best = new Map<number, number>();
    for (let i = 0; i < x.length; i++) {
      const idx = unravel(i, s);
      idx[axis] = 0;
      const j = ravel(idx, kept);
      const b = best.get(j);
      if (b === undefined || (kind === 'max' ? x[i]! > x[b]! : x[i]! < x[b]!)) best.set(j, i);
    }
    const g = new Array<number>(x.length).fill(0);
    for (const [j, i] of best) g[i] = w[j]!;
    return g;
  }

  testProp(
    [
      arbShape(2, 4, [1, 2, 3, 5]).chain((s) =>
        fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 }), fc.boolean(), arbSeed),
      ),
      fc.constantFrom('max' as const, 'min' as const),
    ],
    RUNS,
  )(
    'max/min along an axis send the gradient to the first selected element (ties: first, as torch CPU)',
    ([s, axis, keepdim, seed], kind) => {
      const x = rt(s, seed, 'ints', true);
      const out = x[kind](axis, keepdim);
      const w = values(out.size, seed + 7);
      out.mul(fromTypedArray(w, out.shape)).sum().backward();
      const a = axis < 0 ? axis + s.length : axis;
      expectTensor(x.grad!, s, firstOccurrenceGrad(flat(x), s, a, kind, Array.from(w)));
    },
  );

  testProp([arbShape(0, 4, [1, 2, 3, 5]), arbSeed, fc.constantFrom('max' as const, 'min' as const)], RUNS)(
    'max/min over all elements share the gradient evenly among ties, as torch',
    (s, seed, kind) => {
      const x = rt(s, seed, 'ints', true);
      const out = x[kind]();
      out.mul(3).backward();
      const m = out.item();
      const ties = flat(x).filter((v) => v === m).length;
      expectTensor(
        x.grad!,
        s,
        flat(x).map((v) => (v === m ? 3 / ties : 0)),
      );
    },
  );

  testProp(
    [
      arbShape(1, 3, [1, 2, 3]).chain((s) =>
        fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.keys()], { minLength: 1 }), fc.boolean(), arbSeed),
      ),
      fc.constantFrom('max' as const, 'min' as const),
    ],
    RUNS,
  )(
    "max/min over a list of axes share each block's gradient evenly among its ties, as torch.amax/amin",
    ([s, axes, keepdim, seed], kind) => {
      const x = rt(s, seed, 'ints', true);
      const out = x[kind](axes, keepdim);
      const w = values(out.size, seed + 3);
      out.mul(fromTypedArray(w, out.shape)).sum().backward();
      const kept = s.map((d, i) => (axes.includes(i) ? 1 : d));
      const blockOf = (i: number) =>
        ravel(
          unravel(i, s).map((v, d) => (axes.includes(d) ? 0 : v)),
          kept,
        );
      const data = flat(x);
      const best = flat(x[kind](axes, true));
      const ties = new Array<number>(best.length).fill(0);
      data.forEach((v, i) => {
        if (v === best[blockOf(i)]) ties[blockOf(i)]! += 1;
      });
      const want = data.map((v, i) => (v === best[blockOf(i)] ? w[blockOf(i)]! / ties[blockOf(i)]! : 0));
      expectTensor(x.grad!, s, want);
    },
  );

  it('max with ties along an axis: [[3, 1, 3], [2, 2, 0]].max(1)', () => {
    const x = tensor(
      [
        [3, 1, 3],
        [2, 2, 0],
      ],
      { requiresGrad: true },
    );
    x.max(1).sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [1, 0, 0],
      [1, 0, 0],
    ]);
  });

  // Fixed, kept as a regression test: for a 1-D tensor, max(0) / min(0) reduces every axis, and chainrule then splits ties evenly
  // ([0.5, 0, 0.5]); torch.max(x, dim=0) is an indexed reduction whose gradient goes to the first index only.
  it('max(0) of a 1-D tensor sends the gradient to the first maximum only, as torch.max(x, 0)', () => {
    const x = tensor([3, 1, 3], { requiresGrad: true });
    x.max(0).backward();
    expect(x.grad!.toArray()).toEqual([1, 0, 0]);
  });

  it('min(-1, keepdim) of a 1-D tensor sends the gradient to the first minimum only', () => {
    const x = tensor([0, 1, 0], { requiresGrad: true });
    x.min(-1, true).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 0, 0]);
  });

  testProp(
    [
      arbShape(1, 4, [1, 2, 3, 5]).chain((s) =>
        fc.tuple(
          fc.constant(s),
          fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }),
          fc.boolean(),
          arbSeed,
        ),
      ),
      fc.constantFrom('argmax' as const, 'argmin' as const),
    ],
    RUNS,
  )('argmax/argmin give the first extreme index, flat when no axis', ([s, axis, keepdim, seed], op) => {
    const x = rt(s, seed, 'ints', true);
    const out = x[op](axis, keepdim);
    const better = (v: number, b: number) => (op === 'argmax' ? v > b : v < b);
    const data = flat(x);
    expect(out.requiresGrad).toBe(false);
    if (axis === undefined) {
      let best = 0;
      for (let i = 1; i < data.length; i++) if (better(data[i]!, data[best]!)) best = i;
      expectTensor(out, keepdim ? s.map(() => 1) : [], [best]);
      return;
    }
    const a = axesOf(axis, s.length)[0]!;
    const kept = s.map((d, i) => (i === a ? 1 : d));
    const idx = new Array<number>(sizeOf(kept)).fill(-1);
    const bestVal = new Array<number>(sizeOf(kept)).fill(0);
    for (let i = 0; i < data.length; i++) {
      const mi = unravel(i, s);
      const along = mi[a]!;
      mi[a] = 0;
      const j = ravel(mi, kept);
      if (idx[j]! < 0 || better(data[i]!, bestVal[j]!)) {
        idx[j] = along;
        bestVal[j] = data[i]!;
      }
    }
    expectTensor(out, keepdim ? kept : s.filter((_, i) => i !== a), idx);
  });

  // Deliberate difference: an empty axis list returns the tensor unchanged (NumPy's reading); torch.sum(x, dim=[]) reduces every
  // axis (a known PyTorch wart, pytorch/pytorch#60845, #105798; may be a deliberate choice here).
  it.fails('sum(x, []) reduces every axis, as torch.sum(x, dim=[])', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(x.sum([]).shape).toEqual([]);
    expect(x.sum([]).item()).toBe(10);
  });

  // torch wraps dim 0 / -1 on a 0-d tensor as if it had one axis
  it('sum(0) of a 0-d tensor is the tensor itself, as torch', () => {
    expect(tensor(3).sum(0).item()).toBe(3);
  });
  it('max(-1) of a 0-d tensor is the tensor itself, as torch', () => {
    expect(tensor(3).max(-1).item()).toBe(3);
  });
  it('squeeze(0) and transpose(0, -1) of a 0-d tensor return it, as torch', () => {
    expect(tensor(3).squeeze(0).shape).toEqual([]);
    expect(tensor(3).transpose(0, -1).item()).toBe(3);
  });
  it('argmax(0) of a 0-d tensor is 0, as torch', () => {
    expect(tensor(3).argmax(0).item()).toBe(0);
  });
});

const tied = () =>
  tensor(
    [
      [1, 3],
      [3, 0],
    ],
    { requiresGrad: true },
  );

describe('max and min with tied elements', () => {
  it('a list of axes shares the gradient evenly among ties, as torch.amax', () => {
    const a = tied();
    a.max([0, 1]).backward();
    expect(a.grad!.toArray()).toEqual([
      [0, 0.5],
      [0.5, 0],
    ]);
  });

  it('a list of one axis is still amax: ties in a row share', () => {
    const a = tensor(
      [
        [3, 3],
        [3, 0],
      ],
      { requiresGrad: true },
    );
    a.max([1], true).sum().backward();
    expect(a.grad!.toArray()).toEqual([
      [0.5, 0.5],
      [1, 0],
    ]);
  });

  it('a single axis sends it to the first tied element, as torch.max(dim)', () => {
    const a = tensor(
      [
        [3, 3],
        [3, 0],
      ],
      { requiresGrad: true },
    );
    a.max(1).sum().backward();
    expect(a.grad!.toArray()).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('no axis shares evenly, as torch.max()', () => {
    const a = tied();
    a.max().backward();
    expect(a.grad!.toArray()).toEqual([
      [0, 0.5],
      [0.5, 0],
    ]);
  });

  it('min follows the same rules, as torch.amin and torch.min(dim)', () => {
    const a = tensor(
      [
        [0, 2],
        [0, 0],
      ],
      { requiresGrad: true },
    );
    a.min([0, 1]).backward();
    expect(a.grad!.toArray()).toEqual([
      [1 / 3, 0],
      [1 / 3, 1 / 3],
    ]);
    const b = tensor(
      [
        [0, 2],
        [0, 0],
      ],
      { requiresGrad: true },
    );
    b.min(0).sum().backward();
    expect(b.grad!.toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('a list of axes over a 3-d tensor shares within each block it reduces', () => {
    const a = tensor(
      [
        [
          [5, 5],
          [1, 5],
        ],
        [
          [2, 0],
          [2, 2],
        ],
      ],
      { requiresGrad: true },
    );
    a.max([1, 2]).sum().backward();
    const third = 1 / 3;
    expect(a.grad!.toArray()).toEqual([
      [
        [third, third],
        [0, third],
      ],
      [
        [third, 0],
        [third, third],
      ],
    ]);
  });
});
