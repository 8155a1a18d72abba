/**
 * @file The learners' examples run from a fresh checkout, briefly (few epochs), and write well-formed SVG
 * plots with axes, labels and a legend.
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'chainrule-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function runExample(file: string, ...args: string[]): Promise<string> {
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const { stdout } = await promisify(execFile)(tsx, [join(root, 'examples', file), '--out', out, ...args], {
    cwd: root,
    env: { ...process.env, CI: 'true' },
  });
  return stdout;
}

function svg(name: string): string {
  const text = readFileSync(join(out, name), 'utf8');
  expect(text.startsWith('<svg')).toBe(true);
  expect(text.trimEnd().endsWith('</svg>')).toBe(true);
  expect(text).not.toMatch(/NaN|undefined/);
  return text;
}

describe('examples', () => {
  test('student-admissions trains both models and plots train and test loss', async () => {
    const stdout = await runExample('student-admissions.ts', '--epochs', '30');
    expect(stdout).toMatch(/320 for training and 80 for testing/);
    expect(stdout).toMatch(/logistic regression +train: loss \d\.\d{4}, accuracy \d+\.\d%/);
    expect(stdout).toMatch(/MLP .*test: loss \d\.\d{4}, accuracy \d+\.\d%/);
    expect(stdout).not.toMatch(/█/); // no progress bar when stdout is not a terminal
    const plot = svg('admissions-loss.svg');
    for (const label of [
      'logistic, train',
      'logistic, test',
      'MLP, train',
      'MLP, test',
      'epoch',
      'binary cross-entropy',
    ])
      expect(plot).toContain(label);
    expect(plot.match(/<path d="M/g)?.length).toBe(4);
  });

  test('two-blobs draws the boundary before and after training, and training helps', async () => {
    const stdout = await runExample('two-blobs.ts', '--epochs', '300');
    const acc = [...stdout.matchAll(/accuracy (\d+)%/g)].map((m) => Number(m[1]));
    expect(acc).toHaveLength(2);
    expect(acc[1]!).toBeGreaterThan(acc[0]!);
    const before = svg('two-blobs-before.svg');
    const after = svg('two-blobs-after.svg');
    for (const plot of [before, after]) {
      expect(plot.match(/<circle/g)!.length).toBeGreaterThanOrEqual(100);
      for (const label of ['class 0', 'class 1', 'ŷ = 0.5', 'x1', 'x2']) expect(plot).toContain(label);
    }
    expect(after).toMatch(/<path d="M[\d.]+,[\d.]+L/); // the boundary crosses the plot after training
  });

  test('vanishing-gradients shows sigmoid shrinking the gradient far more than tanh and relu', async () => {
    const stdout = await runExample('vanishing-gradients.ts', '--depth', '6');
    const ratio = (name: string) =>
      Number(new RegExp(`^${name} +the last layer's gradient is (\\S+) times`, 'm').exec(stdout)![1]);
    expect(ratio('sigmoid')).toBeGreaterThan(100 * ratio('tanh'));
    expect(ratio('relu, He init')).toBeLessThan(10);
    const heat = svg('vanishing-gradients.svg');
    for (const label of ['sigmoid', 'tanh', 'relu', 'hidden layer', '‖∂E/∂W‖']) expect(heat).toContain(label);
    expect(readFileSync(join(out, 'vanishing-sigmoid-graph.svg'), 'utf8')).toMatch(
      /<svg[\s\S]*\|gradient\|[\s\S]*<\/svg>/,
    );
  });
});
