/**
 * @file What the runnable examples share: command-line options (`--epochs`, `--out`), the data
 * directory, a seeded shuffle, and a progress bar (cli-progress) shown only on a terminal.
 */

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { type Csv, type ReadCsvOptions, rand, readCsv } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface ExampleOptions {
  readonly epochs: number;
  /** Where SVGs go (created if missing). */
  readonly out: string;
}

/** `--epochs N` (or the EPOCHS environment variable) and `--out DIR` (default: the repository's out/). */
export function exampleOptions(defaultEpochs: number): ExampleOptions {
  const { values } = parseArgs({
    options: { epochs: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: false,
  });
  const text = values.epochs ?? process.env.EPOCHS ?? String(defaultEpochs);
  const epochs = Number(text);
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`--epochs must be a positive integer (got ${text})`);
  }
  const out = resolve(values.out ?? join(here, '..', 'out'));
  mkdirSync(out, { recursive: true });
  return { epochs, out };
}

/** A CSV file of examples/data/. */
export function readData(name: string, options: ReadCsvOptions = {}): Csv {
  return readCsv(readFileSync(join(here, 'data', name), 'utf8'), options);
}

/** 0..n−1 in an order drawn from chainrule's seeded generator (set it with manualSeed). */
export function shuffledIndices(n: number): number[] {
  const keys = rand([n]).toArray() as number[];
  return keys
    .map((k, i) => [k, i] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, i]) => i);
}

/** A progress bar on a terminal; nothing when output goes to a file or a pipe (CI logs, tests). */
export function progress(
  title: string,
  total: number,
): { update(done: number, loss: number): void; stop(): void } {
  if (!process.stdout.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({
    format: `${title.padEnd(22)} [{bar}] {value}/{total} epochs | loss {loss}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
  });
  bar.start(total, 0, { loss: '-' });
  return {
    update: (done, loss) => bar.update(done, { loss: loss.toFixed(4) }),
    stop: () => bar.stop(),
  };
}
