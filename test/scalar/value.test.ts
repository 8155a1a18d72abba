/** @file Value's surface: every method's value, plain numbers as operands, and bad input. */

import { describe, expect, it } from 'vitest';
import { add, div, grad, mul, pow, sub, tensor, Value } from '../../src/index.js';

describe('Value', () => {
  it('computes every elementwise op', () => {
    const x = new Value(0.5);
    expect(x.add(2).data).toBe(2.5);
    expect(x.sub(2).data).toBe(-1.5);
    expect(x.mul(3).data).toBe(1.5);
    expect(x.div(4).data).toBe(0.125);
    expect(x.neg().data).toBe(-0.5);
    expect(x.pow(2).data).toBe(0.25);
    expect(x.pow(new Value(3)).data).toBe(0.125);
    expect(x.exp().data).toBeCloseTo(Math.exp(0.5), 15);
    expect(x.log().data).toBeCloseTo(Math.log(0.5), 15);
    expect(x.sqrt().data).toBeCloseTo(Math.sqrt(0.5), 15);
    expect(new Value(-2).abs().data).toBe(2);
    expect(x.tanh().data).toBeCloseTo(Math.tanh(0.5), 15);
    expect(x.sigmoid().data).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 15);
    expect(new Value(-1).relu().data).toBe(0);
    expect(new Value(-800).sigmoid().data).toBe(0);
    expect(new Value(800).sigmoid().data).toBe(1);
  });

  it('takes a plain number on the left through the free functions', () => {
    const x = new Value(4);
    expect(add(2, x).data).toBe(6);
    expect(sub(1, x).data).toBe(-3);
    expect(mul(2, x).data).toBe(8);
    expect(div(1, x).data).toBe(0.25);
    expect(pow(2, x).data).toBe(16);
    const y = sub(1, x);
    y.backward();
    expect(x.grad).toBe(-1);
  });

  it('differentiates a Value exponent too: d(2^x)/dx = 2^x ln 2', () => {
    const x = new Value(3);
    pow(2, x).backward();
    expect(x.grad).toBeCloseTo(8 * Math.LN2, 14);
  });

  it('x.pow(2) has a gradient at negative x (the exponent is a constant)', () => {
    const x = new Value(-3);
    x.pow(2).backward();
    expect(x.grad).toBe(-6);
  });

  // Fixed, kept as a regression test: Value.pow was Math.pow, NaN at 1^NaN, 1^±∞ and (−1)^±∞ (ECMAScript's
  // rule), and so were both gradients; C's pow and torch give 1, and from it torch's gradients below.
  it('pow is C’s pow at 1^NaN, 1^±∞ and (−1)^±∞: 1, with torch’s gradients, first and second order', () => {
    const [I, N] = [Number.POSITIVE_INFINITY, Number.NaN];
    // Values hold finite numbers: ±∞ and NaN come from an op (1/0, 0/0)
    const made = (v: number) =>
      Number.isNaN(v)
        ? new Value(0).div(0)
        : Number.isFinite(v)
          ? new Value(v)
          : new Value(Math.sign(v)).div(0);
    // torch 1.13: [x, y, x^y, ∂/∂x, ∂/∂y, ∂²/∂x², ∂²/∂y²]
    const TORCH = [
      [1, N, 1, N, 0, N, 0],
      [1, I, 1, I, 0, I, 0],
      [1, -I, 1, -I, 0, I, 0],
      [-1, I, 1, I, N, I, N],
      [-1, -I, 1, -I, N, I, N],
      [-1, N, N, N, N, N, N],
    ];
    for (const [xv, yv, z, gx, gy, hxx, hyy] of TORCH) {
      const [x, y] = [made(xv!), made(yv!)];
      const out = x.pow(y);
      const at = `${xv}^${yv}`;
      expect(out.data, at).toBe(z);
      out.backward();
      expect([x.grad, y.grad], at).toEqual([gx, gy]);
      const [dx, dy] = grad(x.pow(y), [x, y], { createGraph: true });
      expect([grad(dx!, [x])[0]!.data, grad(dy!, [y])[0]!.data], at).toEqual([hxx, hyy]);
    }
    expect(pow(1, made(I)).data).toBe(1);
    expect(new Value(-1).pow(made(-I)).data).toBe(1);
  });

  // Fixed, kept as a regression test: its rule differentiated the branch its mask discards (0·∞ at x = 0).
  it('x.pow(0) has second derivative 0 at x = 0, as its first is a constant 0', () => {
    for (const v of [0, -0, 1e-300, 3]) {
      const x = new Value(v);
      const [g] = grad(x.pow(0), [x], { createGraph: true });
      expect(g!.data).toBe(0);
      expect(grad(g!, [x])[0]!.data).toBe(0);
    }
  });

  it('relu and abs have derivative 0 at the kink, as PyTorch', () => {
    const x = new Value(0);
    x.relu().backward();
    expect(x.grad).toBe(0);
    const y = new Value(0);
    y.abs().backward();
    expect(y.grad).toBe(0);
  });

  it('prints like micrograd', () => {
    const x = new Value(2);
    expect(String(x)).toBe('Value(data=2.0000, grad=null)');
    x.mul(3).backward();
    expect(String(x)).toBe('Value(data=2.0000, grad=3.0000)');
  });

  it('supports micrograd-style updates of data and grad', () => {
    const w = new Value(1);
    w.mul(5).backward();
    w.data -= 0.1 * w.grad!;
    expect(w.data).toBeCloseTo(0.5, 15);
    w.grad = 0;
    w.mul(5).backward();
    expect(w.grad).toBe(5);
  });

  describe('bad input is a TypeError naming the op and the value', () => {
    it.each([
      ['add', () => new Value(1).add(Number.NaN), /add: operand must be a finite number \(got NaN\)/],
      [
        'mul',
        () => new Value(1).mul(Number.POSITIVE_INFINITY),
        /mul: operand must be a finite number \(got Infinity\)/,
      ],
      [
        'pow',
        () => new Value(1).pow('2' as unknown as number),
        /pow: operand must be a finite number \(got string "2"\)/,
      ],
      [
        'sub',
        () => new Value(1).sub(undefined as unknown as number),
        /sub: operand must be a finite number \(got undefined/,
      ],
      [
        'div',
        () => new Value(1).div({} as unknown as number),
        /div: operand must be a finite number \(got object/,
      ],
      ['Value', () => new Value(Number.NaN), /Value: data must be a finite number \(got NaN\)/],
      [
        'Value',
        () => new Value('3' as unknown as number),
        /Value: data must be a finite number \(got string "3"\)/,
      ],
      [
        'free add',
        () => add(1, 2 as unknown as Value),
        /add: at least one operand must be a Value or a Tensor/,
      ],
    ])('%s', (_name, f, message) => {
      expect(f).toThrow(TypeError);
      expect(f).toThrow(message);
    });

    it('a Value and a Tensor do not mix', () => {
      expect(() => new Value(1).add(tensor([1]) as unknown as Value)).toThrow(
        /cannot combine a Value with a Tensor/,
      );
    });
  });
});
