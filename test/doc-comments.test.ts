/**
 * @file Every public export (src/index.ts) has a doc comment: a description for every export, and an
 * `@example` for every value (class, function, constant), read with the TypeScript compiler API the way
 * TypeDoc reads them for `npm run docs:api`.
 */

import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const entry = resolve(root, 'src/index.ts');

interface ExportDoc {
  readonly name: string;
  readonly isValue: boolean;
  readonly description: string;
  readonly hasExample: boolean;
}

function publicExports(): ExportDoc[] {
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const description = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const hasExample = symbol.getJsDocTags(checker).some((t) => t.name === 'example');
    const spec = exported.declarations?.[0];
    const typeOnly =
      spec !== undefined && ts.isExportSpecifier(spec) && (spec.isTypeOnly || spec.parent.parent.isTypeOnly);
    const isValue =
      !typeOnly &&
      (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable)) !== 0;
    return { name: exported.name, isValue, description, hasExample };
  });
}

const exports = publicExports();

describe('doc comments of the public surface', () => {
  test('src/index.ts exports something to check', () => {
    expect(exports.length).toBeGreaterThan(40);
  });

  test('every export has a description', () => {
    expect(exports.filter((e) => e.description === '').map((e) => e.name)).toEqual([]);
  });

  test('every class, function and constant has an @example', () => {
    expect(exports.filter((e) => e.isValue && !e.hasExample).map((e) => e.name)).toEqual([]);
  });
});
