/**
 * @file Option keys a function does not take are refused, as PyTorch's "got an unexpected keyword
 * argument": a TypeError naming the op, the key, the key it was probably meant to be, and every key
 * the op takes. Each entry below takes a misspelt key (refused) and every key it knows (accepted).
 */

import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  arange,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  CosineAnnealingLR,
  compile,
  crossEntropy,
  DataLoader,
  detectAnomaly,
  explain,
  exportOnnx,
  eye,
  fromTypedArray,
  full,
  grad,
  gradcheck,
  hessian,
  huberLoss,
  hvp,
  jacobian,
  jvp,
  Linear,
  l1Loss,
  linspace,
  MLP,
  mseLoss,
  nllLoss,
  ones,
  onesLike,
  rand,
  randn,
  readCsv,
  SGD,
  StepLR,
  saveSafetensors,
  setDetectAnomaly,
  Tensor,
  tensor,
  toDot,
  toHtml,
  traceBackward,
  traceFrames,
  Value,
  valueAndGrad,
  vjp,
  zeros,
  zerosLike,
} from '../../src/index.js';

type Options = Record<string, unknown>;

interface Entry {
  /** The op the error names. */
  readonly op: string;
  /** Calls the entry with `options` (a rejected promise counts as a throw). */
  readonly call: (options: Options) => unknown;
  /** A misspelt key, and the key the error should suggest (null: none). */
  readonly wrong: readonly [key: string, suggestion: string | null];
  /** Every key the entry takes, each with a value it accepts. */
  readonly valid: Options;
}

const w = () => tensor([1, 2], { requiresGrad: true });
const square = (x: Tensor) => x.mul(x).sum();

