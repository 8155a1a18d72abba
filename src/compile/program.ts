/** @file Capturing one run of a step as a tape of kernel calls, and replaying the tape on the same arrays. */

import { Node, type Raw, rawOf } from '../engine/node.js';
import { AutogradError, fmt } from '../errors.js';
import { gemmVersion, type ProductKind, stridedProduct } from '../kernels/matmul.js';
import { allocate, type Data, type DType, NDArray, padShape, setAllocHook } from '../kernels/ndarray.js';
import { matmul, matmulNT, matmulTN } from '../ops/matmul.js';
import type { Operand } from '../ops/op.js';
import { expand, sumTo } from '../ops/shape.js';
import {
  type ArrayKernel,
  COPY,
  isReused,
  markReused,
  type Recorder,
  type SeenNode,
  setRecorder,
} from '../ops/tape.js';
import { fusedGroups, fusedLoop, type Group, outsideReads, type Pointwise, type Sum } from './fuse.js';

/** One step of a replay, in the order the capture ran them. */
type Entry =
  /** Re-run `kernel`, its `alloc` calls handed `made` (zeroed) instead of new arrays. */
  | {
      readonly kind: 'kernel';
      readonly kernel: ArrayKernel;
      readonly ins: readonly Operand<NDArray>[];
      readonly attrs: unknown;
      readonly made: readonly Data[];
      /** The result it returned. */
      readonly out: NDArray;
    }
  /** Run a generated loop computing a run of elementwise kernel calls at once (see fuse.ts). */
  | { readonly kind: 'loop'; readonly run: () => void }
  /** Refill an array the step made from plain numbers (it may have been written since). */
  | { readonly kind: 'constant'; readonly target: Data; readonly snapshot: Data }
  /** Run JavaScript again: an optimizer step, an in-place write (reading `reads`, arrays the step computed). */
  | { readonly kind: 'host'; readonly action: () => void; readonly reads: readonly NDArray[] }
  /** Set a leaf's `.grad` as the backward pass (or zeroGrad) did. */
  | { readonly kind: 'grad'; readonly node: { gradData: unknown }; readonly grad: unknown };

/** Where an array read by a recorded kernel came from. */
type Origin = 'kernel' | 'constant' | 'external' | { readonly foreign: string };

/**
 * What a capture left: the tape, and what a replay must check and restore. Replaying it runs every
 * recorded kernel on the arrays it used at capture (inputs copied into the captured input arrays
 * first), so no array is allocated and no graph is built.
 */
export class Program {
  /** The tape without the copies nothing reads (see `withoutDeadCopies`). */
  private readonly live: readonly Entry[];
  /** The tape as a replay runs it: `live` with runs of elementwise calls fused into loops (see `lower`). */
  private entries: readonly Entry[];
  /** The matmul kernels' choice (`gemmVersion`) the fused products follow: a change lowers the tape again. */
  private gemm: number;

  constructor(
    tape: readonly Entry[],
    /** Leaves whose first stored gradient was fresh: the step relies on their `.grad` being null when called. */
    private readonly freshLeaves: readonly Node[],
    /** Leaves the step itself made (`x.detach()` with requiresGrad set): new at each eager call, so null again. */
    private readonly innerLeaves: readonly Node[],
    /** Tensors older than the capture that it read, and whether each required a gradient then. */
    private readonly guards: ReadonlyMap<SeenNode, boolean>,
    /** Every leaf whose `.grad` the tape sets. */
    private readonly gradLeaves: readonly Node[],
    /** The arrays the step returns. */
    private readonly outputs: readonly NDArray[],
  ) {
    this.live = withoutDeadCopies(tape, outputs);
    this.gemm = gemmVersion();
    this.entries = lower(this.live, outputs);
    for (const e of tape) {
      if (e.kind === 'kernel') for (const a of e.made) markReused(a.buffer);
      else if (e.kind === 'constant') markReused(e.target.buffer);
    }
  }

