/**
 * @file A replay fuses runs of elementwise kernel calls into generated loops (compile/fuse.ts): on
 * random chains of elementwise ops, broadcast operands and both dtypes, the compiled step still gives
 * the eager step's numbers bit for bit (sums of a run's results and expands included), and it does
 * run fewer kernel calls.
 */

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  compile,
  customOp,
  type DType,
  kernelPath,
  randn,
  SGD,
  type Tensor,
  tensor,
  useKernels,
} from '../../src/index.js';
import { wasmGemmAvailable } from '../../src/kernels/wasm/gemm-wasm.js';
import { expectSameAsEager, sgdWorld } from './same-as-eager.js';

const UNARY = [
  'exp',
  'log',
  'tanh',
  'sigmoid',
  'relu',
  'abs',
  'sqrt',
  'neg',
  'sin',
  'cos',
  'log1p',
  'expm1',
  'softplus',
] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;

/** One op of a chain: a unary op, or a binary op whose other operand is a parameter, an earlier result or a number. */
type Step =
  | { readonly kind: 'unary'; readonly op: (typeof UNARY)[number] }
  | {
      readonly kind: 'binary';
      readonly op: (typeof BINARY)[number];
      readonly other: Other;
      readonly swap: boolean;
    };
type Other =
  | { readonly kind: 'param'; readonly shape: 'full' | 'row' | 'column' | 'scalar' }
  | { readonly kind: 'earlier'; readonly back: number }
  | { readonly kind: 'number'; readonly value: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('unary' as const), op: fc.constantFrom(...UNARY) }),
  fc.record({
    kind: fc.constant('binary' as const),
    op: fc.constantFrom(...BINARY),
    other: fc.oneof(
      fc.record({
        kind: fc.constant('param' as const),
        shape: fc.constantFrom('full' as const, 'row' as const, 'column' as const, 'scalar' as const),
      }),
      fc.record({ kind: fc.constant('earlier' as const), back: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('number' as const), value: fc.constantFrom(0.5, 2, -1, 0) }),
    ),
    swap: fc.boolean(),
  }),
);

/** Shapes of a parameter broadcast against [rows, cols]. */
function paramShape(shape: 'full' | 'row' | 'column' | 'scalar', rows: number, cols: number): number[] {
  return { full: [rows, cols], row: [cols], column: [rows, 1], scalar: [] }[shape];
}

/**
 * A training step running `chain` on x (its parameters trained by SGD), with its loss the sum of the
 * last result; the parameters are of x's dtype or (`paramDType`) another, so that results mix them.
 */
function world(
  chain: readonly Step[],
  rows: number,
  cols: number,
  dtype: DType,
  paramDType: DType,
  reduce: 'sum' | 'columns' | 'mean',
) {
  return () => {
    const x = randn([rows, cols], { dtype, requiresGrad: true });
    const params = chain.map((s) =>
      s.kind === 'binary' && s.other.kind === 'param'
        ? randn(paramShape(s.other.shape, rows, cols), { dtype: paramDType, requiresGrad: true })
        : null,
    );
    const leaves = [x, ...params.filter((p): p is Tensor => p !== null)];
    return sgdWorld(
      leaves,
      () => {
        const results: Tensor[] = [x];
        chain.forEach((s, i) => {
          const last = results.at(-1)!;
          if (s.kind === 'unary') {
            results.push(last[s.op]());
            return;
          }
          const o = s.other;
          const other =
            o.kind === 'param' ? params[i]! : o.kind === 'earlier' ? (results.at(-o.back) ?? x) : o.value;
          const [a, b] = s.swap && typeof other !== 'number' ? [other, last] : [last, other];
          results.push(a[s.op](b as Tensor));
        });
        const last = results.at(-1)!;
        return reduce === 'sum'
          ? last.sum()
          : reduce === 'mean'
            ? last.mean()
            : last.sum(0).mul(last.sum(0)).sum();
      },
      0.01,
    );
  };
}

