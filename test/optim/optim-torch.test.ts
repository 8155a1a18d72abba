/**
 * @file SGD (momentum, Nesterov, weight decay), Adam, AdamW, clipGradNorm and the schedulers against numbers
 * PyTorch computed (scripts/torch-optim-reference.py prints them); optimizer state saved and resumed.
 */

import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  clipGradNorm,
  loadSafetensors,
  MLP,
  manualSeed,
  type Optimizer,
  SGD,
  StepLR,
  saveSafetensors,
  type Tensor,
  tensor,
  Value,
} from '../../src/index.js';

// printed by /usr/bin/python3 scripts/torch-optim-reference.py (torch 1.13.1, float64)
const TORCH = {
  sgd_momentum: [0.060106122169740636, -2.1904356155708093, 0.7189254436300254],
  sgd_nesterov: [-0.08339422914592051, -2.6552381630089905, 0.5117110784671628],
  adam: [0.2511615494017045, -1.7511201813095316, 1.7511727554286702],
  adamw: [0.24104504307627264, -1.7114121765169443, 1.7045533735842084],
  clip: {
    norm: 5.0990195135927845,
    w: [1.1766965800599187, -1.568928773413225],
    v: [0.3922321933533062],
  },
  step_lr: [0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.0625, 0.0625],
  cosine: [
    0.4414213562373095, 0.30000000000000004, 0.15857864376269054, 0.1, 0.15857864376269049,
    0.30000000000000004, 0.4414213562373096, 0.5000000000000001, 0.4414213562373096, 0.30000000000000016,
  ],
  // the same schedules with opt.lr set to 2 by hand before epoch 4 (StepLR) or 5 (cosine)
  step_lr_set: [0.5, 0.5, 0.25, 0.25, 2.0, 1.0, 1.0, 1.0, 0.5, 0.5],
  cosine_set: [
    0.4414213562373095, 0.30000000000000004, 0.15857864376269054, 0.1, 0.15857864376269049, 6.587005768508882,
    11.174011537017766, 13.074011537017766, 11.174011537017766, 6.5870057685088845,
  ],
};

const A = tensor([0.3, -0.2, 0.1]);
/** 5 steps on loss(w) = 0.1·Σw³ + Σa·w from w = [0.5, -1.5, 2.0], as the script does. */
function run(make: (w: Tensor[]) => { zeroGrad(): void; step(): void }): number[] {
  const w = tensor([0.5, -1.5, 2.0], { requiresGrad: true });
  const opt = make([w]);
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    w.pow(3).sum().mul(0.1).add(w.mul(A).sum()).backward();
    opt.step();
  }
  return w.toArray() as number[];
}
const arrays = (dict: Record<string, Tensor>) =>
  Object.fromEntries(Object.entries(dict).map(([k, t]) => [k, t.toArray()]));
const close = (xs: number[], digits = 13) => xs.map((v) => expect.closeTo(v, digits));

describe('optimizers against PyTorch', () => {
  it('SGD with momentum, dampening and weight decay', () => {
    expect(run((p) => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }))).toEqual(
      close(TORCH.sgd_momentum),
    );
  });
  it('SGD with Nesterov momentum', () => {
    expect(run((p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }))).toEqual(
      close(TORCH.sgd_nesterov),
    );
  });
  it('Adam with (coupled) weight decay', () => {
    expect(run((p) => new Adam(p, { lr: 0.05, weightDecay: 0.1 }))).toEqual(close(TORCH.adam));
  });
  it('AdamW: decoupled weight decay, a different result from Adam’s', () => {
    expect(run((p) => new AdamW(p, { lr: 0.05, weightDecay: 0.1 }))).toEqual(close(TORCH.adamw));
    expect(TORCH.adamw[0]).not.toBeCloseTo(TORCH.adam[0]!, 3);
  });
  it('AdamW works on Values too', () => {
    const w = new Value(2);
    const opt = new AdamW([w], { lr: 0.1 });
    w.mul(w).backward();
    opt.step();
    expect(w.data).toBeCloseTo(2 * (1 - 0.1 * 0.01) - 0.1, 8); // the Adam step is lr·g/(|g| + ε)
  });
});