  /**
   * After a call: each `.grad` the tape set is left as its bare array, so that reading it hands out a
   * copy (see `unshared`) and no tensor the caller keeps shares an array the next call rewrites.
   */
  handOver(): void {
    for (const leaf of this.gradLeaves) {
      const g = leaf.gradData;
      if (g instanceof Node && g.raw instanceof NDArray && isReused(g.raw)) leaf.gradData = g.raw;
    }
  }

  /**
   * The first tensor read by the step whose `requiresGrad` changed since the capture (a frozen or
   * unfrozen parameter), or null: a changed one makes backward reach other leaves, so the tape is stale.
   */
  changedLeaf(): SeenNode | null {
    for (const [node, requiresGrad] of this.guards) if (node.requiresGrad !== requiresGrad) return node;
    return null;
  }

  /** How many kernel calls a replay runs, a fused loop counting as one (for tests and for `compiled.kernelCalls`). */
  get kernelCalls(): number {
    return this.entries.filter((e) => e.kind === 'kernel' || e.kind === 'loop').length;
  }

  /** Runs the tape once. */
  replay(): void {
    for (const node of this.freshLeaves) {
      if (node.gradData !== null) throw accumulateError(node);
    }
    for (const node of this.innerLeaves) node.gradData = null;
    if (this.gemm !== gemmVersion()) {
      // NOTE: the kernel path changed (useKernels): a fused product must sum as the kernel now would.
      this.gemm = gemmVersion();
      this.entries = lower(this.live, this.outputs);
    }
    for (const e of this.entries) {
      switch (e.kind) {
        case 'kernel':
          runKernel(e.kernel, e.ins, e.attrs, e.made);
          break;
        case 'loop':
          e.run();
          break;
        case 'constant':
          e.target.set(e.snapshot);
          break;
        case 'host':
          e.action();
          break;
        case 'grad':
          e.node.gradData = e.grad;
          break;
      }
    }
  }
}

type KernelEntry = Extract<Entry, { kind: 'kernel' }>;

/**
 * The tape without the engine's copies that nothing after them reads. A backward pass copies a
 * gradient that two nodes would share so that each stored `.grad` has its own array; a replay
 * stores gradients only on leaves (its `grad` entries), so a copy for an inner node is never seen.
 */
function withoutDeadCopies(tape: readonly Entry[], outputs: readonly NDArray[]): Entry[] {
  const read = new Set<ArrayBufferLike>(outputs.map((o) => o.data.buffer));
  const kept: Entry[] = [];
  for (let k = tape.length - 1; k >= 0; k--) {
    const e = tape[k]!;
    if (e.kind === 'kernel' && e.kernel === COPY && !read.has(e.out.data.buffer)) continue;
    for (const d of readsOf(e)) read.add(d.buffer);
    kept.push(e);
  }
  return kept.reverse();
}

/** The arrays an entry of the tape reads: a kernel's inputs and attributes, a host action's reads, a stored gradient. */
function readsOf(e: Entry): Data[] {
  if (e.kind === 'kernel') {
    return [...e.ins, ...arraysIn(e.attrs)].flatMap((x) => (typeof x === 'number' ? [] : [x.data]));
  }
  if (e.kind === 'host') return e.reads.map((x) => x.data);
  if (e.kind === 'grad') {
    const raw = e.grad === null ? null : rawOf(e.grad as Raw | Node);
    return raw instanceof NDArray ? [raw.data] : [];
  }
  return [];
}

