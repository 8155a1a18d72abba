/** @file Gradient heat: a colour per value from the size of its gradient, to see where gradients vanish or explode. */

import type { Node } from '../engine/node.js';
import { formatNumber } from '../errors.js';

/** The largest |gradient| element of a node, or null when no backward pass has reached it. */
export function gradMagnitude(n: Node): number | null {
  const kept = n.releasedSummary?.grad;
  if (kept) return kept.size === 0 ? 0 : Math.max(Math.abs(kept.min), Math.abs(kept.max));
  const g = n.gradRaw;
  if (g === null) return null;
  if (typeof g === 'number') return Math.abs(g);
  let m = 0;
  for (let i = 0; i < g.data.length; i++) m = Math.max(m, Math.abs(g.data[i]!));
  return m;
}

/** Colours from small to large gradients (light blue to red), and the colour of a zero gradient. */
const SCALE = ['#dbeafe', '#bfdbfe', '#fde68a', '#fdba74', '#f87171'] as const;
const ZERO = '#e5e7eb';

/** A fill colour for each drawn value with a gradient, on a log scale from the smallest to the largest. */
export interface Heat {
  colour(n: Node): string | null;
  /** One legend line: the range the colours span. */
  readonly legend: string;
}

/**
 * The heat of the drawn values: log10 |gradient| spread over five colours between the smallest and
 * the largest nonzero magnitude in the drawing; an exact zero is grey (a gradient that vanished).
 */
export function heatOf(nodes: Iterable<Node>): Heat {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const n of nodes) {
    const m = gradMagnitude(n);
    if (m === null || m === 0 || !Number.isFinite(m)) continue;
    lo = Math.min(lo, Math.log10(m));
    hi = Math.max(hi, Math.log10(m));
  }
  const span = hi - lo;
  return {
    colour(n) {
      const m = gradMagnitude(n);
      if (m === null) return null;
      if (m === 0) return ZERO;
      if (!Number.isFinite(m)) return SCALE[SCALE.length - 1]!;
      const t = span > 0 ? (Math.log10(m) - lo) / span : 1;
      return SCALE[Math.min(SCALE.length - 1, Math.floor(t * SCALE.length))]!;
    },
    legend: Number.isFinite(span)
      ? `|gradient|: ${formatNumber(10 ** lo)} (blue) to ${formatNumber(10 ** hi)} (red); grey: exactly 0`
      : 'no nonzero gradient yet',
  };
}
