/**
 * @file In-place writes by memory: a write through one tensor is a write to every tensor whose array
 * shares those bytes (a view, `detach()`, `.data`, two `fromTypedArray` tensors over one buffer), as
 * PyTorch's views and detached tensors share one version counter (stricter than PyTorch for `.data`,
 * whose writes it does not track: a graph that saved the memory is refused either way).
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

/** The writes to one buffer: the latest per distinct byte range, and the stamp of the latest of all. */
interface BufferWrites {
  readonly byRange: Map<string, MemoryWrite>;
  latest: number;
}

/** Each written buffer's writes (typically one range: a parameter's whole array). They go when the buffer goes. */
const WRITES = new WeakMap<ArrayBufferLike, BufferWrites>();

/** Records that the bytes of `data` were written in place at stamp `at` by `by`. */
export function recordMemoryWrite(data: Data, at: number, by: string): void {
  if (data.byteLength === 0) return;
  const start = data.byteOffset;
  const end = start + data.byteLength;
  let writes = WRITES.get(data.buffer);
  if (writes === undefined) {
    writes = { byRange: new Map(), latest: 0 };
    WRITES.set(data.buffer, writes);
  }
  const key = `${start}:${end}`;
  const same = writes.byRange.get(key);
  if (same === undefined) writes.byRange.set(key, { start, end, at, by });
  else {
    same.at = at;
    same.by = by;
  }
  writes.latest = at;
}

/**
 * The latest write to any byte of `data` made after stamp `after`, or null. Only a buffer written
 * after `after` is searched, so the check stays one lookup for memory nobody wrote since.
 */
export function memoryWriteAfter(data: Data, after: number): MemoryWrite | null {
  const writes = WRITES.get(data.buffer);
  if (writes === undefined || writes.latest <= after || data.byteLength === 0) return null;
  const start = data.byteOffset;
  const end = start + data.byteLength;
  let latest: MemoryWrite | null = null;
  for (const w of writes.byRange.values()) {
    if (w.at > after && w.start < end && start < w.end && (latest === null || w.at > latest.at)) latest = w;
  }
  return latest;
}
