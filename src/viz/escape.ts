/** @file Escaping text for Graphviz DOT: inside quoted strings, and inside record labels. */

/** NUL and unpaired UTF-16 surrogates, which DOT cannot carry: shown as ␀ and the replacement character. */
function printable(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and control characters are what this removes
      .replace(/\u0000/g, '␀')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
  );
}

/**
 * Text safe inside a DOT double-quoted string: backslash, quote and line breaks escaped, and `&`,
 * since Graphviz reads HTML entities in every label (`&amp;` would be drawn as `&`).
 */
export function escapeQuoted(text: string): string {
  return printable(text)
    .replace(/&/g, '&amp;')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Text safe as one field of a record label (`{ a | b }`), which gives `{ } | < >` and spaces at the
 * ends a meaning: those are escaped too, so a hostile label cannot change the record's layout; `&`
 * as in `escapeQuoted`.
 */
export function escapeRecord(text: string): string {
  return printable(text)
    .replace(/&/g, '&amp;')
    .replace(/\\/g, '\\\\')
    .replace(/["{}|<>]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/^ | $/g, '\\ ');
}
