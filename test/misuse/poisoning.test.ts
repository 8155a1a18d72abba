/** @file No input can poison the process: internal construction is unreachable, engine state is always restored. */

import { afterEach, describe, expect, it } from 'vitest';
import { noGrad, tensor, toDot, Value } from '../../src/index.js';

function freshBackwardWorks(): void {
  const v = new Value(2);
  v.mul(v).backward();
  expect(v.grad).toBe(4);
  const t = tensor([1, 2], { requiresGrad: true });
  t.mul(t).sum().backward();
  expect(t.grad!.toArray()).toEqual([2, 4]);
}

const polluted = [
  'op',
  'rest',
  'p0',
  'p1',
  'attrs',
  'requiresGrad',
  'label',
  'createGraph',
  'retainGraph',
  'dtype',
];

afterEach(() => {
  for (const key of polluted) delete (Object.prototype as Record<string, unknown>)[key];
});

describe('the process is never poisoned', () => {
  it('options with op and rest keys are user options: refused by name, nothing built', () => {
    expect(() => new Value(1, { op: 1, rest: 2, label: 'a' } as never)).toThrow(
      "Value: unknown option 'op' (Value takes label, requiresGrad)",
    );
    expect(() => new Value(Number.NaN, { op: null, rest: [] } as never)).toThrow(TypeError);
    expect(() =>
      tensor([1, 2], { op: { name: 'x' }, rest: [], label: 'T', requiresGrad: true } as never),
    ).toThrow("tensor: unknown option 'op' (tensor takes requiresGrad, label, dtype)");
    const t = tensor([1, 2], { label: 'T', requiresGrad: true });
    t.sum().backward();
    expect(toDot(t)).toContain('T');
    freshBackwardWorks();
  });

  it('a polluted Object.prototype changes nothing: only own properties are read', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.op = { name: 'evil' };
    proto.rest = [];
    proto.p0 = null;
    proto.requiresGrad = 'yes';
    proto.label = 7;
    proto.createGraph = true;
    proto.dtype = 'float16';
    const t = tensor([1, 2]);
    expect(t.requiresGrad).toBe(false);
    expect(t.label).toBe('');
    expect(t.dtype).toBe('float64');
    const v = new Value(2, {});
    v.mul(v).backward({});
    expect(v.grad).toBe(4);
    expect(v.gradValue!.gradFn).toBeNull(); // createGraph was not read from the prototype
    for (const key of polluted) delete proto[key];
    freshBackwardWorks();
  });

  it('errors inside a pass (a throwing hook, a nested backward) leave the engine usable', () => {
    const x = new Value(1);
    x.registerHook(() => {
      throw new Error('boom');
    });
    expect(() => x.mul(2).backward()).toThrow('boom');
    freshBackwardWorks();
    const y = new Value(1);
    const other = new Value(5).mul(2);
    y.registerHook(() => {
      other.backward();
    });
    expect(() => y.mul(2).backward()).toThrow(/cannot start a backward pass inside another one/);
    freshBackwardWorks();
    expect(() =>
      noGrad(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(new Value(1).mul(2).gradFn).toBe('mul'); // recording restored
  });
});
