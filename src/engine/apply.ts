/** @file Running one op forward: compute on raw data, record the node when a gradient may flow. */

import type { AnyOp } from '../ops/op.js';
import { isGradEnabled } from './mode.js';
import type { Node } from './node.js';

const NO_PARENTS: readonly Node[] = Object.freeze([]);

/**
 * Applies `op` to node inputs. The result records its op and parents only when recording is on
 * and some input needs a gradient; otherwise it is a constant, as in PyTorch.
 */
export function apply(op: AnyOp, ins: readonly Node[], attrs?: unknown): Node {
  const first = ins[0]!;
  let needs = false;
  for (let i = 0; i < ins.length; i++) needs ||= ins[i]!.requiresGrad;
  const raw = first.compute(op, ins, attrs);
  if (needs && op.backward !== null && isGradEnabled()) return first.spawn(raw, ins, op, attrs, true);
  return first.spawn(raw, NO_PARENTS, null, undefined, false);
}