describe('fused replay', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('gives the eager numbers bit for bit on random elementwise chains, broadcasting, both dtypes and mixed', () => {
    const dtype = fc.constantFrom<DType>('float64', 'float32');
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        dtype,
        dtype,
        fc.constantFrom('sum' as const, 'columns' as const, 'mean' as const),
        (chain, rows, cols, xd, pd, reduce) => expectSameAsEager(world(chain, rows, cols, xd, pd, reduce), 3),
      ),
      { numRuns: 150 },
    );
  });

  it('runs a chain as one loop, with one large per-element function (exp, log, sigmoid) a loop at most', () => {
    const x = randn([4, 3]);
    const b = randn([3]);
    const f = compile((t: Tensor) => t.add(b).sigmoid().mul(2).neg().add(1));
    const want = f.eager(x);
    f(x);
    expect([...f(x).array.data]).toEqual([...want.array.data]);
    expect(f.kernelCalls).toEqual([1]);
    // sigmoid, then log and exp: three loops (V8 inlines no second large function into a loop)
    const g = compile((t: Tensor) => t.add(b).sigmoid().log().mul(2).exp());
    const wantG = g.eager(x);
    g(x);
    expect([...g(x).array.data]).toEqual([...wantG.array.data]);
    expect(g.kernelCalls).toEqual([3]);
  });

  it('stores only the results read after their loop: the others live in its locals', () => {
    const b = randn([3]);
    const kept: Tensor[] = [];
    // pre is read only inside its loop (by sigmoid); the second step reads it again after a sum ends the loop
    const once = compile((t: Tensor) => {
      const pre = t.add(b);
      kept.push(pre);
      return pre.sigmoid();
    });
    const again = compile((t: Tensor) => {
      const pre = t.add(b);
      return pre.sigmoid().sum().mul(pre);
    });
    once(randn([4, 3]));
    const atCapture = [...kept[0]!.array.data];
    for (const f of [once, again]) {
      f(randn([4, 3]));
      const x = randn([4, 3]);
      expect([...f(x).array.data]).toEqual([...f.eager(x).array.data]);
    }
    expect(kept.length).toBe(2); // the capture's call and eager's: a replay runs no JavaScript of the step
    expect([...kept[0]!.array.data]).toEqual(atCapture); // never written by a replay
  });

  it('runs a call whose operand needs more than two strides as its own kernel, and fuses the rest', () => {
    // [2, 1, 3] and [1, 4, 3] broadcast to [2, 4, 3] are read by three strides: mul and add run alone;
    // exp, neg (of the argument, not of a result of the run) and their product make one loop.
    const x = randn([2, 4, 3]);
    const y = randn([2, 1, 3]);
    const z = randn([1, 4, 3]);
    const f = compile((t: Tensor) => t.mul(y).add(z).exp().mul(t.neg()));
    const want = f.eager(x);
    f(x);
    expect([...f(x).array.data]).toEqual([...want.array.data]);
    expect(f.kernelCalls).toEqual([3]);
  });

  it('runs each call as its own kernel where code cannot be generated (a Content-Security-Policy without eval)', () => {
    // NOTE: a function, not an arrow: `new Function(…)` must reach the refusal, as a page's CSP refuses
    vi.stubGlobal('Function', function refused() {
      throw new EvalError('Refused to evaluate a string as JavaScript');
    });
    const x = randn([4, 3]);
    const b = randn([3]);
    const f = compile((t: Tensor) => t.add(b).sigmoid().mul(2));
    const want = f.eager(x);
    f(x);
    expect([...f(x).array.data]).toEqual([...want.array.data]);
    expect(f.kernelCalls).toEqual([3]);
  });

  it('raises a generated loop that does not compile (a bug of the generator), instead of running slowly', () => {
    vi.stubGlobal('Function', function broken() {
      throw new SyntaxError('Unexpected token');
    });
    const b = randn([3]);
    const f = compile((t: Tensor) => t.add(b).tanh().mul(3));
    expect(() => f(randn([4, 3]))).toThrow(SyntaxError);
  });

  it('never fuses a customOp: its forward on numbers is for Value, its array forward any kernels', () => {
    const mm = customOp({
      name: 'mm',
      forward: (B, x, w) => B.matmul(x, w),
      backward: (B, g, { ins: [x, w] }) => [B.matmulNT(g, w!), B.matmulTN(x!, g)],
    });
    // shapes that do not broadcast ([4, 3] @ [3, 2]) and shapes that do ([3, 3] @ [3, 3])
    for (const [xs, ws] of [
      [
        [4, 3],
        [3, 2],
      ],
      [
        [3, 3],
        [3, 3],
      ],
    ]) {
      const w = randn(ws!);
      const f = compile((t: Tensor) => (mm(t, w) as Tensor).exp());
      const x = randn(xs!);
      const want = f.eager(x);
      f(x);
      expect([...f(x).array.data]).toEqual([...want.array.data]);
    }
    // a float32 kernel that rounds its steps, which a customOp's number forward does not say
    const tb = customOp({
      name: 'tb',
      forward: (B, g, y) => B.tanhBackward(g, y),
      backward: (_B, g) => [g, g],
    });
    const y = randn([64], { dtype: 'float32' });
    const f = compile((g: Tensor) => (tb(g, y) as Tensor).mul(1));
    const g = randn([64], { dtype: 'float32' });
    const want = f.eager(g);
    f(g);
    const got = f(g);
    expect([...got.array.data].every((v, i) => Object.is(v, want.array.data[i]))).toBe(true);
  });

  // Fixed, kept as a regression test: a loop computed pow by Math.pow, whose 1^NaN, 1^±∞ and (−1)^±∞ are
  // NaN (ECMAScript's rule), as the kernel's ** did; C's pow and torch give 1.
  it('computes pow in a loop as the kernel does: 1^NaN, 1^±∞ and (−1)^±∞ are 1 (torch’s), gradients too', () => {
    const [I, N] = [Number.POSITIVE_INFINITY, Number.NaN];
    for (const dtype of ['float64', 'float32'] as const) {
      const x = tensor([1, 1, 1, -1, -1, -1, 0.5], { dtype });
      const y = tensor([N, I, -I, I, -I, N, 3], { dtype });
      const f = compile((a: Tensor, b: Tensor) => a.pow(b).mul(2).add(a.pow(I)));
      f(x, y);
      const got = [...f(x, y).array.data];
      expect(f.kernelCalls).toEqual([1]);
      // torch: x.pow(y) * 2 + x.pow(inf)
      const want = [3, 3, 3, 3, 3, N, 0.25];
      expect(
        got.every((v, i) => Object.is(v, want[i])),
        `${dtype}: ${got}`,
      ).toBe(true);
      expectSameAsEager(() => ({
        step: (a: Tensor, b: Tensor) => {
          const [xa, yb] = [a.detach(), b.detach()];
          xa.requiresGrad = true;
          yb.requiresGrad = true;
          const loss = xa.pow(yb).mul(xa.pow(-I)).sum();
          loss.backward();
          return [loss, xa.grad!, yb.grad!];
        },
        args: () => [x, y],
        state: () => [],
      }));
    }
  });

  it('keeps the numbers 0 and −0 apart as operands of one loop', () => {
    const op = customOp({
      name: 'twice',
      forward: (B, x) => B.mul(x, 2),
      backward: (B, g) => [B.add(B.mul(g, -0), 0)], // g·(−0) + 0 = +0, never −0
    });
    const x = randn([4], { requiresGrad: true });
    const opt = new SGD([x], { lr: 0.1 });
    const f = compile(() => {
      opt.zeroGrad();
      (op(x) as Tensor).sum().backward();
      opt.step();
      return x.grad!.mul(1);
    });
    f();
    const got = [...f().array.data];
    expect(got.every((v) => Object.is(v, 0))).toBe(true);
  });

  it("fuses narrow matrix products (and their transposed forms in backward) with the gemm's sums, bit for bit", () => {
    const dtype = fc.constantFrom<DType>('float64', 'float32');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
        fc.constantFrom(1, 2, 3, 7, 8),
        dtype,
        dtype,
        fc.boolean(),
        (m, k, n, xd, wd, batched) =>
          expectSameAsEager(() => {
            const x = randn(batched ? [2, m, k] : [m, k], { dtype: xd, requiresGrad: true });
            const w = randn([k, n], { dtype: wd, requiresGrad: true });
            const b = randn([n], { dtype: wd, requiresGrad: true });
            return sgdWorld([x, w, b], () => x.matmul(w).add(b).sigmoid().mul(x.matmul(w)).sum());
          }, 3),
      ),
      { numRuns: 60 },
    );
  });

  it("ends a loop with a weight's gradient aᵀ @ g (long sums, any k mod 4), hoisted past other loops, bit for bit", () => {
    const dtype = fc.constantFrom<DType>('float64', 'float32');
    fc.assert(
      fc.property(
        fc.integer({ min: 9, max: 42 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        dtype,
        dtype,
        // softplus′ is a sigmoid: g's loop then calls a large function, and runs 4 to 7 columns as a
        // loop over columns (partial sums in an array) instead of one block each (partials in locals)
        fc.constantFrom('sigmoid' as const, 'softplus' as const),
        (k, m, n, xd, wd, act) =>
          expectSameAsEager(() => {
            const x = randn([k, m], { dtype: xd, requiresGrad: true });
            const w0 = randn([m, m], { dtype: wd, requiresGrad: true });
            const w1 = randn([m, n], { dtype: wd, requiresGrad: true });
            // w1's gradient hᵀ @ g comes after the loop of g @ w1ᵀ, which it passes to end g's loop
            return sgdWorld([x, w0, w1], () => x.matmul(w0).tanh().matmul(w1)[act]().sum());
          }, 3),
      ),
      { numRuns: 80 },
    );
  });

  it("computes a weight's gradient aᵀ @ g in the loop that makes g, where the JS gemm would", () => {
    /** The kernel calls of a compiled step giving w's gradient of Σ sigmoid(x @ w), after checking it is eager's. */
    const callsOf = (x: Tensor, w: Tensor) => {
      const f = compile(() => {
        w.zeroGrad();
        const loss = x.matmul(w).sigmoid().sum();
        loss.backward();
        return loss;
      });
      f();
      const got = [...w.grad!.array.data];
      f.eager();
      expect(got).toEqual([...w.grad!.array.data]);
      return f.kernelCalls;
    };
    // forward (product, sigmoid, sum), then backward: expand, sigmoid′ and xᵀ @ g in one loop; the
    // forced wasm path computes xᵀ @ g (and x @ w) in WebAssembly
    expect(callsOf(randn([37, 3]), randn([3, 2], { requiresGrad: true }))).toEqual([
      kernelPath() === 'wasm' ? 4 : 2,
    ]);
    // 17 rows of output are more statements than a loop takes: xᵀ @ g runs as its own kernel (and
    // x @ w, 17 terms an element, as one before the loop of sigmoid and sum)
    const wide = callsOf(randn([37, 17]), randn([17, 2], { requiresGrad: true }));
    if (kernelPath() !== 'wasm') expect(wide).toEqual([4]);
  });

  it('ends no loop with a product whose left operand is made after that loop (it would read the last call’s)', () => {
    for (const [aFirst, calls] of [
      [true, 2], // u.exp(), then sigmoid with a @ g at its end
      [false, 3], // sigmoid, u.exp(), then a @ g as its own kernel
    ] as const) {
      const f = compile((t: Tensor, u: Tensor) => {
        const early = aFirst ? u.exp() : null;
        const g = t.sigmoid();
        return (early ?? u.exp()).matmul(g);
      });
      for (let i = 0; i < 3; i++) {
        const [x, y] = [randn([20, 3]), randn([3, 20])];
        expect([...f(x, y).array.data]).toEqual([...f.eager(x, y).array.data]);
      }
      if (kernelPath() !== 'wasm') expect(f.kernelCalls).toEqual([calls]);
    }
  });

  it('runs a narrow product inside the loop that reads it', () => {
    const x = randn([400, 3]);
    const w = randn([3, 1]);
    const f = compile((t: Tensor) => t.matmul(w).add(1).sigmoid());
    const want = f.eager(x);
    f(x);
    expect([...f(x).array.data]).toEqual([...want.array.data]);
    // [400, 3] @ [3, 1] is the JS gemm's (too few flops for the wasm one), unless wasm is forced
    expect(f.kernelCalls).toEqual([kernelPath() === 'wasm' ? 2 : 1]);
  });

  it('replays the W4 step (the lesson network, BCE written op by op, SGD) as the 7 calls docs/compile.md states', () => {
    const X = randn([400, 2]);
    const Y = randn([400, 1]).sigmoid();
    const oneMinusY = Y.neg().add(1);
    const params = [[2, 3], [3], [3, 1], [1]].map((shape) => randn(shape, { requiresGrad: true }));
    const [w0, b0, w1, b1] = params as [Tensor, Tensor, Tensor, Tensor];
    const opt = new SGD(params, { lr: 0.5 });
    const step = compile(() => {
      opt.zeroGrad();
      const h = X.matmul(w0).add(b0).sigmoid();
      const yhat = h.matmul(w1).add(b1).sigmoid();
      const E = Y.mul(yhat.log())
        .add(oneMinusY.mul(yhat.neg().add(1).log()))
        .mean()
        .neg();
      E.backward();
      opt.step();
      return E;
    });
    step();
    // [400, 2] @ [2, 3] is narrow with short sums: the JS gemm's by default and on the js path, fused;
    // the forced wasm path takes it and [400, 3] @ [3, 1] (two kernel calls again)
    expect(step.kernelCalls).toEqual([{ auto: 7, js: 7, wasm: 12 }[kernelPath()]]);
  });

  it('follows a change of kernel path between calls: a fused product sums as the kernel now would', () => {
    const before = kernelPath();
    const paths = wasmGemmAvailable
      ? (['auto', 'wasm', 'js', 'auto'] as const)
      : (['auto', 'js', 'auto'] as const);
    try {
      for (const dtype of ['float64', 'float32'] as const) {
        const x = randn([40, 8], { dtype });
        const w = randn([8, 3], { dtype });
        useKernels('auto');
        const f = compile((t: Tensor) => t.matmul(w).add(1));
        f(x);
        for (const path of paths) {
          useKernels(path);
          const got = f(x).array.data;
          const want = f.eager(x).array.data;
          expect(
            [...got].every((v, i) => Object.is(v, want[i])),
            `${dtype} after useKernels('${path}')`,
          ).toBe(true);
        }
      }
    } finally {
      useKernels(before);
    }
  });

  it('replays aᵀ @ g with an operand past the transpose buffer after a change of kernel path', () => {
    // Whether matmulTN copies aᵀ depends on the path (the WebAssembly gemm reads it in place): a
    // replay must not expect the copy its capture made, nor miss one (x is 300×256 = 76,800 elements).
    const before = kernelPath();
    const paths = wasmGemmAvailable ? (['auto', 'js', 'wasm', 'js'] as const) : (['auto', 'js'] as const);
    try {
      for (const out of [64, 4]) {
        const w = randn([256, out], { requiresGrad: true });
        const x = randn([300, 256]);
        const f = compile((t: Tensor) => {
          w.zeroGrad();
          const loss = t.matmul(w).sum();
          loss.backward();
          return loss;
        });
        for (const path of paths) {
          useKernels(path);
          f(x);
          const got = [...w.grad!.array.data];
          f.eager(x);
          const want = w.grad!.array.data;
          expect(
            got.every((v, i) => Object.is(v, want[i])),
            `[256, ${out}] after useKernels('${path}')`,
          ).toBe(true);
        }
      }
    } finally {
      useKernels(before);
    }
  });
});