const ENTRIES: readonly Entry[] = [
  {
    op: 'Value',
    call: (o) => new Value(1, o),
    wrong: ['lable', 'label'],
    valid: { label: 'x', requiresGrad: false },
  },
  {
    op: 'backward',
    call: (o) => new Value(2).mul(3).backward(o),
    wrong: ['retain_graph', 'retainGraph'],
    valid: { createGraph: true, retainGraph: true },
  },
  {
    op: 'backward',
    call: (o) => new Value(2).mul(3).backward(1, o),
    wrong: ['create_graph', 'createGraph'],
    valid: { createGraph: true, retainGraph: true },
  },
  {
    op: 'backward',
    call: (o) => square(w()).backward(o),
    wrong: ['retain_graph', 'retainGraph'],
    valid: { createGraph: true, retainGraph: true },
  },
  {
    op: 'backward',
    call: (o) => square(w()).backward(undefined, o),
    wrong: ['retainGrpah', 'retainGraph'],
    valid: { createGraph: true, retainGraph: true },
  },
  {
    op: 'Tensor',
    call: (o) => new Tensor(tensor([1, 2]).array, o),
    wrong: ['requires_grad', 'requiresGrad'],
    valid: { requiresGrad: true, label: 'x', dtype: 'float64' },
  },
  {
    op: 'var',
    call: (o) => tensor([1, 2, 4]).var(0, o),
    wrong: ['unbiased', 'correction'],
    valid: { correction: 0, keepdim: true },
  },
  {
    op: 'std',
    call: (o) => tensor([1, 2, 4]).std(0, o),
    wrong: ['keepDim', 'keepdim'],
    valid: { correction: 0, keepdim: true },
  },
  ...(
    [
      ['tensor', (o: Options) => tensor([1, 2], o)],
      ['full', (o: Options) => full([2], 7, o)],
      ['zeros', (o: Options) => zeros([2], o)],
      ['ones', (o: Options) => ones([2], o)],
      ['arange', (o: Options) => arange(0, 3, 1, o)],
      ['linspace', (o: Options) => linspace(0, 1, 3, o)],
      ['eye', (o: Options) => eye(2, 2, o)],
      ['rand', (o: Options) => rand([2], o)],
      ['randn', (o: Options) => randn([2], o)],
      ['zerosLike', (o: Options) => zerosLike(tensor([1, 2]), o)],
      ['onesLike', (o: Options) => onesLike(tensor([1, 2]), o)],
    ] as const
  ).map(
    ([op, call]): Entry => ({
      op,
      call,
      wrong: ['dtyp', 'dtype'],
      valid: { requiresGrad: true, label: 'x', dtype: 'float32' },
    }),
  ),
  {
    op: 'fromTypedArray',
    call: (o) => fromTypedArray(new Float32Array([1, 2]), [2], o),
    wrong: ['dtype', null], // the array's own: Float32Array is float32
    valid: { requiresGrad: true, label: 'x' },
  },
  {
    op: 'grad',
    call: (o) => {
      const x = w();
      return grad(square(x), [x, w()], o);
    },
    wrong: ['allow_unused', 'allowUnused'],
    valid: { createGraph: true, allowUnused: true, gradOutputs: [1] },
  },
  {
    op: 'gradcheck',
    call: (o) => gradcheck((x) => x.tanh(), [new Value(0.3)], o),
    wrong: ['second_order', 'secondOrder'],
    valid: { eps: 1e-6, atol: 1e-5, rtol: 1e-3, secondOrder: false, seed: 1 },
  },
  {
    op: 'Linear',
    call: (o) => new Linear(2, 3, o),
    wrong: ['bais', 'bias'],
    valid: { bias: false, dtype: 'float32' },
  },
  {
    op: 'MLP',
    call: (o) => new MLP([2, 3, 1], o),
    wrong: ['activaton', 'activation'],
    valid: { activation: 'tanh', dropout: 0.1, bias: false, dtype: 'float32' },
  },
  {
    op: 'loadStateDict',
    call: (o) => new Linear(2, 1).loadStateDict({}, o),
    wrong: ['strikt', 'strict'],
    valid: { strict: false },
  },
  {
    op: 'SGD',
    call: (o) => new SGD([w()], o as never),
    wrong: ['momentun', 'momentum'],
    valid: { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true },
  },
  {
    op: 'Adam',
    call: (o) => new Adam([w()], o),
    wrong: ['weight_decay', 'weightDecay'],
    valid: { lr: 0.1, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.01 },
  },
  {
    op: 'AdamW',
    call: (o) => new AdamW([w()], o),
    wrong: ['beta', 'betas'],
    valid: { lr: 0.1, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.01 },
  },
  {
    op: 'StepLR',
    call: (o) => new StepLR(new SGD([w()], { lr: 0.1 }), o as never),
    wrong: ['step_size', 'stepSize'],
    valid: { stepSize: 2, gamma: 0.5 },
  },
  {
    op: 'CosineAnnealingLR',
    call: (o) => new CosineAnnealingLR(new SGD([w()], { lr: 0.1 }), o as never),
    wrong: ['T_max', 'tMax'],
    valid: { tMax: 10, etaMin: 0.01 },
  },
  {
    op: 'compile',
    call: (o) => compile((x: Tensor) => x.mul(2), o),
    wrong: ['cache_size_limit', 'cacheSizeLimit'],
    valid: { errorOnRecompile: true, cacheSizeLimit: 2 },
  },
  {
    op: 'DataLoader',
    call: (o) => new DataLoader([tensor([1, 2, 3])], o),
    wrong: ['batch_size', 'batchSize'],
    valid: { batchSize: 2, shuffle: true, dropLast: true, seed: 3 },
  },
  {
    op: 'saveSafetensors',
    call: (o) => saveSafetensors({ w: tensor([1]) }, o),
    wrong: ['metadta', 'metadata'],
    valid: { metadata: { epoch: '3' } },
  },
  {
    op: 'exportOnnx',
    call: (o) => exportOnnx((x) => x.mul(2), [tensor([[1, 2]])], o),
    wrong: ['opset_version', 'opset'],
    valid: { dynamicBatch: true, dtype: 'float32', inputNames: ['x'], outputNames: ['y'], opset: 17 },
  },
  {
    op: 'readCsv',
    call: (o) => readCsv('a;b\n1;2\n', o),
    wrong: ['delimeter', 'delimiter'],
    valid: { header: true, delimiter: ';', dtype: 'float32' },
  },
  ...(
    [
      ['vjp', (o: Options) => vjp(square, w(), undefined, o)],
      ['jvp', (o: Options) => jvp((x: Tensor) => x.sin(), w(), tensor([1, 1]), o)],
      ['hessian', (o: Options) => hessian(square, w(), o)],
      ['hvp', (o: Options) => hvp(square, w(), tensor([1, 0]), o)],
    ] as const
  ).map(
    ([op, call]): Entry => ({
      op,
      call,
      wrong: ['create_graph', 'createGraph'],
      valid: { createGraph: true },
    }),
  ),
  {
    op: 'jacobian',
    call: (o) => jacobian((x: Tensor) => x.mul(x), w(), o),
    wrong: ['stratgy', 'strategy'],
    valid: { createGraph: true, strategy: 'forward' },
  },
  {
    op: 'valueAndGrad',
    call: (o) => valueAndGrad((a: Tensor, b: Tensor) => a.mul(b).sum(), o)(w(), w()),
    wrong: ['argnum', 'argnums'],
    valid: { argnums: [0, 1] },
  },
  ...(
    [
      ['mseLoss', (o: Options) => mseLoss(w(), tensor([0, 1]), o)],
      ['l1Loss', (o: Options) => l1Loss(w(), tensor([0, 1]), o)],
      ['binaryCrossEntropy', (o: Options) => binaryCrossEntropy(tensor([0.5, 0.25]), tensor([0, 1]), o)],
      ['binaryCrossEntropyWithLogits', (o: Options) => binaryCrossEntropyWithLogits(w(), tensor([0, 1]), o)],
      ['crossEntropy', (o: Options) => crossEntropy(tensor([[1, 2]]), tensor([1]), o)],
      ['nllLoss', (o: Options) => nllLoss(tensor([[-1, -2]]), tensor([1]), o)],
    ] as const
  ).map(([op, call]): Entry => ({ op, call, wrong: ['reduce', 'reduction'], valid: { reduction: 'sum' } })),
  {
    op: 'huberLoss',
    call: (o) => huberLoss(w(), tensor([0, 1]), o),
    wrong: ['delt', 'delta'],
    valid: { reduction: 'sum', delta: 0.5 },
  },
  ...(() => {
    const x = new Value(2, { label: 'x' });
    const y = x.mul(x);
    const drawing = {
      rankdir: 'LR',
      maxNodes: 50,
      colour: 'gradient',
      heat: false,
      legend: true,
      edgeLabels: true,
      modules: [['x', x]],
      collapse: false,
      hideConstants: false,
      composites: false,
    };
    const trace = () => traceBackward(y, { accumulate: false });
    return [
      {
        op: 'toDot',
        call: (o: Options) => toDot(y, o),
        wrong: ['color', 'colour'],
        valid: { ...drawing, gradients: new Map(), highlight: y.id },
      },
      {
        op: 'toHtml',
        call: (o: Options) => toHtml(y, o),
        wrong: ['max_steps', 'maxSteps'],
        valid: {
          rankdir: 'LR',
          maxNodes: 50,
          modules: [['x', x]],
          hideConstants: false,
          composites: false,
          title: 't',
          colour: 'gradient',
          trace: trace(),
          maxExplain: 10,
          maxSteps: 100,
        },
      },
      {
        op: 'traceFrames',
        call: (o: Options) => traceFrames(y, trace(), o),
        wrong: ['edge_labels', 'edgeLabels'],
        valid: drawing,
      },
      {
        op: 'traceBackward',
        call: (o: Options) => traceBackward(y, o),
        wrong: ['acumulate', 'accumulate'],
        valid: { arrays: true, local: true, gradient: undefined, accumulate: false },
      },
      {
        op: 'explain',
        call: (o: Options) => explain(y, x, o),
        wrong: ['max_paths', 'maxPaths'],
        valid: { index: undefined, maxPaths: 4 },
      },
    ] satisfies Entry[];
  })(),
  {
    op: 'setDetectAnomaly',
    call: (o) => setDetectAnomaly(false, o),
    wrong: ['check_forward', 'checkForward'],
    valid: { checkForward: true },
  },
  {
    op: 'detectAnomaly',
    call: (o) => detectAnomaly(() => 1, o),
    wrong: ['checkforward', 'checkForward'],
    valid: { checkForward: true },
  },
];