describe('clipGradNorm', () => {
  it('scales every gradient by maxNorm / (norm + 1e-6) and returns the norm, as clip_grad_norm_', () => {
    const w = tensor([3, -4], { requiresGrad: true });
    const v = tensor([12], { requiresGrad: true });
    w.mul(w).sum().div(2).add(v.sum()).backward();
    const unused = tensor([1], { requiresGrad: true });
    expect(clipGradNorm([w, v, unused], 2)).toBeCloseTo(TORCH.clip.norm, 14);
    expect(w.grad!.toArray()).toEqual(close(TORCH.clip.w, 14));
    expect(v.grad!.toArray()).toEqual(close(TORCH.clip.v, 14));
    expect(unused.grad).toBeNull();
  });
  it('leaves gradients under the bound alone; the infinity norm is the largest element', () => {
    const w = tensor([3, -4], { requiresGrad: true });
    w.mul(w).sum().div(2).backward();
    expect(clipGradNorm([w], 10)).toBeCloseTo(5, 14);
    expect(w.grad!.toArray()).toEqual([3, -4]);
    expect(clipGradNorm([w], 10, Number.POSITIVE_INFINITY)).toBe(4);
    expect(() => clipGradNorm([w], -1)).toThrow(/maxNorm must be a number/);
  });
});

describe('schedulers against PyTorch', () => {
  /** Ten epochs' rates, as the script prints them; `setAt`: opt.lr set to 2 by hand before that epoch. */
  const lrs = (make: (o: Optimizer<Tensor, never>) => StepLR | CosineAnnealingLR, setAt = -1) => {
    const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.5 });
    const sched = make(opt as unknown as Optimizer<Tensor, never>);
    return Array.from({ length: 10 }, (_, epoch) => {
      if (epoch === setAt) opt.lr = 2;
      opt.step();
      sched.step();
      return sched.getLastLr();
    });
  };
  it('StepLR, to the bit, and carrying on from a rate set by hand', () => {
    expect(lrs((o) => new StepLR(o, { stepSize: 3, gamma: 0.5 }))).toEqual(TORCH.step_lr);
    expect(lrs((o) => new StepLR(o, { stepSize: 3, gamma: 0.5 }), 4)).toEqual(TORCH.step_lr_set);
  });
  it('CosineAnnealingLR, past tMax too, to the bit, and carrying on from a rate set by hand', () => {
    expect(lrs((o) => new CosineAnnealingLR(o, { tMax: 4, etaMin: 0.1 }))).toEqual(TORCH.cosine);
    expect(lrs((o) => new CosineAnnealingLR(o, { tMax: 4, etaMin: 0.1 }), 5)).toEqual(TORCH.cosine_set);
  });
  it('bad options are RangeErrors', () => {
    const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.5 });
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(/stepSize must be a positive integer/);
    expect(() => new StepLR(opt, undefined as never)).toThrow(
      /stepSize must be a positive integer \(got undefined\)/,
    );
    expect(() => new CosineAnnealingLR(opt, undefined as never)).toThrow(/tMax must be a positive integer/);
    expect(() => new CosineAnnealingLR(opt, { tMax: 1.5 })).toThrow(/tMax must be a positive integer/);
  });
});

