/** @file Making Graphviz's SVG safe to embed in a page: no scripts, no event handlers, no outside references. */

/** Elements that run code or pull content in: dropped with everything inside them. */
const DROPPED =
  /^(script|foreignobject|iframe|object|embed|use|image|style|animate|set|animatemotion|animatetransform)$/i;

/** An attribute value as a browser would read it: entities decoded, spaces and controls removed, lower case. */
function decoded(value: string): string {
  return (
    value
      .replace(/&#x([0-9a-f]+);?/gi, (_m, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
      .replace(/&#(\d+);?/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&colon;/gi, ':')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and control characters are what this removes
      .replace(/[\s\u0000-\u001f]+/g, '')
      .toLowerCase()
  );
}

/** Whether an attribute may stay: no event handlers, links only within the document, no url(...) loads. */
function safeAttribute(name: string, value: string): boolean {
  const n = name.toLowerCase();
  if (n.startsWith('on')) return false;
  const v = decoded(value);
  if (n === 'href' || n.endsWith(':href') || n === 'src') return v.startsWith('#') && !v.includes('(');
  if (v.includes('javascript:') || v.includes('vbscript:') || v.includes('data:text/html')) return false;
  if (n === 'style' && (v.includes('url(') || v.includes('expression(') || v.includes('@import')))
    return false;
  return true;
}

/**
 * Graphviz's SVG with everything that could run code or load from elsewhere removed: the DOCTYPE (it
 * names an outside DTD) and comments; `script`, `foreignObject`, `image`, `use`, `style`, animation
 * elements and their content; `on*` attributes; `href`s that leave the document (`URL="javascript:…"`
 * in DOT becomes a link without a target); `javascript:` in any attribute; `url(…)` in styles.
 * Written for Graphviz's output (well-formed XML, attribute values quoted and escaped).
 */
export function sanitizeSvg(svg: string): string {
  const body = svg
    .replace(/<\?xml[^>]*\?>/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const out: string[] = [];
  let dropping = 0;
  let last = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>/g)) {
    const [tag, closing, name, attrs, selfClosing] = m as unknown as [string, string, string, string, string];
    const text = body.slice(last, m.index);
    last = m.index! + tag.length;
    if (dropping === 0) out.push(text.replace(/[<>]/g, ''));
    if (DROPPED.test(name)) {
      if (selfClosing) continue;
      dropping += closing ? -1 : 1;
      if (dropping < 0) dropping = 0;
      continue;
    }
    if (dropping > 0) continue;
    if (closing) {
      out.push(`</${name}>`);
      continue;
    }
    const kept: string[] = [];
    for (const a of attrs.matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
      const value = a[3] ?? a[4] ?? '';
      if (safeAttribute(a[1]!, value)) kept.push(`${a[1]}="${value.replace(/"/g, '&quot;')}"`);
    }
    out.push(`<${name}${kept.length > 0 ? ` ${kept.join(' ')}` : ''}${selfClosing ? '/' : ''}>`);
  }
  if (dropping === 0) out.push(body.slice(last).replace(/[<>]/g, ''));
  return out.join('').trim();
}
