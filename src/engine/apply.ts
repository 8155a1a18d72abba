/** @file Running one op forward: compute on raw data, record the node when a gradient may flow. */

import type { AnyOp } from '../ops/op.js';
import { anomalyMode, noteCreation } from './anomaly.js';
import { isGradEnabled, isTracing } from './mode.js';
import { CONSTANT, makeInit, NONE, type Node } from './node.js';

/** Reused for every recorded node: the constructors copy it before anything else runs. */
const recorded = makeInit();

/**
 * Applies `op` to inputs `x`, `y` (null for a one-input op) and `more`. The result records its op
 * and inputs only when recording is on and some input needs a gradient; otherwise it is a constant,
 * as in PyTorch. Inputs are passed one by one so that a scalar op allocates nothing but its node.
 */
export function applyOp(
  op: AnyOp,
  x: Node,
  y: Node | null = null,
  more: readonly Node[] = NONE,
  attrs?: unknown,
): Node {
  const raw = x.compute(op, x, y, more, attrs);
  let needs = x.requiresGrad || y?.requiresGrad === true;
  for (let i = 0; i < more.length; i++) needs ||= more[i]!.requiresGrad;
  if (!(needs && op.backward !== null && isGradEnabled())) {
    // NOTE: the flag is read only where the result would be a constant: recording is untouched.
    return isTracing()
      ? x.spawn(raw, { ...makeInit(), op, p0: x, p1: y, rest: more, attrs, requiresGrad: false })
      : x.spawn(raw, CONSTANT);
  }
  recorded.op = op;
  recorded.p0 = x;
  recorded.p1 = y;
  recorded.rest = more;
  recorded.attrs = attrs;
  const out = x.spawn(raw, recorded);
  recorded.p0 = recorded.p1 = null; // holding them would keep the whole graph alive
  recorded.rest = NONE;
  recorded.attrs = undefined;
  if (anomalyMode) noteCreation(out);
  return out;
}

/** `applyOp` with the inputs as a list (a variadic op such as `cat`, or any arity). */
export function apply(op: AnyOp, ins: readonly Node[], attrs?: unknown): Node {
  return applyOp(op, ins[0]!, ins.length > 1 ? ins[1]! : null, ins.length > 2 ? ins.slice(2) : NONE, attrs);
}
