/**
 * @file Every ```ts block in README.md and docs/ runs, and prints what its `// →` comments say.
 * The convention is in docs/architecture.md, "Code in the docs".
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import ts from 'typescript';
import { describe, expect, test, vi } from 'vitest';
import { blocksOf, expectationsOf, markdownFiles } from './support/doc-blocks.js';

const root = resolve(import.meta.dirname, '..');
// NOTE: inside the repository (out/ is ignored by git) so that 'chainrule' and node_modules resolve.
const scratch = join(root, 'out', 'doc-blocks');
mkdirSync(scratch, { recursive: true });

/** Runs a block as its own module from the repository root; returns what it printed with console.log. */
async function run(code: string, name: string): Promise<string> {
  const file = join(scratch, `${name}.ts`);
  writeFileSync(file, `${code}\nexport {};\n`);
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(format(...args));
  });
  try {
    await import(/* @vite-ignore */ `${file}?t=${Date.now()}`);
  } finally {
    spy.mockRestore();
  }
  return printed.join('\n');
}

/**
 * Each expectation must appear in the output, after the one before it, as a whole: not inside a longer
 * number or word (`6` is not found in `16`, `0.6` or `6.5`; `0.027` not in `-0.027`; `true` not in
 * `untrue`). Leading and trailing spaces of the expectation's lines do not count.
 */
function expectInOrder(printed: string, expectations: readonly string[]): void {
  let from = 0;
  for (const raw of expectations) {
    const want = raw
      .split('\n')
      .map((l) => l.trim())
      .join('\n');
    const at = findWhole(printed, want, from);
    expect(
      at,
      `expected the output to contain, as a whole, after what was matched so far:\n${want}\n\noutput:\n${printed}`,
    ).toBeGreaterThanOrEqual(0);
    from = at + want.length;
  }
}

/** The first place at or after `from` where `want` stands with no number or word glued to either end. */
function findWhole(text: string, want: string, from: number): number {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .join('\n');
  for (let at = lines.indexOf(want, from); at >= 0; at = lines.indexOf(want, at + 1)) {
    const before = lines[at - 1] ?? '';
    const after = lines[at + want.length] ?? '';
    const gluedBefore = /[\w.]/.test(want[0] ?? '') && /[\w.-]/.test(before);
    const gluedAfter = /[\w.]/.test(want[want.length - 1] ?? '') && /[\w.]/.test(after);
    if (!gluedBefore && !gluedAfter) return at;
  }
  return -1;
}

for (const path of markdownFiles(root)) {
  const blocks = blocksOf(root, path);
  if (blocks.length === 0) continue;
  describe(blocks[0]!.file, () => {
    for (const block of blocks) {
      const title = `block at line ${block.line}`;
      if (block.skipReason !== null) {
        test.skip(`${title} (no-run: ${block.skipReason})`, () => {});
        test(`${title}: says why it does not run`, () => {
          expect(
            block.skipReason!.split(/\s+/).length,
            'write `no-run <reason>` after ```ts',
          ).toBeGreaterThanOrEqual(3);
        });
        continue;
      }
      test(title, async () => {
        const name = `${block.file.replace(/[^\w]+/g, '-')}-${block.line}`;
        const printed = await run(block.code, name);
        expectInOrder(printed, block.expectations);
      });
    }
  });
}

/** TypeScript's complaints about the runnable blocks, compiled as the repository's tsconfig compiles src/. */
function typeErrors(): string[] {
  const dir = join(scratch, 'typecheck');
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string>();
  for (const path of markdownFiles(root)) {
    for (const block of blocksOf(root, path)) {
      if (block.skipReason !== null) continue;
      const file = join(dir, `${block.file.replace(/[^\w]+/g, '-')}-${block.line}.ts`);
      writeFileSync(file, `${block.code}\nexport {};\n`);
      files.set(file, `${block.file}:${block.line}`);
    }
  }
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const program = ts.createProgram([...files.keys()], { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${files.get(d.file!.fileName)} (block line ${line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

test('every runnable block type-checks against the library (import from chainrule)', () => {
  expect(typeErrors()).toEqual([]);
});

describe('the expectation syntax', () => {
  test('reads one-line and continued expectations', () => {
    const code = [
      'console.log(1); // → 1',
      'console.log(m); // → tensor([[1., 2.],',
      `//${' '.repeat(27)}[3., 4.]])`,
      '// an ordinary comment',
      'console.log(2);',
      '// → 2',
    ].join('\n');
    expect(expectationsOf(code)).toEqual(['1', 'tensor([[1., 2.],\n        [3., 4.]])', '2']);
  });

  test('a block that throws fails, and output is captured as console.log prints it', async () => {
    await expect(run("throw new Error('broken doc');", 'self-test-throws')).rejects.toThrow('broken doc');
    expect(await run("console.log('a', 1, [2]);", 'self-test-prints')).toBe('a 1 [ 2 ]');
  });

  test('a wrong expectation fails', () => {
    expect(() => expectInOrder('a\nb', ['b', 'a'])).toThrow();
    expect(() => expectInOrder('0.7064', ['0.7065'])).toThrow();
    expect(() => expectInOrder('a\nb', ['a', 'b'])).not.toThrow();
    for (const printed of ['16', '0.6', '6.5', 'x = -6'])
      expect(() => expectInOrder(printed, ['6'])).toThrow();
    expect(() => expectInOrder('untrue', ['true'])).toThrow();
    expect(() => expectInOrder('dz/dx = 6 (exactly)', ['6'])).not.toThrow();
    expect(() => expectInOrder('  1    -0.027041', ['1    -0.027041'])).not.toThrow();
  });
});
