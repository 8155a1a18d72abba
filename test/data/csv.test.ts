import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readCsv } from '../../src/index.js';
import { testProp } from '../support/property.js';

describe('readCsv', () => {
  test('a header is detected and the numbers form a [rows, columns] tensor', () => {
    const { columns, data } = readCsv('admit,gre,gpa\r\n0,380,3.61\r\n1,660,3.67\r\n\r\n');
    expect(columns).toEqual(['admit', 'gre', 'gpa']);
    expect(data.toArray()).toEqual([
      [0, 380, 3.61],
      [1, 660, 3.67],
    ]);
  });

  test('a file of numbers only has no header; header: false and true force it', () => {
    expect(readCsv('1,2\n3,4').columns).toBeNull();
    expect(readCsv('1,2\n3,4', { header: true })).toMatchObject({ columns: ['1', '2'] });
    expect(readCsv('1,2\n3,4', { header: true }).data.shape).toEqual([1, 2]);
    expect(() => readCsv('x,y\n1,2', { header: false })).toThrow(/line 1, column 1 is "x", not a number/);
  });

  test('ragged rows and non-numbers are errors naming the line', () => {
    expect(() => readCsv('a,b\n1,2\n3\n')).toThrow(/line 3 has 1 fields, line 1 has 2/);
    expect(() => readCsv('a,b\n1,2\n3,x4\n')).toThrow(/line 3, column 2 \("b"\) is "x4", not a number/);
    expect(() => readCsv('a,b\n1,\n')).toThrow(/column 2 \("b"\) is "", not a number/);
    expect(() => readCsv('1,0x10\n', { header: false })).toThrow(/not a number/);
    expect(() => readCsv('')).toThrow(/no rows/);
    expect(() => readCsv(42 as unknown as string)).toThrow(TypeError);
  });

  test('the examples’ data files read', () => {
    const blobs = readCsv(readFileSync('examples/data/two-blobs.csv', 'utf8'));
    expect(blobs.columns).toBeNull();
    expect(blobs.data.shape[1]).toBe(3);
    const admissions = readCsv(readFileSync('examples/data/student-admissions.csv', 'utf8'), {
      dtype: 'float32',
    });
    expect(admissions.columns).toEqual(['admit', 'gre', 'gpa', 'rank']);
    expect(admissions.data.dtype).toBe('float32');
  });

  testProp([
    fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 2, maxLength: 2 }), {
      minLength: 1,
      maxLength: 6,
    }),
  ])('numbers written with String() read back exactly', (rows) => {
    const text = `${rows.map((r) => r.map(String).join(',')).join('\n')}\n`;
    expect(readCsv(text, { header: false }).data.toArray()).toEqual(rows.map((r) => r.map((v) => v + 0)));
  });
});
