/** @file Optimizers inside a compiled step: their state and schedules change between steps, and the replay follows them bit for bit. */

import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  clipGradNorm,
  compile,
  type DType,
  manualSeed,
  randn,
  SGD,
  StepLR,
  type Tensor,
} from '../../src/index.js';

type Opt = SGD<Tensor> | Adam<Tensor>;

/** A small tanh regression with its parameters, trained by the optimizer `make` builds (and a scheduler, if given). */
function setup(dtype: DType, make: (ps: Tensor[]) => Opt, schedule?: (o: Opt) => { step(): void }) {
  manualSeed(3);
  const x = randn([8, 4], { dtype });
  const t = randn([8, 2], { dtype });
  const w = randn([4, 2], { requiresGrad: true, dtype });
  const b = randn([2], { requiresGrad: true, dtype });
  const opt = make([w, b]);
  const scheduler = schedule?.(opt);
  const step = () => {
    opt.zeroGrad();
    const loss = x.matmul(w).add(b).tanh().sub(t).pow(2).mean();
    loss.backward();
    opt.step();
    scheduler?.step();
    return loss;
  };
  return { step, params: [w, b], opt };
}

const OPTIMIZERS: Record<string, [(ps: Tensor[]) => Opt, ((o: Opt) => { step(): void })?]> = {
  SGD: [(ps) => new SGD(ps, { lr: 0.1 })],
  'SGD + momentum': [(ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 })],
  'SGD + nesterov + weight decay': [
    (ps) => new SGD(ps, { lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.01 }),
  ],
  Adam: [(ps) => new Adam(ps, { lr: 0.05 })],
  AdamW: [(ps) => new AdamW(ps, { lr: 0.05 })],
  'SGD + StepLR': [(ps) => new SGD(ps, { lr: 0.3 }), (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 })],
  'Adam + StepLR': [(ps) => new Adam(ps, { lr: 0.1 }), (o) => new StepLR(o, { stepSize: 3, gamma: 0.1 })],
};

describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
  for (const [name, [make, schedule]] of Object.entries(OPTIMIZERS)) {
    it(`${name}: 7 compiled steps give the eager parameters, losses and learning rates, bit for bit`, () => {
      const eager = setup(dtype, make, schedule);
      const want = Array.from({ length: 7 }, () => eager.step().item());
      const compiled = setup(dtype, make, schedule);
      const train = compile(compiled.step);
      const got = Array.from({ length: 7 }, () => train().item());
      expect(got.every((v, i) => Object.is(v, want[i]))).toBe(true);
      const bits = (ps: Tensor[]) => ps.flatMap((p) => [...p.array.data]);
      const [g, e] = [bits(compiled.params), bits(eager.params)];
      expect(g.every((v, i) => Object.is(v, e[i]))).toBe(true);
      expect(compiled.opt.lr).toBe(eager.opt.lr);
      const [gs, es] = [compiled.opt.stateDict(), eager.opt.stateDict()];
      expect(Object.keys(gs)).toEqual(Object.keys(es));
      for (const k of Object.keys(es)) expect(gs[k]!.toArray()).toEqual(es[k]!.toArray());
    });
  }
});

it('the learning rate set between calls is used by the next replay', () => {
  const eager = setup('float64', (ps) => new SGD(ps, { lr: 0.1 }));
  const compiled = setup('float64', (ps) => new SGD(ps, { lr: 0.1 }));
  const train = compile(compiled.step);
  for (const lr of [0.1, 0.5, 0.01]) {
    eager.opt.lr = lr;
    compiled.opt.lr = lr;
    expect(Object.is(train().item(), eager.step().item())).toBe(true);
  }
  const [g, e] = [compiled.params[0]!.toArray(), eager.params[0]!.toArray()];
  expect(g).toEqual(e);
});

it('clipGradNorm inside the step clips each replay by that step’s norm', () => {
  const norms: number[] = [];
  const make = () => {
    const s = setup('float64', (ps) => new SGD(ps, { lr: 0.5 }));
    const [w, b] = s.params as [Tensor, Tensor];
    const step = () => {
      s.opt.zeroGrad();
      const loss = w.sum().mul(w.sum()).add(b.pow(3).sum());
      loss.backward();
      norms.push(clipGradNorm([w, b], 0.5));
      s.opt.step();
      return loss;
    };
    return { step, params: s.params };
  };
  const eager = make();
  const compiled = make();
  const train = compile(compiled.step);
  const want = Array.from({ length: 5 }, () => eager.step().item());
  expect(Math.min(...norms)).toBeGreaterThan(0.5); // every eager step clipped
  const got = Array.from({ length: 5 }, () => train().item());
  expect(got.every((v, i) => Object.is(v, want[i]))).toBe(true);
  expect(compiled.params[0]!.toArray()).toEqual(eager.params[0]!.toArray());
});
