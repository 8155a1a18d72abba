/** @file readCsv: headers, blank lines, and clear errors on ragged rows and non-numbers. */

import { describe, expect, test } from 'vitest';
import { readCsv } from '../../src/index.js';

describe('readCsv', () => {
  test('reads a header and numeric rows, skipping blank lines and CRLF', () => {
    expect(readCsv('a,b\r\n1,2.5\r\n\r\n-3,4e2\r\n')).toEqual({
      columns: ['a', 'b'],
      rows: [
        [1, 2.5],
        [-3, 400],
      ],
    });
  });

  test('without a header, names columns by position', () => {
    expect(readCsv('1,2\n3,4', { header: false })).toEqual({
      columns: ['0', '1'],
      rows: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  test('reads the examples data', async () => {
    const { readFileSync } = await import('node:fs');
    const { columns, rows } = readCsv(readFileSync('examples/data/student-admissions.csv', 'utf8'));
    expect(columns).toEqual(['admit', 'gre', 'gpa', 'rank']);
    expect(rows).toHaveLength(400);
  });

  test('a ragged row names its line', () => {
    expect(() => readCsv('a,b\n1,2\n3\n')).toThrow(/line 3 has 1 cells, the header has 2/);
  });

  test('a cell that is not a number names its line and column', () => {
    expect(() => readCsv('a,b\n1,x\n')).toThrow(/line 2, column 'b' holds 'x'/);
    expect(() => readCsv('a,b\n1,\n')).toThrow(TypeError);
    expect(() => readCsv('a\nNaN\n')).toThrow(TypeError);
  });

  test('empty text is an error', () => {
    expect(() => readCsv('\n\n')).toThrow(/no rows/);
  });
});
