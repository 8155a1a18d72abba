/**
 * @file Fuzzing the public surface with careless and hostile inputs (fast-check): every call returns
 * or throws a named error (`<op>: …`, of the promised types), never V8's bare message, and after any
 * error a fresh backward() works.
 */

import fc from 'fast-check';
import { describe, expect } from 'vitest';
import * as lib from '../../src/index.js';
import { testProp } from '../support/property.js';

const {
  Adam,
  AutogradError,
  arange,
  binaryCrossEntropy,
  eye,
  fromTypedArray,
  full,
  grad,
  gradcheck,
  linspace,
  manualSeed,
  noGrad,
  ones,
  rand,
  SGD,
  ShapeError,
  Tensor,
  tensor,
  toDot,
  Value,
  zeros,
} = lib;

/** Inputs a careless or hostile caller passes, including every one issue 8 lists. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    0,
    0.5,
    2,
    3,
    6,
    1e10,
    2 ** 32,
    '6',
    '0',
    '',
    'false',
    'float16',
    true,
    [],
    [2, 3],
    [-1],
    [1, 'a'],
    [[1], [1, 2]],
    [0.5],
    {},
    { op: 1, rest: 2 },
    { requiresGrad: 'false' },
    { label: 5 },
    { dtype: 'float16' },
    { betas: 0.9 },
    { lr: -1 },
    { requiresGrad: true, isLeaf: true },
    { createGraph: 'yes' },
    { gradOutputs: 5 },
    () => 3,
    async () => 1,
    Promise.resolve(1),
    Symbol('s'),
    10n,
    new Float32Array(2),
  ),
  fc.constant('tensor').map(() => tensor([1, 2], { requiresGrad: true, label: 'w' })),
  fc.constant('value').map(() => new Value(2)),
);

type Call = (a: unknown, b: unknown, c: unknown) => unknown;
const T = () =>
  tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { requiresGrad: true, label: 'myWeights' },
  );

/** Public functions and methods, called with junk. */
const CALLS: Record<string, Call> = {
  tensor: (a, b) => tensor(a, b as never),
  Value: (a, b) => new Value(a as never, b as never),
  Tensor: (a, b) => new Tensor(a as never, b as never),
  zeros: (a, b) => zeros(a as never, b as never),
  ones: (a, b) => ones(a as never, b as never),
  full: (a, b, c) => full(a as never, b as never, c as never),
  rand: (a, b) => rand(a as never, b as never),
  arange: (a, b, c) => arange(a as never, b as never, c as never),
  linspace: (a, b, c) => linspace(a as never, b as never, c as never),
  eye: (a, b) => eye(a as never, b as never),
  fromTypedArray: (a, b) => fromTypedArray(a as never, b as never),
  manualSeed: (a) => manualSeed(a as never),
  noGrad: (a) => noGrad(a as never),
  reshape: (a) => T().reshape(a as never),
  view: (a) => T().view(a as never),
  expand: (a) => T().expand(a as never),
  permute: (a) => T().permute(a as never),
  transpose: (a, b) => T().transpose(a as never, b as never),
  squeeze: (a) => T().squeeze(a as never),
  unsqueeze: (a) => T().unsqueeze(a as never),
  slice: (a, b, c) => T().slice(a as never, b as never, c as never),
  sum: (a, b) => T().sum(a as never, b as never),
  mean: (a) => T().mean(a as never),
  max: (a) => T().max(a as never),
  softmax: (a) => T().softmax(a as never),
  add: (a) => T().add(a as never),
  matmul: (a) => T().matmul(a as never),
  to: (a) => T().to(a as never),
  copy_: (a) => T().copy_(a as never),
  setData: (a) => {
    T().data = a as never;
  },
  setGrad: (a) => {
    T().grad = a as never;
  },
  setValueData: (a) => {
    new Value(1).data = a as never;
  },
  tensorBackward: (a, b) =>
    T()
      .sum()
      .backward(a as never, b as never),
  valueBackward: (a, b) => new Value(1).mul(2).backward(a as never, b as never),
  grad: (a, b, c) => grad(a as never, b as never, c as never),
  registerHook: (a) => T().registerHook(a as never),
  toDot: (a, b) => toDot(a as never, b as never),
  SGD: (a, b) => new SGD(a as never, b as never),
  Adam: (a) => new Adam([T()], a as never),
  gradcheck: (a, b) => gradcheck(a as never, b as never),
  binaryCrossEntropy: (a, b) => binaryCrossEntropy(a as never, b as never),
};