describe('resuming training from saved state', () => {
  const X = tensor([
    [0.2, 0.3],
    [0.8, 0.7],
    [0.3, 0.1],
  ]);
  const y = tensor([[1], [0], [1]]);
  const setup = () => {
    manualSeed(4);
    const model = new MLP([2, 4, 1], { activation: 'tanh' });
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    return { model, opt, sched };
  };
  const epoch = ({ model, opt, sched }: ReturnType<typeof setup>) => {
    opt.zeroGrad();
    model.forward(X).sub(y).pow(2).mean().backward();
    opt.step();
    sched.step();
  };
  const prefixed = (prefix: string, dict: Record<string, Tensor>) =>
    Object.fromEntries(Object.entries(dict).map(([k, v]) => [prefix + k, v]));
  const strip = (prefix: string, dict: Record<string, Tensor>) =>
    Object.fromEntries(
      Object.entries(dict)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );

  it('train 6 epochs = train 3, save model + optimizer + scheduler to one file, load into fresh ones, train 3', () => {
    const straight = setup();
    for (let i = 0; i < 6; i++) epoch(straight);

    const first = setup();
    for (let i = 0; i < 3; i++) epoch(first);
    const bytes = saveSafetensors({
      ...prefixed('model.', first.model.stateDict()),
      ...prefixed('optim.', first.opt.stateDict()),
      ...prefixed('sched.', first.sched.stateDict()),
    });

    const resumed = setup();
    const { tensors } = loadSafetensors(bytes);
    resumed.model.loadStateDict(strip('model.', tensors));
    resumed.opt.loadStateDict(strip('optim.', tensors));
    resumed.sched.loadStateDict(strip('sched.', tensors));
    expect(resumed.opt.lr).toBe(first.opt.lr);
    for (let i = 0; i < 3; i++) epoch(resumed);
    expect(arrays(resumed.model.stateDict())).toEqual(arrays(straight.model.stateDict()));
    expect(resumed.opt.lr).toBe(straight.opt.lr);
  });

  it('stateDict uses PyTorch’s slot names; loading checks hyperparameters, shapes and keys, all or nothing', () => {
    const { model, opt } = setup();
    epoch({ model, opt, sched: new StepLR(opt, { stepSize: 1 }) });
    const dict = opt.stateDict();
    expect(Object.keys(dict)).toContain('state.0.exp_avg_sq');
    expect(dict['state.0.step']!.item()).toBe(1);

    const other = new Adam(model.parameters(), { lr: 0.05, betas: [0.8, 0.999] });
    expect(() => other.loadStateDict(dict)).toThrow(/saved with beta1 0.9, this optimizer has 0.8/);
    const fresh = new Adam(model.parameters(), { lr: 0.01 });
    expect(() => fresh.loadStateDict({ ...dict, 'state.1.exp_avg': tensor([1]) })).toThrow(
      /'state.1.exp_avg' has shape \[1\]/,
    );
    expect(() => fresh.loadStateDict({ ...dict, 'state.9.exp_avg': tensor([1]) })).toThrow(
      /unexpected keys state.9.exp_avg/,
    );
    expect(fresh.lr).toBe(0.01);
    expect(arrays(fresh.stateDict())).toEqual({
      lr: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weight_decay: 0,
    });
  });

  it('SGD without momentum has no per-parameter state; with it, momentum_buffer', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const plain = new SGD([w], { lr: 0.1 });
    const heavy = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.sum().backward();
    plain.step();
    heavy.step();
    expect(Object.keys(plain.stateDict())).toEqual([
      'lr',
      'momentum',
      'dampening',
      'weight_decay',
      'nesterov',
    ]);
    expect(heavy.stateDict()['state.0.momentum_buffer']!.toArray()).toEqual([1, 1]);
  });

  it('Value parameters: buffers are saved as 0-d tensors and resume exactly', () => {
    const run = (steps: number, from?: Record<string, Tensor>) => {
      const w = new Value(1.5);
      const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
      if (from) opt.loadStateDict(from);
      for (let i = 0; i < steps; i++) {
        opt.zeroGrad();
        w.mul(w).mul(w).backward();
        opt.step();
      }
      return { w, opt };
    };
    const straight = run(4);
    const first = run(2);
    const second = run(0, first.opt.stateDict());
    second.w.data = first.w.data;
    for (let i = 0; i < 2; i++) {
      second.opt.zeroGrad();
      second.w.mul(second.w).mul(second.w).backward();
      second.opt.step();
    }
    expect(first.opt.stateDict()['state.0.momentum_buffer']!.shape).toEqual([]);
    expect(second.w.data).toBe(straight.w.data);
  });
});
