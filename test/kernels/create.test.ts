import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as K from '../../src/kernels/index.js';
import { arbDType, arbShape, size, testProp } from './helpers.js';

/** The canonical mulberry32 as usually published, as an independent reference. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('full', () => {
  testProp([arbShape(3), fc.double({ noNaN: true }), arbDType])(
    'fills every element with the value',
    (shape, v, dtype) => {
      const x = K.full(shape, v, dtype);
      expect(x.shape).toEqual(shape);
      expect(x.dtype).toBe(dtype);
      expect(x.size).toBe(size(shape));
      const want = dtype === 'float32' ? Math.fround(v) : v;
      for (const e of x.data) expect(e === want).toBe(true);
    },
  );

  test('bad sizes name the function and the value', () => {
    expect(() => K.full([2, -1], 0)).toThrow(
      new RangeError(
        'full: size -1 at axis 1 is not a non-negative integer; sizes must be whole numbers >= 0',
      ),
    );
    expect(() => K.full([1.5], 0)).toThrow(/^full: size 1.5 at axis 0/);
    expect(() => K.full([Number.NaN], 0)).toThrow(/^full: size NaN/);
    expect(() => K.full(['2' as unknown as number], 0)).toThrow(TypeError);
  });
});

describe('arange', () => {
  testProp([
    fc.integer({ min: -50, max: 50 }),
    fc.integer({ min: -50, max: 50 }),
    fc.constantFrom(1, 2, 0.5, 0.1, -1, -3),
  ])('has ceil((end - start) / step) elements start + i·step', (start, end, step) => {
    const n = Math.ceil((end - start) / step);
    if (n < 0) {
      expect(() => K.arange(start, end, step)).toThrow(RangeError);
      return;
    }
    const x = K.arange(start, end, step);
    expect(x.shape).toEqual([n]);
    for (let i = 0; i < n; i++) expect(x.data[i]).toBe(start + i * step);
  });

  test('examples and errors', () => {
    expect(Array.from(K.arange(0, 1, 0.25).data)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from(K.arange(5, 0, -2).data)).toEqual([5, 3, 1]);
    expect(K.arange(3, 3).size).toBe(0);
    expect(K.arange(0, 4, 1, 'float32').dtype).toBe('float32');
    expect(() => K.arange(0, 1, 0)).toThrow('arange: step must be nonzero (got 0)');
    expect(() => K.arange(0, Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});

describe('linspace and eye', () => {
  testProp([
    fc.double({ min: -100, max: 100, noNaN: true }),
    fc.double({ min: -100, max: 100, noNaN: true }),
    fc.integer({ min: 2, max: 40 }),
  ])('linspace: evenly spaced, exact at both ends', (start, end, steps) => {
    const x = K.linspace(start, end, steps);
    expect(x.size).toBe(steps);
    expect(x.data[0] === start).toBe(true); // === as start may be -0
    expect(x.data[steps - 1] === end).toBe(true);
    const step = (end - start) / (steps - 1);
    for (let i = 0; i < steps; i++) expect(x.data[i]).toBeCloseTo(start + i * step, 10);
  });

  test('linspace edge cases', () => {
    expect(Array.from(K.linspace(0, 1, 5).data)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(K.linspace(3, 7, 1).data)).toEqual([3]);
    expect(K.linspace(3, 7, 0).size).toBe(0);
    expect(() => K.linspace(0, 1, -1)).toThrow('linspace: steps must be an integer >= 0 (got -1)');
  });

  test('eye', () => {
    expect(Array.from(K.eye(2).data)).toEqual([1, 0, 0, 1]);
    const r = K.eye(2, 3, 'float32');
    expect(r.shape).toEqual([2, 3]);
    expect(r.dtype).toBe('float32');
    expect(Array.from(r.data)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(K.eye(3, 1).data)).toEqual([1, 0, 0]);
    expect(() => K.eye(-2)).toThrow(/^eye: n must be an integer >= 0 \(got -2\)/);
  });
});

describe('Rng', () => {
  test('a fixed seed gives fixed numbers', () => {
    const r = new K.Rng(42);
    expect([r.next(), r.next(), r.next()]).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099,
    ]);
    const q = new K.Rng(0);
    expect([q.normal(), q.normal(), q.normal()]).toEqual([
      0.7871846599200555, 0.0016309335012816644, 0.43143961704601397,
    ]);
  });

  testProp([fc.integer()])('is mulberry32, and the same seed repeats', (seed) => {
    const r = new K.Rng(seed);
    const ref = mulberry32(seed);
    for (let i = 0; i < 5; i++) expect(r.next()).toBe(ref());
    const a = K.randNormal([4], new K.Rng(seed));
    const b = K.randNormal([4], new K.Rng(seed));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  test('uniforms lie in [0, 1) with mean 1/2; normals have mean 0 and std 1', () => {
    const u = K.randUniform([10_000], new K.Rng(1)).data;
    let mean = 0;
    for (const v of u) {
      expect(v >= 0 && v < 1).toBe(true);
      mean += v / u.length;
    }
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    const z = K.randNormal([10_000], new K.Rng(2)).data;
    const m = Array.from(z).reduce((p, v) => p + v, 0) / z.length;
    const sd = Math.sqrt(Array.from(z).reduce((p, v) => p + (v - m) ** 2, 0) / z.length);
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });

  test('float32 uniforms never round up to 1; seeds must be integers', () => {
    const x = K.randUniform([1000], new K.Rng(3), 'float32');
    expect(x.dtype).toBe('float32');
    for (const v of x.data) expect(v < 1).toBe(true);
    expect(() => new K.Rng(0.5)).toThrow(TypeError);
    expect(() => K.randNormal([-1], new K.Rng(0))).toThrow(/^randNormal: size -1/);
  });
});