/** A kernel call as the fuser reads it, when it is elementwise (see fuse.ts), a sum or an expand; else null. */
function fusable(e: KernelEntry): Fusable | null {
  const { kernel, ins, made, out } = e;
  if (kernel === sumTo) {
    const x = ins[0] as NDArray;
    const acc = made[0];
    if (!(acc instanceof Float64Array) || made.length !== (out.data === acc ? 1 : 2)) return null;
    return { name: 'sumTo', x, keep: padShape(out.shape, x.ndim), acc, out: out.data, entry: e };
  }
  if (made.length !== 1 || made[0] !== out.data) return null;
  const result = out.shape;
  if (kernel === matmul || kernel === matmulNT || kernel === matmulTN) {
    const [a, b] = ins as [NDArray, NDArray];
    const product = stridedProduct(kernel.name as ProductKind, a, b, out.data);
    return product === null
      ? null
      : { name: kernel.name, scalar: same, ins: [], out: out.data, result, product, entry: e };
  }
  if (kernel === expand)
    return { name: 'expand', scalar: same, ins, out: out.data, result, expands: true, entry: e };
  let scalar = kernel.scalar;
  // NOTE: a customOp's forward on numbers is for Value; its array forward may be any kernels.
  if (scalar === undefined || kernel.userRule === true) return null;
  if (kernel.scalar32 !== undefined) {
    // NOTE: which input's dtype picks the kernel's rounding is the kernel's business: fuse only arrays of one dtype.
    const arrays = ins.filter((x) => typeof x !== 'number');
    if (arrays.length !== ins.length || arrays.some((x) => x.dtype !== arrays[0]!.dtype)) return null;
    if (arrays[0]!.dtype === 'float32') scalar = kernel.scalar32;
  }
  return { name: kernel.name, scalar, ins, out: out.data, result, entry: e };
}

/** expand's per-element function: the element it repeats. */
const same = (x: number): number => x;

type Entered<T> = T & { readonly entry: KernelEntry };
type Fusable = Entered<Pointwise> | Entered<Sum>;

/**
 * The tape as a replay runs it: each run of elementwise kernel calls (constants refilled between
 * them move before the run: no call before a constant in the run reads it, since it did not exist
 * yet) becomes generated loops (fuse.ts), which give the kernels' numbers bit for bit. A loop stores
 * only the results something outside the loops' own locals reads, anywhere in the tape (a replay
 * runs it again: a read before the write sees the last call's result) or among the step's outputs.
 */
function lower(tape: readonly Entry[], outputs: readonly NDArray[]): Entry[] {
  type Loop = Group<Entered<Pointwise>, Entered<Sum>>;
  const items: (Entry | Loop)[] = [];
  let run: Fusable[] = [];
  const flush = () => {
    for (const item of fusedGroups<Entered<Pointwise>, Entered<Sum>>(run)) {
      items.push('calls' in item ? item : item.entry);
    }
    run = [];
  };
  for (const e of tape) {
    const p = e.kind === 'kernel' ? fusable(e) : null;
    if (p !== null) run.push(p);
    else if (e.kind === 'constant' && run.length > 0) items.push(e);
    else {
      flush();
      items.push(e);
    }
  }
  flush();
  const read = new Set<ArrayBufferLike>(outputs.map((o) => o.data.buffer));
  for (const item of items)
    for (const d of 'calls' in item ? outsideReads(item) : readsOf(item)) read.add(d.buffer);
  return items.flatMap((item): Entry[] => {
    if (!('calls' in item)) return [item];
    const loop = fusedLoop(item, (out) => read.has(out.buffer));
    if (loop !== null) return [{ kind: 'loop', run: loop }];
    return [
      ...item.calls.map(({ call }) => call.entry),
      ...(item.sum ? [item.sum.call.entry] : []),
      ...item.products.map(({ call }) => call.entry),
    ];
  });
}

let handing: readonly Data[] = [];
let handed = 0;
let handingFor = '';

/** The allocation hook of a replay: the captured arrays, in the order the kernel asked for them, zeroed. */
function handBack(dtype: DType, n: number): Data {
  const a = handing[handed];
  if (a === undefined || a.length !== n || dtypeOf(a) !== dtype) {
    throw new AutogradError(
      'compile',
      `replaying ${handingFor}: it asked for ${n} ${dtype} elements (allocation ${handed + 1}), the capture made ${a === undefined ? 'none' : `${a.length} ${dtypeOf(a)}`}; its allocations depend on the data, which a compiled step cannot replay`,
    );
  }
  handed++;
  a.fill(0);
  return a;
}

