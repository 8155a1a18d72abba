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
  if (typeof fn !== 'function') {
    throw new TypeError(`noGrad: expected a function to run without recording (got ${typeof fn})`);
  }
  // NOTE: recording is off only until fn returns; the code after an `await` runs later, recorded.
  // As TF.js's tidy, refuse what would run partly outside: async functions and returned promises.
  if (fn.constructor?.name === 'AsyncFunction') throw asyncError();
  const result = withGradMode(false, fn);
  if (typeof (result as { then?: unknown } | null)?.then === 'function') throw asyncError();
  return result;
}

function asyncError(): TypeError {
  return new TypeError(
    'noGrad: the function is async (or returned a promise): ops after its first await would run after noGrad ' +
      'ended, and be recorded; await first, then call noGrad(() => …) on synchronous code',
  );
}

let tracing = false;

/** True while an exporter traces a forward pass (see `withTracing`). */
export function isTracing(): boolean {
  return tracing;
}

/**
 * Runs `fn` with every op recorded, including those with no gradient (comparisons, argmax) and
 * `detach`, which then passes its input on: an exporter sees the whole computation as ops, not as
 * constants computed from the example inputs. Ops without a rule record with `requiresGrad` false, so
 * no backward pass enters them; a detach that stays connected passes a gradient that is 0 up to
 * rounding (softmax's shift by its max), so gradients taken while tracing may differ in the last bits.
 */
export function withTracing<R>(fn: () => R): R {
  const before = tracing;
  tracing = true;
  try {
    return withGradMode(true, fn);
  } finally {
    tracing = before;
  }
}