/** Named: `<op>: …` (or a gradcheck/engine message that names its op), of a promised type. */
function isNamed(e: unknown): boolean {
  const typed =
    e instanceof TypeError ||
    e instanceof RangeError ||
    e instanceof ShapeError ||
    e instanceof AutogradError;
  return typed && /^[A-Za-z_][\w.]*: /.test((e as Error).message);
}

function freshBackwardWorks(): boolean {
  const v = new Value(3);
  v.mul(v).backward();
  const t = tensor([1, 2], { requiresGrad: true });
  t.mul(t).sum().backward();
  return v.grad === 6 && t.grad!.array.data[1] === 4;
}

describe('fuzzing the public API', () => {
  testProp([fc.constantFrom(...Object.keys(CALLS)), junk, junk, junk], {
    numRuns: Number(process.env.FUZZ_RUNS ?? 600),
  })('every call returns or throws a named error, and backward() still works after', (name, a, b, c) => {
    try {
      const out = CALLS[name]!(a, b, c);
      if (out instanceof Promise) out.catch(() => {});
    } catch (e) {
      if (!isNamed(e))
        throw new Error(`${name}(${String(a)}, ${String(b)}, ${String(c)}) threw ${String(e)}`);
    }
    expect(freshBackwardWorks()).toBe(true);
  });

  testProp(
    [
      fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      fc.record(
        {
          requiresGrad: fc.oneof(fc.boolean(), fc.constantFrom('false', 0, null)),
          label: fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom(5, null)),
          dtype: fc.constantFrom('float64', 'float32', 'float16', 1),
        },
        { requiredKeys: [] },
      ),
    ],
    { numRuns: 300 },
  )(
    'construction: valid options are taken, any other type is a TypeError naming the creator',
    (shape, options) => {
      const valid =
        (options.requiresGrad === undefined || typeof options.requiresGrad === 'boolean') &&
        (options.label === undefined || typeof options.label === 'string') &&
        (options.dtype === undefined || options.dtype === 'float64' || options.dtype === 'float32');
      for (const [name, make] of [
        ['zeros', () => zeros(shape, options as never)],
        ['rand', () => rand(shape, options as never)],
      ] as const) {
        if (valid) {
          const t = make();
          expect(t.shape).toEqual(shape);
          expect(t.requiresGrad).toBe(options.requiresGrad ?? false);
          expect(t.label).toBe(options.label ?? '');
          expect(t.dtype).toBe(options.dtype ?? 'float64');
        } else {
          expect(make).toThrow(TypeError);
          expect(make).toThrow(new RegExp(`^${name}: `));
        }
      }
    },
  );

  testProp(
    [
      fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
      fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
      fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !/[[\]]/.test(s)),
    ],
    { numRuns: 300 },
  )('shapes: a broadcast either works or names both operands by label and shape', (sa, sb, label) => {
    const a = zeros(sa, { label });
    const b = ones(sb, { label: 'x' });
    let fits = true;
    for (let i = 1; i <= Math.max(sa.length, sb.length); i++) {
      const da = sa[sa.length - i] ?? 1;
      const db = sb[sb.length - i] ?? 1;
      if (da !== db && da !== 1 && db !== 1) fits = false;
    }
    for (const op of ['add', 'mul', 'sub'] as const) {
      if (fits) {
        expect(a[op](b).size).toBe(Math.max(a.size, b.size) === 0 ? 0 : a[op](b).size);
      } else {
        expect(() => a[op](b)).toThrow(ShapeError);
        expect(() => a[op](b)).toThrow(
          `${op}: cannot broadcast ${label} [${sa.join(', ')}] with x [${sb.join(', ')}]`,
        );
      }
    }
  });
});
