/** @file renderSvg: DOT text to SVG with Graphviz compiled to WebAssembly, in-process, in Node and in browsers. */

import { sanitizeSvg } from './sanitize.js';

interface Renderer {
  render(
    dot: string,
    options: { format: string },
  ): { status: string; output?: string; errors: { level?: string; message: string }[] };
}

let viz: Promise<Renderer> | null = null;

/** Graphviz (`@viz-js/viz`), loaded the first time a drawing is asked for: importing chainrule stays light. */
function graphviz(): Promise<Renderer> {
  viz ??= import('@viz-js/viz').then((m) => m.instance() as Promise<Renderer>);
  return viz;
}

/** A NUL, or half of a surrogate pair without its other half: text Graphviz cannot lay out faithfully. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and control characters are what this removes
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first thing in DOT text after comments: `digraph`, `graph`, or either after `strict`. */
const DOT_START = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/|#[^\n]*\n)*(?:strict\s+)?(?:di)?graph\b/i;

/**
 * Lays out DOT text (from `toDot`, or written by hand) and returns SVG markup that is safe to put in
 * a web page: no scripts, event handlers, `javascript:` links or outside references survive (see
 * `sanitizeSvg`). Runs Graphviz compiled to WebAssembly (`@viz-js/viz`) in-process, in Node and in
 * browsers alike; it is loaded on the first call. Graphviz's warnings are not printed.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('graph.svg', await renderSvg(toDot(loss)));
 */
export async function renderSvg(dot: string): Promise<string> {
  if (typeof dot !== 'string' || !DOT_START.test(dot)) {
    throw new TypeError(
      'renderSvg: expected DOT text starting with digraph, graph or strict (such as toDot(node) returns)',
    );
  }
  const bad = BAD_TEXT.exec(dot);
  if (bad) {
    const what = bad[0] === '\u0000' ? 'a NUL character' : 'a lone UTF-16 surrogate';
    throw new TypeError(
      `renderSvg: the DOT text contains ${what} at offset ${bad.index}; remove it (toDot escapes such labels itself)`,
    );
  }
  const renderer = await graphviz();
  let result: ReturnType<Renderer['render']>;
  try {
    result = renderer.render(dot, { format: 'svg' });
  } catch (e) {
    viz = null; // NOTE: a WebAssembly instance that overflowed its stack is not trusted again
    if (e instanceof RangeError) {
      throw new RangeError(
        `renderSvg: Graphviz ran out of stack laying out this graph (${countNodes(dot)} nodes or more); ` +
          "draw fewer nodes: toDot's maxNodes, collapse modules, or hide constants",
      );
    }
    throw e;
  }
  const errors = result.errors.filter((e) => e.level !== 'warning').map((e) => e.message.trim());
  if (result.status !== 'success' || result.output === undefined || errors.length > 0) {
    throw new SyntaxError(
      `renderSvg: Graphviz could not read the DOT text: ${errors.join(' ') || result.status}`,
    );
  }
  return sanitizeSvg(result.output);
}

/** A rough count of the node statements and edge ends in DOT text, for an error message. */
function countNodes(dot: string): number {
  return new Set(dot.match(/\b[A-Za-z_]\w*(?=\s*(?:\[|->|--|;))/g) ?? []).size;
}
