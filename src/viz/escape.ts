/** @file Escaping text for Graphviz DOT: inside quoted strings, and inside record labels. */

/** Text safe inside a DOT double-quoted string: backslash, quote and line breaks escaped. */
export function escapeQuoted(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Text safe as one field of a record label (`{ a | b }`), which gives `{ } | < >` and spaces at the
 * ends a meaning: those are escaped too, so a hostile label cannot change the record's layout.
 */
export function escapeRecord(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/["{}|<>]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/^ | $/g, '\\ ');
}
