/** @file readCsv: the small numeric CSV files the examples and the tutorial train on. */

/** What `readCsv` returns. A numeric table: the header's column names and one array of numbers per data row. */
export interface Csv {
  readonly columns: readonly string[];
  readonly rows: readonly number[][];
}

/** Options of `readCsv`: `readCsv(text, { header: false })` for a file without a header line. */
export interface ReadCsvOptions {
  /** Whether the first line names the columns (default true); without one, columns are named 0, 1, … */
  readonly header?: boolean;
}

/**
 * Parses comma-separated numbers (text, not a path: read the file with `node:fs` or `fetch`). Blank
 * lines are skipped; a ragged row or a cell that is not a finite number is a `TypeError` naming
 * its line and column.
 *
 * @example
 * const { columns, rows } = readCsv('admit,gre\n0,380\n1,660\n');
 * columns;   // ['admit', 'gre']
 * rows;      // [[0, 380], [1, 660]]
 */
export function readCsv(text: string, options: ReadCsvOptions = {}): Csv {
  if (typeof text !== 'string') throw new TypeError('readCsv: expected the text of a CSV file');
  const lines = text.split(/\r?\n/).map((line, i) => ({ line, number: i + 1 }));
  const filled = lines.filter(({ line }) => line.trim() !== '');
  if (filled.length === 0) throw new TypeError('readCsv: the text has no rows');
  const cells = (line: string) => line.split(',').map((c) => c.trim());
  const first = cells(filled[0]!.line);
  const hasHeader = options.header ?? true;
  const columns = hasHeader ? first : first.map((_, j) => String(j));
  const rows = (hasHeader ? filled.slice(1) : filled).map(({ line, number }) => {
    const row = cells(line);
    if (row.length !== columns.length) {
      throw new TypeError(
        `readCsv: line ${number} has ${row.length} cells, the header has ${columns.length}; every row needs one cell per column`,
      );
    }
    return row.map((cell, j) => {
      const v = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(v)) {
        throw new TypeError(
          `readCsv: line ${number}, column '${columns[j]}' holds '${cell}', not a number; only numeric CSVs are read`,
        );
      }
      return v;
    });
  });
  return { columns, rows };
}
