/** @file The matrix form of the lesson's network gives the scalar network's gradients, for any weights. */

import fc from 'fast-check';
import { expect } from 'vitest';
import { compareWithScalar } from '../../examples/lesson/matrix.js';
import { loadTwoBlobs } from '../../examples/lesson/two-layer.js';
import { testProp } from '../support/property.js';

const data = loadTwoBlobs().slice(0, 20);
const weight = fc.double({ min: -2, max: 2, noNaN: true });
const matrixOf = (rows: number, cols: number) =>
  fc.array(fc.array(weight, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

testProp([matrixOf(3, 2), matrixOf(3, 1)], { numRuns: 20 })(
  'the scalar and matrix forms agree to 1e-12 on all nine gradients',
  (w0, w1) => {
    const { matrix, maxDiff } = compareWithScalar(data, w0, w1);
    expect(maxDiff).toBeLessThan(1e-12);
    expect(matrix.W1.flat().some((g) => g !== 0)).toBe(true); // the comparison is not of zeros
  },
);
