/** @file The one place every array kernel call of the graph layers passes, so that `compile` can record a step. */

import * as K from '../kernels/index.js';
import { NDArray } from '../kernels/ndarray.js';
import type { Operand } from './op.js';

/** What a recorder re-runs: an op's array forward, or one of the few kernels the engine calls itself. */
export interface ArrayKernel {
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: each kernel reads its own attribute type
  array?(xs: readonly Operand<NDArray>[], attrs: any): NDArray;
  /**
   * For an elementwise kernel: the function `array` applies to each element of its inputs broadcast
   * together (the result stored in its dtype), so that a replay may fuse runs of such calls into one
   * loop (compile/fuse.ts); `scalar32` is the one for float32 inputs when that differs (see `Op`).
   * test/ops/forwards.test.ts checks every kernel that has one.
   */
  readonly scalar?: (...xs: number[]) => number;
  readonly scalar32?: (...xs: number[]) => number;
  /** True for a `customOp`: its `scalar` is its forward on numbers (for Value), not a promise that `array` is elementwise. */
  readonly userRule?: boolean;
}

/** A node as the recorder sees it: enough to tell whether it existed before a capture began. */
export interface SeenNode {
  readonly id: number;
  readonly raw: unknown;
  readonly requiresGrad: boolean;
}

/**
 * Records the kernel calls of a step while `compile` captures it. Every method is called only while a
 * recorder is installed, so eager code pays one null check per kernel call and nothing else.
 */
export interface Recorder {
  /** Runs `kernel` on `ins` now and records the call, to be re-run on the same arrays at every replay. */
  kernel(kernel: ArrayKernel, ins: readonly Operand<NDArray>[], attrs: unknown): NDArray;
  /** Notes nodes whose data a forward op reads: those older than the capture are read live on replay. */
  see(nodes: readonly (SeenNode | null)[]): void;
  /**
   * Runs `action` now with recording paused, and again (unrecorded) at every replay: for work whose
   * numbers change between steps (an optimizer's step count, a scheduled learning rate) or that only
   * changes JavaScript state. `reads` are the arrays it reads that the step itself computed.
   */
  host(what: string, action: () => void, reads?: readonly NDArray[]): void;
  /** `node.grad` was set to `grad` by a backward pass (`fresh`: it was null before, not accumulated). */
  storeGrad(node: { gradData: unknown }, grad: unknown, fresh: boolean): void;
}

let recorder: Recorder | null = null;

/** The recorder of the step being captured, or null (always null outside `compile`). */
export function activeRecorder(): Recorder | null {
  return recorder;
}

/** Installs `r` (or removes it with null); `compile` does this around a capture. */
export function setRecorder(r: Recorder | null): void {
  recorder = r;
}

/** Runs an array kernel: directly, or through the recorder while a step is being captured. */
export function runArray(kernel: ArrayKernel, ins: readonly Operand<NDArray>[], attrs?: unknown): NDArray {
  return recorder === null ? kernel.array!(ins, attrs) : recorder.kernel(kernel, ins, attrs);
}

/** x − y in one kernel (see `arrayBackend.sub`). */
export const SUB: ArrayKernel = { name: 'sub', array: ([x, y]) => K.sub(x!, y!), scalar: (x, y) => x - y };

/** A copy of x in a new array: a stored gradient that would share its array with another. */
export const COPY: ArrayKernel = {
  name: 'copy',
  array: ([x]) => K.copyAs(x as NDArray),
};

/** The buffers a compiled step's tape writes again at every call (see `markReused`). */
const reused = new WeakSet<ArrayBufferLike>();

/** Notes that a compiled step rewrites `buffer` at every call: a `.grad` read from it is handed a copy. */
export function markReused(buffer: ArrayBufferLike): void {
  reused.add(buffer);
}

/** Whether a compiled step's tape rewrites `a`'s array at every call. */
export function isReused(a: NDArray): boolean {
  return reused.has(a.data.buffer);
}

/** Gradient arrays that two stored gradients of one pass share (see `Owners` in engine/autograd.ts). */
const shared = new WeakSet<NDArray>();

/** Notes that `a` is the gradient of more than one node: `.grad` hands out copies of it. */
export function markShared(a: NDArray): void {
  shared.add(a);
}

/** Whether `a` is the gradient of more than one node (see `markShared`): never write into it. */
export function isShared(a: NDArray): boolean {
  return shared.has(a);
}

/**
 * A gradient as `.grad` hands it out: its own array; or a copy when the array is shared with another
 * node's gradient, or when a compiled step's tape rewrites it at every call (and no step is being
 * captured), so that a `.grad` kept from one call is not changed by the next, as eagerly, where each
 * backward pass stores a new array.
 */
export function unshared<R>(g: R): R {
  if (!(g instanceof NDArray)) return g;
  if (shared.has(g)) return runArray(COPY, [g]) as R;
  if (recorder !== null || !isReused(g)) return g;
  return COPY.array!([g], undefined) as R;
}
