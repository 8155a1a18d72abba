/** @file The layers of src/: every top-level entry has a rank, no import runs upward, no folders import each other in a cycle. */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers, bottom to top, as docs/architecture.md draws them. A file may import from its own layer
 * or any layer below. A new top-level folder or file in src/ must be placed here, or the first test
 * fails: nothing joins the library without saying where it sits.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'kernels'], // plain arrays and the errors every layer throws; no graph
  ['ops'], // the rule table and the backends rules run on
  ['engine'], // the node, recording, the backward walk
  ['scalar', 'tensor'], // the node types: Value, Tensor and the ways to make tensors
  // what is built on the node types (data, io and onnx are the second wave's feature folders)
  ['functional', 'nn', 'optim', 'check', 'viz', 'data', 'io', 'onnx', 'compile'],
  ['index.ts'], // the public surface
];

const RANK = new Map(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank] as const)));

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every .ts file under `dir`. */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const d = pending.pop()!;
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) pending.push(path);
      else if (name.endsWith('.ts')) files.push(path);
    }
  }
  return files.sort();
}

/** The top-level entry of src/ a file belongs to (`kernels` for src/kernels/wasm/gemm-wasm.ts). */
function entryOf(file: string): string {
  return relative(SRC, file).split(sep)[0]!;
}

/** The relative module specifiers a file imports or re-exports (static, type-only and dynamic), parsed by TypeScript. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName).filter((name) => name.startsWith('.'));
}

interface Edge {
  readonly from: string; // a file, relative to src/
  readonly to: string; // the imported file, relative to src/
  readonly fromEntry: string;
  readonly toEntry: string;
}

function edgesIn(files: readonly string[]): Edge[] {
  return files.flatMap((file) =>
    importsOf(file).map((spec) => {
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      return {
        from: relative(SRC, file),
        to: relative(SRC, target),
        fromEntry: entryOf(file),
        toEntry: target.startsWith(SRC + sep) ? entryOf(target) : '(outside src)',
      };
    }),
  );
}

/** A cycle among the folders (edges between distinct entries), as a path that returns to its start; null if none. */
function folderCycle(edges: readonly Edge[]): string[] | null {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.fromEntry === e.toEntry) continue;
    if (!next.has(e.fromEntry)) next.set(e.fromEntry, new Set());
    next.get(e.fromEntry)!.add(e.toEntry);
  }
  const state = new Map<string, 'open' | 'done'>();
  for (const start of [...next.keys()].sort()) {
    if (state.has(start)) continue;
    // an explicit stack of [node, its remaining successors]; `path` is the open chain
    const path: string[] = [start];
    const stack: [string, string[]][] = [[start, [...(next.get(start) ?? [])].sort()]];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const succ = top[1].shift();
      if (succ === undefined) {
        state.set(top[0], 'done');
        stack.pop();
        path.pop();
        continue;
      }
      if (state.get(succ) === 'open') return [...path.slice(path.indexOf(succ)), succ];
      if (state.get(succ) === 'done') continue;
      state.set(succ, 'open');
      path.push(succ);
      stack.push([succ, [...(next.get(succ) ?? [])].sort()]);
    }
  }
  return null;
}

const FILES = sourceFiles(SRC);
const EDGES = edgesIn(FILES);

describe('the layers of src/', () => {
  it('gives every top-level folder and file of src/ a layer', () => {
    const unranked = readdirSync(SRC).filter((name) => !RANK.has(name));
    expect(unranked, 'place these in LAYERS (test/architecture.test.ts) and docs/architecture.md').toEqual(
      [],
    );
  });

  it('reads imports from every source file', () => {
    expect(FILES.length).toBeGreaterThan(40);
    expect(EDGES.filter((e) => e.toEntry === 'kernels' && e.fromEntry === 'ops').length).toBeGreaterThan(5);
  });

  it('has no import that runs upward, or out of src/', () => {
    const upward = EDGES.filter(
      (e) => !RANK.has(e.toEntry) || RANK.get(e.toEntry)! > RANK.get(e.fromEntry)!,
    ).map(
      (e) =>
        `${e.from} (${e.fromEntry}, layer ${RANK.get(e.fromEntry)}) imports ${e.to} (${e.toEntry}, layer ${RANK.get(e.toEntry) ?? 'none'})`,
    );
    expect(upward).toEqual([]);
  });

  it('has no cycle of imports between folders', () => {
    expect(folderCycle(EDGES)).toBeNull();
  });
});
