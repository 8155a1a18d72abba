/** @file Whether ops record the graph: on by default, off inside `noGrad`. */

let enabled = true;

/** True when new ops record their inputs so that `backward()` can reach them. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with recording set to `on`, restoring the previous mode even if `fn` throws. */
export function withGradMode<R>(on: boolean, fn: () => R): R {
  const before = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

/**
 * Runs `fn` without recording: results have no parents and need no gradient, as in
 * PyTorch's `torch.no_grad()`. Use it for parameter updates and evaluation.
 *
 * @example
 * const y = noGrad(() => x.mul(2));   // y.requiresGrad === false
 */
export function noGrad<R>(fn: () => R): R {
  return withGradMode(false, fn);
}
