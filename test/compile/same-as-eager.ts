/** @file Runs a step eagerly and compiled, each on its own fresh world, and compares every number with Object.is. */

import { expect } from 'vitest';
import { compile, manualSeed, SGD, type Tensor } from '../../src/index.js';

/** A step, the arguments of call i, the state to compare after each call, and a hook run before each call. */
export interface World {
  readonly step: (...args: Tensor[]) => Tensor | Tensor[];
  readonly args: (i: number) => Tensor[];
  readonly state: () => (Tensor | null)[];
  readonly before?: (i: number) => void;
}

function flat(t: Tensor | null): number[] {
  return t === null ? [Number.NaN] : [...t.array.data];
}

function run(make: () => World, compiled: boolean, calls: number): number[][] {
  manualSeed(0);
  const w = make();
  const f = compiled ? compile(w.step) : w.step;
  const out: number[][] = [];
  for (let i = 0; i < calls; i++) {
    w.before?.(i);
    const r = f(...w.args(i));
    out.push([...(Array.isArray(r) ? r : [r]).flatMap(flat), ...w.state().flatMap(flat)]);
  }
  return out;
}

/** Asserts that the compiled step gives, call after call, the eager step's results and state bit for bit. */
export function expectSameAsEager(make: () => World, calls = 4): void {
  const eager = run(make, false, calls);
  const compiled = run(make, true, calls);
  for (let i = 0; i < calls; i++) {
    const [got, want] = [compiled[i]!, eager[i]!];
    expect(got.length, `call ${i}`).toBe(want.length);
    const at = got.findIndex((v, k) => !Object.is(v, want[k]));
    expect(at, `call ${i}, element ${at}: compiled ${got[at]}, eager ${want[at]}`).toBe(-1);
  }
}

/** A world whose step trains `params` by SGD on `loss()`; its state is each parameter and its gradient. */
export function sgdWorld(params: readonly Tensor[], loss: () => Tensor, lr = 0.1): World {
  const opt = new SGD([...params], { lr });
  const step = () => {
    opt.zeroGrad();
    const l = loss();
    l.backward();
    opt.step();
    return l;
  };
  return { step, args: () => [], state: () => params.flatMap((p) => [p, p.grad]) };
}
