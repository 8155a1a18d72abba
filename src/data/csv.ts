/** @file readCsv: a small numeric CSV (text in, a [rows, columns] tensor out), with errors that name the line. */

import { alloc, type DType, NDArray } from '../kernels/ndarray.js';
import { Tensor } from '../tensor/tensor.js';

export interface CsvOptions {
  /** Whether the first line names the columns; 'auto' (default): it does when a field is not a number. */
  readonly header?: boolean | 'auto';
  /** The field separator (default `,`). */
  readonly delimiter?: string;
  readonly dtype?: DType;
}

/** A parsed CSV: the column names (null without a header) and the numbers as a [rows, columns] tensor. */
export interface Csv {
  readonly columns: readonly string[] | null;
  readonly data: Tensor;
}

/** A decimal number as CSV files write them: `3`, `-0.5`, `.5`, `1e-3`. Anything else is refused. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A header name without the surrounding quotes some writers add. */
function unquote(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"')
    ? field.slice(1, -1).replaceAll('""', '"')
    : field;
}

/**
 * Parses the text of a numeric CSV file (read it with `fs.readFileSync(path, 'utf8')` or `fetch`):
 * every row must have the same number of fields and every field must be a number. Blank lines are
 * skipped; Windows line ends and a byte-order mark are accepted.
 *
 * @example
 * const { columns, data } = readCsv('x,y\n1,2\n3,4\n');
 * columns;         // ['x', 'y']
 * data.shape;      // [2, 2]
 */
export function readCsv(text: string, options: CsvOptions = {}): Csv {
  if (typeof text !== 'string') {
    throw new TypeError(
      `readCsv: expected the file's text (got ${typeof text}); read it first, e.g. readFileSync(path, 'utf8')`,
    );
  }
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || /[\d.\-+eE\r\n"]/.test(delimiter)) {
    throw new TypeError(
      `readCsv: delimiter must be one character that cannot be part of a number (got ${JSON.stringify(delimiter)})`,
    );
  }
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, i) => ({ number: i + 1, fields: line.split(delimiter).map((f) => f.trim()) }))
    .filter(({ fields }) => !(fields.length === 1 && fields[0] === ''));
  if (lines.length === 0)
    throw new RangeError('readCsv: the text has no rows; pass the contents of a CSV file');

  const first = lines[0]!;
  const header = options.header ?? 'auto';
  const hasHeader = header === 'auto' ? first.fields.some((f) => !NUMBER.test(f)) : header;
  const columns = hasHeader ? first.fields.map(unquote) : null;
  const rows = hasHeader ? lines.slice(1) : lines;
  const width = first.fields.length;

  const data = alloc(options.dtype ?? 'float64', rows.length * width);
  rows.forEach(({ number, fields }, r) => {
    if (fields.length !== width) {
      throw new RangeError(
        `readCsv: line ${number} has ${fields.length} fields, line ${first.number} has ${width}; every row needs the same number of fields`,
      );
    }
    fields.forEach((field, c) => {
      if (!NUMBER.test(field)) {
        const name = columns ? ` ("${columns[c]}")` : '';
        throw new TypeError(
          `readCsv: line ${number}, column ${c + 1}${name} is ${JSON.stringify(field)}, not a number; fix or remove that row`,
        );
      }
      data[r * width + c] = Number(field);
    });
  });
  return { columns, data: new Tensor(new NDArray(data, [rows.length, width])) };
}
