import { describe, expect, test } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import { broadcastOffsets, broadcastShapes, isBroadcastableTo } from '../../src/kernels/broadcast.js';
import { arbBroadcastPair, arbShape, broadcastSource, size, testProp, unravel } from './helpers.js';

describe('broadcastShapes', () => {
  testProp([arbBroadcastPair()])('takes the larger size on each right-aligned axis', ([a, b]) => {
    const out = broadcastShapes(a, b, 'add');
    expect(out.length).toBe(Math.max(a.length, b.length));
    for (let i = 1; i <= out.length; i++) {
      expect(out[out.length - i]).toBe(Math.max(a[a.length - i] ?? 1, b[b.length - i] ?? 1));
    }
    expect(broadcastShapes(b, a, 'add')).toEqual(out);
    expect(isBroadcastableTo(a, out) && isBroadcastableTo(b, out)).toBe(true);
  });

  test('names the op, both shapes, the axis and a fix', () => {
    expect(() => broadcastShapes([2, 3], [4], 'add')).toThrow(
      new ShapeError(
        'add',
        'cannot broadcast [2, 3] with [4] (axis -1: 3 vs 4)',
        'make the sizes equal, or 1 on one side',
      ),
    );
    expect(() => broadcastShapes([5, 2, 3], [4, 3], 'mul')).toThrow(
      'mul: cannot broadcast [5, 2, 3] with [4, 3] (axis -2: 2 vs 4); make the sizes equal, or 1 on one side',
    );
    expect(() => broadcastShapes([0], [2], 'sub')).toThrow(ShapeError);
  });

  test('size 0 broadcasts with 1 and with 0', () => {
    expect(broadcastShapes([0, 1], [1, 3], 'add')).toEqual([0, 3]);
    expect(broadcastShapes([], [0], 'add')).toEqual([0]);
  });
});

describe('isBroadcastableTo', () => {
  test('is one-directional', () => {
    expect(isBroadcastableTo([3], [2, 3])).toBe(true);
    expect(isBroadcastableTo([2, 3], [3])).toBe(false);
    expect(isBroadcastableTo([1, 3], [4, 3])).toBe(true);
    expect(isBroadcastableTo([2, 3], [4, 3])).toBe(false);
    expect(isBroadcastableTo([], [])).toBe(true);
  });
});

describe('broadcastOffsets', () => {
  testProp([arbBroadcastPair(5)])('matches the naive multi-index reference', ([a, b]) => {
    const out = broadcastShapes(a, b, 'test');
    const offsets = broadcastOffsets(a, out);
    expect(offsets.length).toBe(size(out));
    const expected = Array.from({ length: size(out) }, (_, i) => broadcastSource(unravel(i, out), a));
    expect(Array.from(offsets)).toEqual(expected);
  });

  testProp([arbShape(4)])('is the identity for the same shape', (s) => {
    const offsets = broadcastOffsets(s, s);
    expect(Array.from(offsets)).toEqual(Array.from({ length: size(s) }, (_, i) => i));
  });

  test('examples', () => {
    expect(Array.from(broadcastOffsets([3], [2, 3]))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(broadcastOffsets([2, 1], [2, 3]))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(broadcastOffsets([], [2, 2]))).toEqual([0, 0, 0, 0]);
    expect(Array.from(broadcastOffsets([], []))).toEqual([0]);
    expect(broadcastOffsets([3], [0, 3]).length).toBe(0);
  });

  test('rejects a shape that does not broadcast to the target', () => {
    expect(() => broadcastOffsets([2], [3])).toThrow('broadcast: cannot broadcast [2] to [3]');
    expect(() => broadcastOffsets([2, 3], [3])).toThrow(ShapeError);
  });

  test('repeats rows and columns of long axes', () => {
    for (const [r, c] of [
      [67, 31],
      [1, 67],
      [31, 1],
    ] as const) {
      expect(Array.from(broadcastOffsets([1, c], [r, c]))).toEqual(
        Array.from({ length: r * c }, (_, i) => i % c),
      );
      expect(Array.from(broadcastOffsets([r, 1], [r, c]))).toEqual(
        Array.from({ length: r * c }, (_, i) => Math.floor(i / c)),
      );
    }
  });
});
