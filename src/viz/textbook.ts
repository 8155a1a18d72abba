/** @file Factors a textbook writes as one formula, found among recorded primitives and checked numerically. */

import type { Node } from '../engine/node.js';
import type { TextbookFactor } from './explain.js';

const name = (n: Node) => n.label || `${n.gradFn ?? 'leaf'}#${n.id}`;

/** The prediction and target of a binary cross-entropy made by `binaryCrossEntropy` (y·log p is its first product). */
function bceParts(order: readonly Node[], root: Node): { p: Node; y: number } | null {
  if (root.gradFn !== 'binaryCrossEntropy') return null;
  for (const n of order) {
    if (n.op?.name !== 'mul' || n.arity !== 2) continue;
    const [y, log] = n.parents as [Node, Node];
    const max = log.op?.name === 'log' ? log.p0 : null;
    if (max?.op?.name === 'maximum' && typeof y.raw === 'number') return { p: max.p0!, y: y.raw };
  }
  return null;
}

function check(nameText: string, formula: string, value: number, fromGraph: number): TextbookFactor {
  return { name: nameText, formula, value, fromGraph, difference: Math.abs(value - fromGraph) };
}

/**
 * Textbook factors among `order` (a Value graph leading to `root`): σ′ = σ(1 − σ) for each sigmoid of a
 * labelled value, and for a binary cross-entropy ∂E/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ), collapsing to ŷ − y
 * when ŷ is a sigmoid. `derivative(lower, upper)` is the same quantity from the recorded primitives.
 */
export function textbookChecks(
  order: readonly Node[],
  root: Node,
  derivative: (lower: Node, upper: Node) => number,
): TextbookFactor[] {
  const found: TextbookFactor[] = [];
  for (const s of order) {
    if (s.op?.name !== 'sigmoid' || s.p0!.label === '' || typeof s.raw !== 'number') continue;
    const x = name(s.p0!);
    const out = s.raw;
    found.push(check(`σ′(${x})`, `σ(${x})(1 − σ(${x}))`, out * (1 - out), derivative(s.p0!, s)));
  }
  const bce = bceParts(order, root);
  if (bce && typeof bce.p.raw === 'number') {
    const { p, y } = bce;
    const [E, P] = [name(root), name(p)];
    const yHat = p.raw as number;
    found.push(
      check(
        `∂${E}/∂${P}`,
        `−y/${P} + (1 − y)/(1 − ${P})`,
        -y / yHat + (1 - y) / (1 - yHat),
        derivative(p, root),
      ),
    );
    if (p.op?.name === 'sigmoid') {
      const h = p.p0!;
      found.push(check(`∂${E}/∂${name(h)}`, `${P} − y`, yHat - y, derivative(h, root)));
    }
  }
  return found;
}
