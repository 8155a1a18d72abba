/** @file readCsv: headers, blank lines, and clear errors on ragged rows and non-numbers. */

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readCsv } from '../../src/index.js';
import { testProp } from '../support/property.js';

describe('readCsv', () => {
  test('reads a header and numeric rows, skipping blank lines and CRLF', () => {
    expect(readCsv('a,b\r\n1,2.5\r\n\r\n-3,4e2\r\n')).toMatchObject({
      columns: ['a', 'b'],
      rows: [
        [1, 2.5],
        [-3, 400],
      ],
    });
  });

  test('without a header, names columns by position', () => {
    expect(readCsv('1,2\n3,4', { header: false })).toMatchObject({
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
    expect(() => readCsv('a,b\n1,x\n')).toThrow(/line 2, column 'b' holds "x", not a number/);
    expect(() => readCsv('a,b\n1,\n')).toThrow(TypeError);
    expect(() => readCsv('a\nNaN\n')).toThrow(TypeError);
  });

  // Fixed, kept as a regression test: a whitespace-only cell was trimmed before it was shown, as holds ''
  test('a blank cell is shown as written, spaces and tabs and all, with its line and column', () => {
    expect(() => readCsv('a,b\n1,  \n')).toThrow(
      `readCsv: line 2, column 'b' holds "  " (a blank cell), not a number; only numeric CSVs are read: write a number there, or drop the row`,
    );
    expect(() => readCsv('a,b\r\n1,2\r\n\t,3\r\n')).toThrow(
      /^readCsv: line 3, column 'a' holds "\\t" \(a blank cell\)/,
    );
    expect(() => readCsv('a,b\n1, x \n')).toThrow(/^readCsv: line 2, column 'b' holds " x ", not a number; /);
  });

  test('a lone CR ends a line, as old Mac Excel writes them', () => {
    expect(readCsv('a,b\r1,2\r3,4\r')).toMatchObject({
      columns: ['a', 'b'],
      rows: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(() => readCsv('a,b\r1,2\r\r3\r')).toThrow(/line 4 has 1 cells, the header has 2/);
  });

  test('a quoted header name may hold the delimiter; an unclosed quote names its line', () => {
    expect(readCsv('"x,y",z\n1,2').columns).toEqual(['x,y', 'z']);
    expect(readCsv('"say ""hi""";b\n1;2', { delimiter: ';' }).columns).toEqual(['say "hi"', 'b']);
    expect(() => readCsv('"x,y,z\n1,2,3')).toThrow(/^readCsv: line 1 has a quote that does not close/);
  });

  test('a number beyond the dtype range is refused, not read as Infinity', () => {
    expect(() => readCsv('a,b\n1,1e999\n')).toThrow(
      /^readCsv: line 2, column 'b' holds "1e999", beyond the float64 range \(it would read as Infinity\)/,
    );
    expect(() => readCsv('a\n-1e999\n')).toThrow(/would read as -Infinity/);
    expect(() => readCsv('a\n1e39\n', { dtype: 'float32' })).toThrow(
      /line 2, column 'a' .* beyond the float32 range/,
    );
    expect(readCsv('a\n1e39\n').rows).toEqual([[1e39]]);
  });

  test('empty text is an error', () => {
    expect(() => readCsv('\n\n')).toThrow(/no rows/);
  });
});

describe('readCsv: the tensor, header detection, strict numbers', () => {
  test('data holds the rows as a [rows, columns] tensor, in the dtype asked for', () => {
    const { rows, data } = readCsv('x,y\n1,2\n3,4\n', { dtype: 'float32' });
    expect(data.shape).toEqual([2, 2]);
    expect(data.dtype).toBe('float32');
    expect(data.toArray()).toEqual(rows);
  });

  test("header 'auto' (the default) reads a file of numbers only as data; quotes around names go", () => {
    expect(readCsv('1,2\n3,4').columns).toEqual(['0', '1']);
    expect(readCsv('1,2\n3,4').rows).toHaveLength(2);
    expect(readCsv('"a",b\n1,2').columns).toEqual(['a', 'b']);
    expect(readCsv('1,2\n3,4', { header: true }).rows).toEqual([[3, 4]]);
  });

  test('only decimal numbers: hex, Infinity and blanks are refused; a ragged row without a header names line 1', () => {
    expect(() => readCsv('1,0x10\n', { header: false })).toThrow(/column '1' holds "0x10", not a number/);
    expect(() => readCsv('a\nInfinity\n')).toThrow(/not a number/);
    expect(() => readCsv('1,2\n3\n')).toThrow(/line 2 has 1 cells, line 1 has 2/);
    expect(() => readCsv(42 as unknown as string)).toThrow(TypeError);
    expect(() => readCsv('a;b\n1;2', { delimiter: '.' })).toThrow(/delimiter must be one character/);
    expect(readCsv('a;b\n1;2', { delimiter: ';' }).rows).toEqual([[1, 2]]);
  });

  test('the examples’ two-blobs file has no header and three columns', () => {
    const blobs = readCsv(readFileSync('examples/data/two-blobs.csv', 'utf8'));
    expect(blobs.columns).toEqual(['0', '1', '2']);
    expect(blobs.data.shape).toEqual([100, 3]);
  });

  testProp([
    fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 2, maxLength: 2 }), {
      minLength: 1,
      maxLength: 6,
    }),
  ])('numbers written with String() read back exactly', (rows) => {
    const text = `${rows.map((r) => r.map(String).join(',')).join('\n')}\n`;
    expect(readCsv(text, { header: false }).rows).toEqual(rows.map((r) => r.map((v) => v + 0)));
  });
});
