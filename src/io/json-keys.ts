/** @file Duplicate keys in JSON text: JSON.parse keeps the last silently, a hostile file must not get that far. */

/**
 * The first key that appears twice in one object of the JSON text `text`, or null. Assumes nothing
 * about validity (JSON.parse checks that); runs in one pass over the text.
 *
 * @example
 * duplicateKey('{"a": 1, "a": 2}');   // 'a'
 */
export function duplicateKey(text: string): string | null {
  const objects: (Set<string> | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '{') objects.push(new Set());
    else if (c === '[') objects.push(null);
    else if (c === '}' || c === ']') objects.pop();
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const token = text.slice(i, j + 1);
      i = j + 1;
      while (i < text.length && /\s/.test(text[i]!)) i++;
      const keys = objects[objects.length - 1];
      if (text[i] === ':' && keys) {
        let key: string;
        try {
          key = JSON.parse(token) as string;
        } catch {
          return null; // invalid JSON: JSON.parse reports it
        }
        if (keys.has(key)) return key;
        keys.add(key);
      }
      continue;
    }
    i++;
  }
  return null;
}
