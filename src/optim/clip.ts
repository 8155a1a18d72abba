/** @file clipGradNorm: scale gradients down so that their joint norm is at most a bound. */

import { Node, type Raw } from '../engine/node.js';
import { activeRecorder, isShared } from '../ops/tape.js';
import { checkRate } from './optimizer.js';

/** Σ|g|ᵖ over one gradient (p = Infinity: the largest |g|). */
function partial(g: Raw, p: number): number {
  const values = typeof g === 'number' ? [g] : g.data;
  let acc = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    acc = p === Number.POSITIVE_INFINITY ? Math.max(acc, a) : acc + a ** p;
  }
  return acc;
}

/**
 * Scales every parameter's gradient by `maxNorm / (norm + 1e-6)` when the norm of all gradients
 * together (as one vector; `normType` 2 by default, `Infinity` for the largest element) exceeds
 * `maxNorm`, as `torch.nn.utils.clip_grad_norm_`. Returns the norm before clipping. Parameters with
 * no gradient are skipped.
 *
 * @example
 * loss.backward();
 * clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(params: readonly Node[], maxNorm: number, normType = 2): number {
  if (!Array.isArray(params))
    throw new TypeError('clipGradNorm: expected an array of parameters, e.g. model.parameters()');
  checkRate('clipGradNorm', 'maxNorm', maxNorm);
  checkRate('clipGradNorm', 'normType', normType, { min: Number.MIN_VALUE });
  const recorder = activeRecorder();
  if (recorder === null) return clip(params, maxNorm, normType);
  // NOTE: inside a compiled step the norm changes every call: the clipping runs again at each replay.
  let norm = 0;
  // The gradients are scaled in place there (as torch's clip_grad_norm_ does), in the arrays the replay
  // rewrites, so that the step can go on reading them with tensor ops.
  recorder.host('clipGradNorm', () => {
    norm = clip(params, maxNorm, normType, true);
  });
  return norm;
}

function clip(params: readonly Node[], maxNorm: number, normType: number, inPlace = false): number {
  const grads = params.map((p) => p.gradRaw);
  let total = 0;
  for (const g of grads) {
    if (g === null) continue;
    total =
      normType === Number.POSITIVE_INFINITY
        ? Math.max(total, partial(g, normType))
        : total + partial(g, normType);
  }
  const norm = normType === Number.POSITIVE_INFINITY ? total : total ** (1 / normType);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    params.forEach((p, i) => {
      const g = grads[i];
      if (g == null) return;
      const scaled = p.rawBackend.mul(g, coef);
      const stored = p.storedGrad;
      const graph = stored instanceof Node && stored.requiresGrad;
      // NOTE: an array two gradients share (see `isShared`) is scaled into a new one, once per gradient.
      if (inPlace && typeof g !== 'number' && !graph && !isShared(g)) {
        g.data.set((scaled as typeof g).data);
      } else p.storedGrad = scaled;
    });
  }
  return norm;
}
