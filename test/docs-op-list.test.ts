/** @file Every public op method of Value and Tensor is in the docs' op list (README for Value, docs/tensors.md for Tensor). */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, Value } from '../src/index.js';

/** The text of the `## title` section of a markdown file, without its fenced code blocks. */
function section(file: string, title: string): string {
  const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`${file} has no section "## ${title}"`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end).replace(/```[\s\S]*?```/g, '');
}

/** Every identifier written in an inline code span (`sum mean (axis?)` gives sum, mean, axis). */
function documented(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, span] of text.matchAll(/`([^`]+)`/g)) {
    for (const [word] of span!.matchAll(/[A-Za-z_]\w*/g)) names.add(word);
  }
  return names;
}

/** The methods on a class's own prototype (runtime view: TypeScript's `private` ones are there too). */
function methods(cls: { prototype: object }): string[] {
  return Object.entries(Object.getOwnPropertyDescriptors(cls.prototype))
    .filter(([name, d]) => name !== 'constructor' && typeof d.value === 'function')
    .map(([name]) => name);
}

/** What is not an op: node plumbing the engine calls, private helpers, and the conversions out. */
const NOT_OPS = new Set([
  'compute',
  'spawn',
  'constant',
  'describeData',
  'describeGrad',
  'unary',
  'binary',
  'composite',
  'axisOrAll',
  'seed',
  'assignInPlace',
  'releasedCopy',
  'backward',
  'detach',
  'toArray',
  'item',
  'toString',
]);

describe("the docs' op lists", () => {
  it.each([
    { kind: 'Value', cls: Value, file: 'README.md', title: 'Ten lines' },
    { kind: 'Tensor', cls: Tensor, file: 'docs/tensors.md', title: 'Operations' },
  ] as const)('every public $kind op method is in $file', ({ cls, file, title }) => {
    const listed = documented(section(file, title));
    const ops = methods(cls).filter((m) => !NOT_OPS.has(m));
    expect(ops.length).toBeGreaterThan(10);
    expect(ops.filter((m) => !listed.has(m))).toEqual([]);
  });
});
