/**
 * @file In-place writes by memory: a write through one tensor is a write to every tensor whose array
 * shares those bytes (a view, `detach()`, `.data`, two `fromTypedArray` tensors over one buffer), as
 * PyTorch's views and detached tensors share one version counter.
 */

import type { Data } from '../kernels/ndarray.js';

/** The latest in-place write to the bytes [start, end) of a buffer. */
export interface MemoryWrite {
  readonly start: number;
  readonly end: number;
  /** The stamp of the write (the node id counter's value then). */
  at: number;
  /** What wrote ('an optimizer step'), for the error message. */
  by: string;
}

/**
 * The writes to each buffer, one entry per distinct byte range written (a parameter's whole array,
 * typically the only one). They go when the buffer goes.
 */
const WRITES = new WeakMap<ArrayBufferLike, MemoryWrite[]>();

/** Records that the bytes of `data` were written in place at stamp `at` by `by`. */
export function recordMemoryWrite(data: Data, at: number, by: string): void {
  if (data.byteLength === 0) return;
  const start = data.byteOffset;
  const end = start + data.byteLength;
  const writes = WRITES.get(data.buffer);
  if (writes === undefined) {
    WRITES.set(data.buffer, [{ start, end, at, by }]);
    return;
  }
  const same = writes.find((w) => w.start === start && w.end === end);
  if (same === undefined) writes.push({ start, end, at, by });
  else {
    same.at = at;
    same.by = by;
  }
}

/** The latest write to any byte of `data`, or null when none was recorded. */
export function latestMemoryWrite(data: Data): MemoryWrite | null {
  const writes = WRITES.get(data.buffer);
  if (writes === undefined || data.byteLength === 0) return null;
  const start = data.byteOffset;
  const end = start + data.byteLength;
  let latest: MemoryWrite | null = null;
  for (const w of writes) {
    if (w.start < end && start < w.end && (latest === null || w.at > latest.at)) latest = w;
  }
  return latest;
}
