/**
 * @file The ```ts blocks of the Markdown docs, and the `// → text` expectations written in them.
 * test/docs.test.ts runs them; docs/architecture.md ("Code in the docs") states the convention.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One fenced TypeScript block of a Markdown file. */
export interface DocBlock {
  /** The file, relative to the repository root. */
  readonly file: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  /** What the block's `// →` comments say it prints, in order. */
  readonly expectations: readonly string[];
  /** The reason given after `no-run`, or null for a block that runs. */
  readonly skipReason: string | null;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/;

/** README.md and every Markdown file under docs/, in a fixed order. */
export function markdownFiles(root: string): string[] {
  const files = [join(root, 'README.md')];
  const stack = [join(root, 'docs')];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  }
  return files;
}

/**
 * The `// → text` expectations of a block, in order. Comment lines right after one, with two or
 * more spaces after their `//`, continue it on a new line (multi-line output such as a printed
 * matrix); their text is read from the column where the first line's text starts, so the rows line
 * up in the docs as they do in the output.
 */
export function expectationsOf(code: string): string[] {
  const lines = code.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = line.indexOf('// →');
    if (at < 0) continue;
    const after = line.slice(at + '// →'.length);
    const column = line.length - after.trimStart().length;
    const parts = [after.trim()];
    while (i + 1 < lines.length && /^\s*\/\/\s{2,}\S/.test(lines[i + 1]!)) {
      const next = lines[++i]!;
      const aligned = /^\s*\/\/\s*$/.test(next.slice(0, column));
      parts.push((aligned ? next.slice(column) : next.replace(/^\s*\/\/ ?/, '')).trimEnd());
    }
    out.push(parts.join('\n'));
  }
  return out;
}

/** Every ```ts (or ```typescript) block of one Markdown file. */
export function blocksOf(root: string, path: string): DocBlock[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const file = relative(root, path);
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim().startsWith(fence!)) {
      body.push(lines[j]!.startsWith(indent!) ? lines[j]!.slice(indent!.length) : lines[j]!);
      j++;
    }
    if (lang === 'ts' || lang === 'typescript') {
      const info = rest!.trim();
      const noRun = /^no-run\b\s*(.*)$/.exec(info);
      const code = body.join('\n');
      blocks.push({
        file,
        line: i + 1,
        code,
        expectations: expectationsOf(code),
        skipReason: noRun ? noRun[1]!.trim() : null,
      });
    }
    i = j;
  }
  return blocks;
}