function runKernel(
  kernel: ArrayKernel,
  ins: readonly Operand<NDArray>[],
  attrs: unknown,
  made: readonly Data[],
) {
  handing = made;
  handed = 0;
  handingFor = kernel.name;
  setAllocHook(handBack);
  try {
    kernel.array!(ins, attrs);
  } finally {
    setAllocHook(null);
    handing = [];
  }
  if (handed !== made.length) {
    throw new AutogradError(
      'compile',
      `replaying ${kernel.name}: it made ${handed} arrays, the capture ${made.length}; its allocations depend on the data, which a compiled step cannot replay`,
    );
  }
}

/** The arrays among a kernel's attributes (gather's index): read by the replay like its inputs. */
function arraysIn(attrs: unknown): NDArray[] {
  if (typeof attrs !== 'object' || attrs === null) return [];
  return Object.values(attrs).filter((v): v is NDArray => v instanceof NDArray);
}

function dtypeOf(a: Data): DType {
  return a instanceof Float32Array ? 'float32' : 'float64';
}

/** A leaf as messages name it: its label, or its shape. */
function describeLeaf(node: Node): string {
  return node.label ? `'${node.label}'` : `the leaf of shape ${fmt(node.shape)}`;
}

function accumulateError(node: Node): TypeError {
  const name = node.label ? `'${node.label}'` : `of shape ${fmt(node.shape)}`;
  return new TypeError(
    `compile: the parameter ${name} has a gradient when the compiled step starts, and its backward() would add to it, ` +
      'but the capture found no gradient there and stored a fresh one; call optimizer.zeroGrad() (or p.zeroGrad()) inside the step, before backward()',
  );
}

/** The recorder of one capture: runs the step's kernels, notes what they read and make, builds the tape. */
export class Capture implements Recorder {
  private readonly entries: Entry[] = [];
  private readonly origins = new Map<ArrayBufferLike, Origin>();
  private readonly pending: Data[] = [];
  /** The arrays the kernel running now has allocated (null between kernels). */
  private current: Data[] | null = null;
  /** Leaves whose `.grad` the tape sets, and whether the first setting was a fresh store. */
  private readonly leaves = new Map<Node, boolean>();
  /** Nodes older than the capture that it read, with their `requiresGrad` then. */
  private readonly guards = new Map<SeenNode, boolean>();

  private readonly hook = (dtype: DType, n: number, op: string, constant: boolean): Data =>
    this.allocate(dtype, n, op, constant);

  /** `startId`: the first node id of the capture; older nodes are read live. */
  constructor(private readonly startId: number) {}

  /** Runs `step` with this capture installed; the hooks are removed whatever happens. */
  run<R>(step: () => R): R {
    setRecorder(this);
    setAllocHook(this.hook);
    try {
      return step();
    } finally {
      setRecorder(null);
      setAllocHook(null);
    }
  }

  /** The tape, once the step has returned; `outputs` are the arrays it returns, checked like any read. */
  finish(outputs: readonly NDArray[]): Program {
    this.flushConstants();
    for (const o of outputs) this.checkRead(o, 'the step’s result');
    const older = [...this.leaves].filter(([node]) => node.id < this.startId);
    const fresh = older.filter(([, f]) => f).map(([node]) => node);
    const inner = [...this.leaves.keys()].filter((node) => node.id >= this.startId);
    return new Program(this.entries, fresh, inner, this.guards, [...this.leaves.keys()], outputs);
  }

  private allocate(dtype: DType, n: number, op: string, constant: boolean): Data {
    const a = allocate(dtype, n, op);
    if (this.current !== null) this.current.push(a);
    else if (constant) this.pending.push(a);
    else this.origins.set(a.buffer, { foreign: op });
    return a;
  }

