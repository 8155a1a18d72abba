/** @file Anomaly detection: each classic NaN/Inf source is caught at its op, with where it was made. */

import { afterEach, describe, expect, it } from 'vitest';
import {
  AutogradError,
  creationSite,
  detectAnomaly,
  isAnomalyEnabled,
  setDetectAnomaly,
  type Tensor,
  tensor,
  Value,
} from '../../src/index.js';

/** Runs `fn` under detectAnomaly and returns the AutogradError it raised. */
function caught(fn: () => void): AutogradError {
  try {
    detectAnomaly(fn);
  } catch (e) {
    expect(e).toBeInstanceOf(AutogradError);
    return e as AutogradError;
  }
  throw new Error('expected an AutogradError');
}

// Named so that the creation site can be recognised in the trace.
function logOfInput(x: Tensor): Tensor {
  return x.log();
}

afterEach(() => setDetectAnomaly(false));

describe('detectAnomaly', () => {
  it('catches log(0) at log, naming the node and the line that made it', () => {
    const e = caught(() => {
      const x = tensor([0, 1, 2], { requiresGrad: true });
      const y = logOfInput(x);
      y.label = 'logits';
      y.sum().backward();
    });
    expect(e.op).toBe('log');
    expect(e.message).toMatch(
      /^log: the derivative rule produced Infinity in the gradient for input 0 \(node "logits"\)/,
    );
    expect(e.message).toMatch(/created at\n\s+at logOfInput \(.*anomaly\.test\.ts:\d+:\d+\)/);
    expect(e.message).toContain('input 0: shape [3], min 0.0000, max 2.0000');
    expect(e.message).toContain('upstream gradient: shape [3], min 1.0000, max 1.0000');
    expect(e.message).not.toMatch(/src[\\/](engine|tensor|ops)[\\/]/); // the library's own frames are trimmed
  });

  it('catches sqrt(−1) at sqrt, on Values too', () => {
    const e = caught(() => {
      const x = new Value(-1, { label: 'x' });
      x.sqrt().mul(3).backward();
    });
    expect(e.op).toBe('sqrt');
    expect(e.message).toContain('produced NaN');
    expect(e.message).toContain('input 0 "x": -1.0000');
    expect(e.message).toContain('upstream gradient: 3.0000');
    expect(e.message).toMatch(/anomaly\.test\.ts:\d+/);
  });

  it('catches 0/0 at div', () => {
    const e = caught(() => {
      const x = tensor([0, 1], { requiresGrad: true });
      const y = tensor([0, 2], { requiresGrad: true });
      x.div(y).sum().backward();
    });
    expect(e.op).toBe('div');
    expect(e.message).toMatch(/input 1: shape \[2\], min 0\.0000/);
    expect(e.message).toContain(
      'output: shape [2], min 0.5000, max 0.5000, mean 0.5000, std 0.0000, 1 NaN, 0 Inf',
    );
  });

  it('catches an overflowing exp at exp', () => {
    const e = caught(() => {
      const x = tensor([1, 800], { requiresGrad: true });
      x.exp().mean().backward();
    });
    expect(e.op).toBe('exp');
    expect(e.message).toContain('produced Infinity');
    expect(e.message).toContain(
      'output: shape [2], min 2.7183, max 2.7183, mean 2.7183, std 0.0000, 0 NaN, 1 Inf',
    );
  });

  it('checks createGraph passes too', () => {
    const e = caught(() => {
      const x = new Value(0);
      x.log().backward({ createGraph: true });
    });
    expect(e.op).toBe('log');
  });

  it('does not blame an input that takes no gradient', () => {
    expect(() =>
      detectAnomaly(() => {
        const x = tensor([1e200], { requiresGrad: true });
        // x/y overflows to Infinity, so ∂/∂y = −g·out/y is −Infinity, but y is a constant: nobody asks for it
        x.div(tensor([1e-200]))
          .sum()
          .backward();
      }),
    ).not.toThrow();
  });

  it('with checkForward, stops at the forward op that made the first NaN', () => {
    expect(() =>
      detectAnomaly(() => tensor([-1], { requiresGrad: true }).sqrt(), { checkForward: true }),
    ).toThrow(/^sqrt: forward produced NaN/);
    expect(() => detectAnomaly(() => tensor([-1], { requiresGrad: true }).sqrt())).not.toThrow();
  });

  it('is a scoped switch: off again afterwards, even after a throw; nodes made while off have no site', () => {
    expect(isAnomalyEnabled()).toBe(false);
    const before = new Value(1).mul(2);
    expect(() =>
      detectAnomaly(() => {
        expect(isAnomalyEnabled()).toBe(true);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isAnomalyEnabled()).toBe(false);
    expect(creationSite(before)).toBeNull();
    setDetectAnomaly(true);
    expect(creationSite(new Value(1).mul(2))).toMatch(/anomaly\.test\.ts/);
    setDetectAnomaly(false);
    const x = new Value(0);
    x.log().backward(); // off: no check, an Infinity gradient as before
    expect(x.grad).toBe(Number.POSITIVE_INFINITY);
  });
});