/** What `call` threw, awaiting a promise it returned; null when it did not throw. */
async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return null;
  } catch (e) {
    return e;
  }
}

const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('an option key the function does not take is a TypeError naming the op, the key and the fix', () => {
  it.each(ENTRIES.map((e, i) => [`${e.op} (${i})`, e] as const))('%s', async (_, entry) => {
    const { op, call, wrong, valid } = entry;
    const [key, suggestion] = wrong;
    const e = await thrown(() => call({ [key]: 1 }));
    expect(e).toBeInstanceOf(TypeError);
    const hint = suggestion === null ? '' : `; did you mean '${suggestion}'\\?`;
    const message = (e as Error).message;
    expect(message).toMatch(
      new RegExp(`^${quote(op)}: unknown option '${quote(key)}'${hint} \\(${quote(op)} takes `),
    );
    // the keys the message lists are exactly those the entry takes, and all of them are accepted together
    const listed = /takes (.*)\)$/.exec(message)![1]!.split(', ');
    expect(listed).toEqual(Object.keys(valid));
    expect(await thrown(() => call(valid))).toBeNull();
  });

  it("SGD's message reads as PyTorch's TypeError does, with the fix", () => {
    expect(() => new SGD([w()], { lr: 0.1, momentun: 0.9 } as never)).toThrow(
      new TypeError(
        "SGD: unknown option 'momentun'; did you mean 'momentum'? (SGD takes lr, momentum, dampening, weightDecay, nesterov)",
      ),
    );
  });

  it('a misspelt key is refused whatever its value; a known key set to undefined takes the default', () => {
    expect(() => new SGD([w()], { lr: 0.1, momentun: undefined } as never)).toThrow(
      /unknown option 'momentun'/,
    );
    expect(() => new SGD([w()], { lr: 0.1, momentum: undefined })).not.toThrow();
    expect(() => new DataLoader([tensor([1, 2])], { ...{ batchSize: 2 }, shuffle: undefined })).not.toThrow();
  });

  it('symbol keys are not options; an object inheriting keys from another is no plain object', () => {
    expect(() => new SGD([w()], { lr: 0.1, [Symbol('tag')]: 1 } as never)).not.toThrow();
    const inherited = Object.create({ momentun: 0.9 }) as Options;
    inherited.lr = 0.1;
    expect(() => new SGD([w()], inherited as never)).toThrow(/^SGD: options must be a plain object/);
  });

  it('no suggestion when nothing is close: the known keys are listed instead', () => {
    expect(() => new Adam([w()], { amsgrad: true } as never)).toThrow(
      "Adam: unknown option 'amsgrad' (Adam takes lr, betas, eps, weightDecay)",
    );
    // 'mu' is two edits from 'lr', but so short that every two-letter key would be: not suggested
    expect(() => new SGD([w()], { lr: 0.1, mu: 0.9 } as never)).toThrow(
      "SGD: unknown option 'mu' (SGD takes lr, momentum, dampening, weightDecay, nesterov)",
    );
  });

  it('options that are not an object are refused by name', () => {
    expect(() => tensor([1, 2, 3]).std(0, false as never)).toThrow(
      'std: options must be a plain object (got boolean false); pass e.g. { correction: … }',
    );
    expect(() => new DataLoader([tensor([1])], null as never)).toThrow(
      /^DataLoader: options must be a plain object/,
    );
  });

  it('a Map, an array or a class instance is refused too: their keys would be read inconsistently', () => {
    class Opts {
      get requiresGrad() {
        return true; // on the prototype: no own key, so readOptions would miss it
      }
    }
    expect(() => tensor([1], new Opts() as never)).toThrow(/^tensor: options must be a plain object/);
    expect(() => new SGD([w()], new Map([['lr', 0.1]]) as never)).toThrow(
      /^SGD: options must be a plain object/,
    );
    expect(() => new SGD([w()], [0.1] as never)).toThrow(/^SGD: options must be a plain object/);
    const bare = Object.assign(Object.create(null) as Options, { lr: 0.1 });
    expect(() => new SGD([w()], bare as never)).not.toThrow();
  });

  it('a reduction takes keepdim as true or false: an options object is refused, not taken as true', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    for (const op of ['sum', 'mean', 'max', 'min', 'argmax', 'argmin', 'logsumexp'] as const) {
      expect(() => (x[op] as (a: number, k: unknown) => Tensor)(1, { keepdim: false }), op).toThrow(
        new RegExp(
          `^${op}: keepdim must be true or false \\(got an object\\); pass it as the second argument`,
        ),
      );
    }
    expect(() => x.norm(2, 1, { keepdim: false } as never)).toThrow(/^norm: keepdim must be true or false/);
    expect(() => x.var(1, { keepdim: 'no' as never })).toThrow(
      'var: keepdim must be true or false (got a string ("no")); pass it as an option, e.g. x.var(1, { keepdim: true })',
    );
    expect(x.mean(1, false).toArray()).toEqual([1.5, 3.5]);
  });
});
