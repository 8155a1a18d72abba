/** @file renderSvg: DOT text to SVG with Graphviz compiled to WebAssembly, offline, no system package. */

/**
 * Lays out DOT text (from `toDot`) and returns SVG markup. Runs Graphviz's `dot` engine compiled to
 * WebAssembly, so nothing needs to be installed on the system.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('graph.svg', await renderSvg(toDot(loss)));
 */
export async function renderSvg(dot: string): Promise<string> {
  if (typeof dot !== 'string' || (!dot.trim().startsWith('digraph') && !dot.trim().startsWith('graph'))) {
    throw new TypeError('renderSvg: expected DOT text such as toDot(node) returns');
  }
  // NOTE: loaded on first use, so importing chainrule does not load Graphviz.
  const { renderGraphFromSource } = await import('graphviz-cli');
  return renderGraphFromSource({ input: dot }, { format: 'svg' });
}