  /** Constants made since the last entry are filled by now: keep what they hold, refill it at each replay. */
  private flushConstants(): void {
    for (const target of this.pending) {
      this.origins.set(target.buffer, 'constant');
      this.entries.push({ kind: 'constant', target, snapshot: target.slice() });
    }
    this.pending.length = 0;
  }

  private checkRead(x: NDArray, reader: string): void {
    const origin = this.origins.get(x.data.buffer);
    if (origin === 'kernel' || origin === 'constant' || origin === 'external') return;
    const made =
      origin === undefined
        ? 'was made outside chainrule’s kernels during the capture (a typed array wrapped inside the step, or a gradient kept from before it)'
        : `was made by ${origin.foreign} outside the recorded kernels`;
    throw new TypeError(
      `compile: ${reader} reads an array (${fmt(x.shape)} ${x.dtype}) that ${made}, so a replay would reuse the numbers it held at capture; ` +
        'compute it with tensor ops inside the step, pass it as an argument, or create it before compiling and close over it',
    );
  }

  kernel(kernel: ArrayKernel, ins: readonly Operand<NDArray>[], attrs: unknown): NDArray {
    if (this.current !== null) return kernel.array!(ins, attrs); // called by a kernel: part of that one
    this.flushConstants();
    for (const x of ins) if (typeof x !== 'number') this.checkRead(x, kernel.name);
    for (const x of arraysIn(attrs)) this.checkRead(x, `${kernel.name}'s attributes`);
    const made: Data[] = [];
    this.current = made;
    let out: NDArray;
    try {
      out = kernel.array!(ins, attrs);
    } finally {
      this.current = null;
    }
    for (const a of made) this.origins.set(a.buffer, 'kernel');
    const buffer = out.data.buffer;
    const view = ins.some((x) => typeof x !== 'number' && x.data.buffer === buffer);
    if (!view && !made.some((a) => a.buffer === buffer)) {
      throw new AutogradError(
        kernel.name,
        'its kernel returned an array that alloc() did not make and that is no view of an input; compile cannot replay it',
      );
    }
    if (made.length > 0) this.entries.push({ kind: 'kernel', kernel, ins, attrs, made, out });
    return out;
  }

  see(nodes: readonly (SeenNode | null)[]): void {
    for (const n of nodes) {
      if (n === null || n.id >= this.startId || !(n.raw instanceof NDArray)) continue;
      if (!this.guards.has(n)) this.guards.set(n, n.requiresGrad);
      const buffer = n.raw.data.buffer;
      if (!this.origins.has(buffer)) this.origins.set(buffer, 'external');
    }
  }

  host(what: string, action: () => void, reads: readonly NDArray[] = []): void {
    this.flushConstants();
    for (const r of reads) this.checkRead(r, what);
    setRecorder(null);
    setAllocHook(null);
    try {
      action();
    } finally {
      setRecorder(this);
      setAllocHook(this.hook);
    }
    this.entries.push({ kind: 'host', action, reads });
  }

  storeGrad(node: { gradData: unknown }, grad: unknown, fresh: boolean): void {
    const leaf = node as Node;
    if (typeof leaf.raw === 'number') {
      throw new TypeError(
        'compile: the step ran backward() over Values; compile records tensor kernels only, so a replay would not recompute them; compile steps built from Tensors, or call this one without compile',
      );
    }
    if (grad !== null) {
      // The replay sets this very gradient: it must be an array the tape rewrites, a constant or live.
      this.flushConstants();
      if (grad instanceof Node) this.see([grad as SeenNode]);
      const raw = rawOf(grad as Raw | Node);
      if (raw instanceof NDArray) this.checkRead(raw, `the gradient stored on ${describeLeaf(leaf)}`);
    }
    if (!this.leaves.has(leaf)) this.leaves.set(leaf, fresh);
    if (leaf.id < this.startId && !this.guards.has(leaf)) this.guards.set(leaf, leaf.requiresGrad);
    this.entries.push({ kind: 'grad', node, grad });
  }
}
