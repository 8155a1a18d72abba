/** @file Small statistics and table helpers for the benchmark. */

export function median(xs) {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** |a − b| ≤ rtol·max(|a|, |b|) + atol; NaN never agrees. */
export function close(a, b, rtol, atol = 0) {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b)) + atol;
}

/** Relative difference, for reporting. */
export function relDiff(a, b) {
  const d = Math.abs(a - b);
  const m = Math.max(Math.abs(a), Math.abs(b));
  return m === 0 ? d : d / m;
}

export function fmtMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '–';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

export function fmtRatio(r) {
  if (r === undefined || r === null || !Number.isFinite(r)) return '–';
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** Numbers with SI suffixes: 1.23M, 456k. */
export function fmtSi(x, digits = 3) {
  const units = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [v, u] of units) if (Math.abs(x) >= v) return `${(x / v).toPrecision(digits)}${u}`;
  return x.toPrecision(digits);
}

/** Renders rows (arrays of strings) as an aligned plain-text table; `right` marks right-aligned columns. */
export function renderTable(header, rows, right = []) {
  const all = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...all.map((r) => [...String(r[j] ?? '')].length)));
  const pad = (s, j) => {
    const str = String(s ?? '');
    const fill = ' '.repeat(widths[j] - [...str].length);
    return right.includes(j) ? fill + str : str + fill;
  };
  const line = (r) => r.map(pad).join('  ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), sep, ...rows.map(line)].join('\n');
}
