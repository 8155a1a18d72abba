/** @file readCsv: the small numeric CSV files the examples and the tutorial train on, as rows and as a tensor. */

import { checkOptions, type OptionNames, show } from '../errors.js';
import { alloc, type DType, NDArray } from '../kernels/ndarray.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * What `readCsv` returns. A numeric table: the column names (from the header, or 0, 1, … without
 * one), one array of numbers per data row, and the same numbers as a `[rows, columns]` tensor.
 */
export interface Csv {
  readonly columns: readonly string[];
  readonly rows: readonly number[][];
  readonly data: Tensor;
}

/** Options of `readCsv`: `readCsv(text, { header: false })` for a file without a header line. */
export interface ReadCsvOptions {
  /**
   * Whether the first line names the columns; 'auto' (the default): it does when one of its cells is
   * not a number. Without a header, columns are named 0, 1, …
   */
  readonly header?: boolean | 'auto';
  /** The cell separator (default `,`). */
  readonly delimiter?: string;
  /** The dtype of `data` (default float64). */
  readonly dtype?: DType;
}

const READ_CSV_OPTIONS: OptionNames<ReadCsvOptions> = { header: true, delimiter: true, dtype: true };

/** A decimal number as CSV files write them: `3`, `-0.5`, `.5`, `1e-3`; not hex, not Infinity, not blank. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The cells of one line as written. A delimiter inside double quotes belongs to its cell (`"x,y"`),
 * as in RFC 4180; the quotes stay, for `unquote` to take off a header name. `null` for a line whose
 * quotes do not close (a quoted cell spanning lines is not read).
 */
function splitCells(line: string, delimiter: string): string[] | null {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"')
      quoted = !quoted; // an escaped "" toggles twice
    else if (line[i] === delimiter && !quoted) {
      cells.push(line.slice(start, i));
      start = i + 1;
    }
  }
  cells.push(line.slice(start));
  return quoted ? null : cells;
}

/** A header name without the quotes some writers put around it. */
function unquote(cell: string): string {
  return cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"')
    ? cell.slice(1, -1).replaceAll('""', '"')
    : cell;
}

/**
 * Parses comma-separated numbers (text, not a path: read the file with `node:fs` or `fetch`). Blank
 * lines are skipped; LF, CRLF and lone CR (old Mac) line ends and a byte-order mark are accepted; a
 * header name may be quoted, delimiter and all (`"x,y"`). A ragged row, or a cell that is not a
 * finite decimal number (`1e999` would be Infinity), is a `TypeError` naming its line and column.
 *
 * @example
 * const { columns, rows, data } = readCsv('admit,gre\n0,380\n1,660\n');
 * columns;      // ['admit', 'gre']
 * rows;         // [[0, 380], [1, 660]]
 * data.shape;   // [2, 2]
 */
export function readCsv(text: string, options: ReadCsvOptions = {}): Csv {
  if (typeof text !== 'string') {
    throw new TypeError(
      `readCsv: expected the text of a CSV file (got ${typeof text}); read it first, e.g. readFileSync(path, 'utf8')`,
    );
  }
  checkOptions('readCsv', options, READ_CSV_OPTIONS);
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || /[\d.+\-eE\r\n"]/.test(delimiter)) {
    throw new TypeError(
      `readCsv: delimiter must be one character that cannot be part of a number (got ${JSON.stringify(delimiter)})`,
    );
  }
  const filled = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((line, i) => {
      const written = splitCells(line, delimiter);
      if (written === null) {
        throw new TypeError(
          `readCsv: line ${i + 1} has a quote that does not close (${show(line)}); close it, or write the cell without quotes`,
        );
      }
      return { cells: written.map((c) => c.trim()), written, number: i + 1 };
    })
    .filter(({ cells }) => !(cells.length === 1 && cells[0] === ''));
  if (filled.length === 0)
    throw new TypeError('readCsv: the text has no rows; pass the contents of a CSV file');

  const first = filled[0]!;
  const header = options.header ?? 'auto';
  const hasHeader = header === 'auto' ? first.cells.some((c) => !NUMBER.test(c)) : header;
  const columns = hasHeader ? first.cells.map(unquote) : first.cells.map((_, j) => String(j));
  const width = columns.length;
  const dtype = options.dtype ?? 'float64';
  const stored = dtype === 'float32' ? Math.fround : (v: number) => v;
  const rows = (hasHeader ? filled.slice(1) : filled).map(({ cells, written, number }) => {
    if (cells.length !== width) {
      const against = hasHeader ? `the header has ${width}` : `line ${first.number} has ${width}`;
      throw new TypeError(
        `readCsv: line ${number} has ${cells.length} cells, ${against}; every row needs one cell per column`,
      );
    }
    return cells.map((cell, j) => {
      if (!NUMBER.test(cell)) {
        // the cell as written, spaces and tabs shown: a blank one would otherwise read as ''
        const blank = cell === '' ? ' (a blank cell)' : '';
        throw new TypeError(
          `readCsv: line ${number}, column '${columns[j]}' holds ${show(written[j])}${blank}, not a number; only numeric CSVs are read: write a number there, or drop the row`,
        );
      }
      const value = Number(cell);
      if (!Number.isFinite(stored(value))) {
        throw new TypeError(
          `readCsv: line ${number}, column '${columns[j]}' holds ${show(written[j])}, beyond the ${dtype} range (it would read as ${stored(value)}); only finite numbers are read: write a smaller number, or drop the row`,
        );
      }
      return value;
    });
  });
  const values = alloc(dtype, rows.length * width);
  rows.forEach((row, i) => {
    values.set(row, i * width);
  });
  return { columns, rows, data: new Tensor(new NDArray(values, [rows.length, width])) };
}
