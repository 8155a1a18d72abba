/** @file Tensor: a graph node holding an n-d array, with thin methods that apply ops. */

import { apply } from '../engine/apply.js';
import { type BackwardOptions, backwardFrom } from '../engine/autograd.js';
import { graph } from '../engine/graph-backend.js';
import { noteRead } from '../engine/mode.js';
import {
  CONSTANT,
  isNodeInit,
  leafInit,
  makeInit,
  Node,
  type NodeInit,
  nodesMade,
  type Raw,
} from '../engine/node.js';
import {
  ANY_OPTION,
  checkFinite,
  checkOptions,
  describeValue,
  fmt,
  formatNumber,
  type OptionNames,
  type OptionSpecs,
  readOptions,
  type Shape,
  ShapeError,
  show,
} from '../errors.js';
import { normalizeAxis } from '../kernels/axes.js';
import { broadcastShapes } from '../kernels/broadcast.js';
import { formatArray } from '../kernels/format.js';
import { expand as expandArray, sliceBound } from '../kernels/layout.js';
import { allocConstant, checkDType, type DType, NDArray, sameShape, sizeOf } from '../kernels/ndarray.js';
import { fromNested, type Nested, toNested } from '../kernels/nested.js';
import { ReleasedArray } from '../kernels/released.js';
import { summarize, type TensorSummary } from '../kernels/summary.js';
import { arrayBackend } from '../ops/backends.js';
import * as C from '../ops/composites.js';
import type { AnyOp, Backend } from '../ops/op.js';
import * as X from '../ops/select.js';
import * as S from '../ops/statistics.js';
import { OPS } from '../ops/table.js';
import { activeRecorder } from '../ops/tape.js';

/** Options of `tensor()` and the creation functions: `tensor([1, 2], { requiresGrad: true, label: 'b' })`. */
export interface TensorOptions {
  /** Whether gradients flow to it; false by default, as in PyTorch. */
  readonly requiresGrad?: boolean;
  /** What drawings call this tensor (`W`). */
  readonly label?: string;
  /** `float64` (default) or `float32`. */
  readonly dtype?: DType;
}

/** What a tensor op accepts as its other operand. */
export type TensorLike = Tensor | number;

type G = Backend<Node>;
const B = graph as G;

/** Who asks for a starting gradient, as `Tensor.seed`'s errors name it. */
export interface SeedSource {
  /** The op an error names: `backward`, `grad`, `traceBackward`. */
  readonly op: string;
  /** What the given gradient is called: `gradient`, `gradOutputs[0]`. */
  readonly gradient: string;
  /** Which output, when there are several (` (output 1)`), else ''. */
  readonly output: string;
  /** How to give a gradient: `backward(gradient)`. */
  readonly pass: string;
}

const BACKWARD_SEED: SeedSource = {
  op: 'backward',
  gradient: 'gradient',
  output: '',
  pass: 'backward(gradient)',
};

/**
 * An n-d array in the graph. Methods follow PyTorch's names and semantics (NumPy broadcasting,
 * negative axes counting from the end) and record ops, so `backward()` can apply the chain rule.
 *
 * @example
 * const W = tensor([[1, 2], [3, 4]], { requiresGrad: true, label: 'W' });
 * W.matmul(tensor([0.5, -1])).sigmoid().sum().backward();
 * W.grad!.shape;   // [2, 2]
 */
export class Tensor extends Node {
  /** Wraps an existing NDArray (not copied). Most code makes tensors with `tensor()`, `zeros()`, …. */
  constructor(data: NDArray, options: TensorOptions = {}) {
    if (isNodeInit(options)) {
      super(data, options, '');
      return;
    }
    if (!(data instanceof NDArray)) {
      throw new TypeError(
        `Tensor: the constructor wraps an NDArray (got ${describeValue(data)}); make tensors with tensor(nestedArrays), zeros(shape) or fromTypedArray(array, shape)`,
      );
    }
    const o = tensorOptions('Tensor', options);
    if (o.dtype !== undefined && o.dtype !== data.dtype) {
      throw new TypeError(`Tensor: dtype ${o.dtype} given for ${data.dtype} data; convert with .to(dtype)`);
    }
    super(data, leafInit(o.requiresGrad ?? false), o.label ?? '');
  }

  /**
   * The array this node holds. chainrule's ops never mutate it; optimizer steps, `copy_` and the
   * `data` setter write into it in place (and bump `version`).
   */
  get array(): NDArray {
    return arrayOf(this, 'array');
  }
  /** The sizes of the axes, as a new array: changing it changes nothing (PyTorch's `torch.Size`). */
  get shape(): Shape {
    // NOTE: a copy, not the array's own (results and reshapes share it); freezing the arrays instead
    // made every op about three times slower (V8's slice, map and for-of slow down on frozen arrays).
    return [...(this.raw as NDArray).shape];
  }
  /** Number of elements. */
  get size(): number {
    return arrayOf(this, null).size;
  }
  get ndim(): number {
    return arrayOf(this, null).shape.length;
  }
  get dtype(): DType {
    return (this.raw as NDArray).dtype;
  }

  /** A tensor sharing this one's array, cut from the graph (PyTorch's `.data`). */
  get data(): Tensor {
    return this.detach();
  }
  /**
   * Writes `source` (a Tensor or nested arrays of this shape) into this tensor's array in place, as
   * PyTorch's `t.data = …` / `with no_grad(): t.copy_(…)`: a `fromTypedArray` tensor keeps sharing
   * its buffer, and `version` is bumped so that graphs recorded before cannot be backpropagated.
   */
  set data(source: Tensor | Nested) {
    const src = sourceArray(this, 'data', source);
    if (src.dtype !== this.dtype) {
      throw new TypeError(
        `data: a ${src.dtype} tensor cannot replace ${this.dtype} data; convert it with .to('${this.dtype}') first`,
      );
    }
    if (!sameShape(src.shape, this.shape)) {
      throw new ShapeError(
        'data',
        `new data has shape ${fmt(src.shape)}, this tensor has ${fmt(this.shape)}`,
        'assign data of the same shape (reshape it first)',
      );
    }
    writeInPlace(this, src, 'a data setter');
  }

  /**
   * Copies `source` into this tensor in place (PyTorch's `copy_`): it broadcasts to this shape and
   * is converted to this dtype. Not recorded (no gradient flows through it); bumps `version`.
   *
   * @example
   * const w = zeros([2]); w.copy_(tensor([1, 2])); w.toArray();   // [1, 2]
   */
  copy_(source: Tensor | Nested): this {
    const src = sourceArray(this, 'copy_', source);
    writeInPlace(this, sameShape(src.shape, this.shape) ? src : expandTo(src, this.shape), 'copy_');
    return this;
  }

  /** Writes `values` (of this shape, any dtype) into this tensor's array, as an optimizer step. */
  assignInPlace(values: Raw, by: string): void {
    writeInPlace(this, values as NDArray, by);
  }

  /** Summary statistics of the data (kept after a backward pass released the array). */
  summary(): TensorSummary {
    return this.releasedSummary?.data ?? summarize(arrayOf(this, 'summary()'));
  }

  /** Summary statistics of the gradient, or null before any pass reached this tensor. */
  gradSummary(): TensorSummary | null {
    const kept = this.releasedSummary;
    if (kept !== null) return kept.grad;
    const g = this.gradRaw;
    return g === null ? null : summarize(g as NDArray);
  }

  /** The gradient from the latest backward pass (accumulated for leaves), or null before any. */
  get grad(): Tensor | null {
    return this.gradAsNode() as Tensor | null;
  }
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) {
      throw new TypeError(
        `grad: a tensor's gradient must be a Tensor or null (got ${describeValue(g)}); wrap arrays with tensor()`,
      );
    }
    if (g !== null && !sameShape(g.shape, this.shape)) {
      throw new ShapeError(
        'grad',
        `gradient of shape ${fmt(g.shape)} for a tensor of shape ${fmt(this.shape)}`,
        'assign a gradient of the same shape',
      );
    }
    this.storedGrad = g;
    // A compiled step sets it again at every replay (null: forgotten, as zeroGrad).
    activeRecorder()?.storeGrad(this, g, false);
  }

  get rawBackend(): Backend<Raw> {
    return arrayBackend as Backend<Raw>;
  }

  compute(op: AnyOp, x: Node, y: Node | null, more: readonly Node[], attrs: unknown): NDArray {
    if (!op.array) throw new TypeError(`${op.name}: not defined for tensors`);
    if (x.isReleased || y?.isReleased) throw releasedError(op.name);
    const ins = [x.raw as NDArray];
    if (y !== null) ins.push(y.raw as NDArray);
    for (const z of more) {
      if (z.isReleased) throw releasedError(op.name);
      ins.push(z.raw as NDArray);
    }
    const recorder = activeRecorder();
    if (recorder === null) return op.array(ins, attrs);
    recorder.see(more.length === 0 ? [x, y] : [x, y, ...more]);
    return recorder.kernel(op, ins, attrs);
  }

  /**
   * A stand-in for this tensor inside a released graph: same id, op, inputs and label; summaries of
   * the data and gradient instead of the arrays (one-element arrays are kept: they cost nothing).
   * Parameters (leaves that require a gradient), small constants (cheaper than their summaries) and
   * stand-ins stay themselves.
   */
  releasedCopy(): Tensor | null {
    const raw = this.raw as NDArray;
    if (this.isReleased) return null;
    if (this.op === null && (this.requiresGrad || raw.size <= KEPT_CONSTANT_SIZE)) return null;
    const init = STAND_IN;
    init.id = this.id;
    init.op = this.op;
    init.p0 = this.p0;
    init.p1 = this.p1;
    init.requiresGrad = this.requiresGrad;
    const copy = new Tensor(new ReleasedArray(raw, this.gradRaw as NDArray | null), init as TensorOptions);
    init.p0 = init.p1 = null; // the reused init must not keep a graph alive
    this.copyExtraTo(copy);
    return copy;
  }

  spawn(raw: Raw, init: NodeInit): Tensor {
    return new Tensor(raw as NDArray, init as TensorOptions);
  }

  /** A constant of this tensor's dtype: a number becomes a 0-d tensor (shared, see `scalarConstant`). */
  constant(raw: Raw): Tensor {
    if (typeof raw === 'number') return scalarConstant(raw, this.dtype);
    return new Tensor(raw, CONSTANT as TensorOptions);
  }

  describeData(): string {
    const raw = this.raw;
    if (raw instanceof ReleasedArray) return describeReleased('data', raw.shape, raw.first);
    return describeArray('data', raw as NDArray);
  }

  describeGrad(): string | null {
    const raw = this.raw;
    if (raw instanceof ReleasedArray) {
      const first = raw.gradFirst;
      return first === null ? null : describeReleased('grad', raw.shape, first);
    }
    return this.gradRaw === null ? null : describeArray('grad', this.gradRaw as NDArray);
  }

  // elementwise, with broadcasting
  add(other: TensorLike): Tensor {
    return binary(OPS.add, this, other);
  }
  sub(other: TensorLike): Tensor {
    const y = operand('sub', other);
    if (y instanceof Tensor) {
      try {
        broadcastShapes(this.shape, y.shape, 'sub');
      } catch (e) {
        throw withLabels(e, this, y);
      }
    }
    return this.composite('sub', () => B.sub(this, y));
  }
  mul(other: TensorLike): Tensor {
    return binary(OPS.mul, this, other);
  }
  div(other: TensorLike): Tensor {
    return binary(OPS.div, this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return binary(OPS.pow, this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return binary(OPS.maximum, this, other);
  }
  minimum(other: TensorLike): Tensor {
    return binary(OPS.minimum, this, other);
  }
  neg(): Tensor {
    return apply(OPS.neg, [this]) as Tensor;
  }
  exp(): Tensor {
    return apply(OPS.exp, [this]) as Tensor;
  }
  log(): Tensor {
    return apply(OPS.log, [this]) as Tensor;
  }
  sqrt(): Tensor {
    return apply(OPS.sqrt, [this]) as Tensor;
  }
  abs(): Tensor {
    return apply(OPS.abs, [this]) as Tensor;
  }
  tanh(): Tensor {
    return apply(OPS.tanh, [this]) as Tensor;
  }
  sigmoid(): Tensor {
    return apply(OPS.sigmoid, [this]) as Tensor;
  }
  relu(): Tensor {
    return apply(OPS.relu, [this]) as Tensor;
  }
  /** Limits every element to [min, max]; the gradient passes where min ≤ x ≤ max. */
  clamp(min?: TensorLike, max?: TensorLike): Tensor {
    const lo = min === undefined ? undefined : operand('clamp', min);
    const hi = max === undefined ? undefined : operand('clamp', max);
    return this.composite('clamp', () => C.clamp(B, this, lo, hi));
  }

  // comparisons: 1 or 0, no gradient
  gt(other: TensorLike): Tensor {
    return binary(OPS.gt, this, other);
  }
  ge(other: TensorLike): Tensor {
    return binary(OPS.ge, this, other);
  }
  lt(other: TensorLike): Tensor {
    return binary(OPS.lt, this, other);
  }
  le(other: TensorLike): Tensor {
    return binary(OPS.le, this, other);
  }
  eq(other: TensorLike): Tensor {
    return binary(OPS.eq, this, other);
  }

  /** Matrix product with torch.matmul's forms: 1-D·1-D, 2-D·2-D, 1-D·2-D, 2-D·1-D, batched n-D. */
  matmul(other: Tensor): Tensor {
    if (!(other instanceof Tensor))
      throw new TypeError(
        `matmul: operand must be a Tensor (got ${typeof other}); wrap arrays with tensor()`,
      );
    try {
      return apply(OPS.matmul, [this, other]) as Tensor;
    } catch (e) {
      throw withLabels(e, this, other);
    }
  }

  // reductions; `axis` is a number or an array of numbers, all axes when left out
  sum(axis?: number | readonly number[], keepdim = false): Tensor {
    const k = keepdimOf('sum', keepdim);
    return this.composite('sum', () => C.sum(B, this, axis, k));
  }
  mean(axis?: number | readonly number[], keepdim = false): Tensor {
    const k = keepdimOf('mean', keepdim);
    return this.composite('mean', () => C.mean(B, this, axis, k));
  }
  /**
   * Largest element over `axis` (a number, a list of axes, or all when left out). Along one axis the
   * gradient goes to the first largest element, as `torch.max(dim)`; with a list of axes or none,
   * tied elements share it evenly, as `torch.amax`.
   */
  max(axis?: number | readonly number[], keepdim = false): Tensor {
    const k = keepdimOf('max', keepdim);
    return this.composite('max', () => C.extreme(B, this, axis, k, 'max'));
  }
  /** Smallest element over `axis`; ties as in `max` (`torch.min(dim)` along one axis, `torch.amin` otherwise). */
  min(axis?: number | readonly number[], keepdim = false): Tensor {
    const k = keepdimOf('min', keepdim);
    return this.composite('min', () => C.extreme(B, this, axis, k, 'min'));
  }
  /** Index of the largest element along `axis` (of the flattened tensor when left out); no gradient. */
  argmax(axis?: number, keepdim = false): Tensor {
    const k = keepdimOf('argmax', keepdim);
    return apply(OPS.argmax, [this], { axis: this.axisOrAll(axis, 'argmax'), keepdim: k }) as Tensor;
  }
  argmin(axis?: number, keepdim = false): Tensor {
    const k = keepdimOf('argmin', keepdim);
    return apply(OPS.argmin, [this], { axis: this.axisOrAll(axis, 'argmin'), keepdim: k }) as Tensor;
  }
  softmax(axis: number): Tensor {
    return this.composite('softmax', () => C.softmax(B, this, axis));
  }
  logSoftmax(axis: number): Tensor {
    return this.composite('logSoftmax', () => C.logSoftmax(B, this, axis));
  }

  // shape
  /**
   * The same elements in a new shape; one size may be -1. As torch, the sizes come as an array
   * (`reshape([3, 2])`) or one by one (`reshape(3, 2)`; `reshape(6)` is 1-D).
   */
  reshape(shape: number | readonly number[]): Tensor;
  reshape(...sizes: number[]): Tensor;
  reshape(...shape: unknown[]): Tensor {
    return B.reshape(this, shapeArgument('reshape', shape)) as Tensor;
  }
  /** Alias of `reshape` (chainrule's tensors are always contiguous): `view([3, 2])` or `view(3, 2)`. */
  view(shape: number | readonly number[]): Tensor;
  view(...sizes: number[]): Tensor;
  view(...shape: unknown[]): Tensor {
    return B.reshape(this, shapeArgument('view', shape)) as Tensor;
  }
  /** Swaps axes `dim0` and `dim1` (both needed, as in torch); `.T` reverses every axis. */
  transpose(dim0: number, dim1: number): Tensor {
    if (dim0 === undefined || dim1 === undefined) {
      const given = [dim0, dim1].filter((d) => d !== undefined).map(show);
      throw new TypeError(
        `transpose: needs the two dims to swap (got transpose(${given.join(', ')}) on shape ${fmt(this.shape)}); pass e.g. x.transpose(0, 1), or use x.T to reverse every axis (a matrix's transpose)`,
      );
    }
    return this.composite('transpose', () => C.transpose(B, this, dim0, dim1));
  }
  /** Transpose of a matrix (reverse of the axes otherwise), as torch's `.T`. */
  get T(): Tensor {
    return this.permute([...Array(this.ndim).keys()].reverse());
  }
  permute(dims: readonly number[]): Tensor {
    if (!Array.isArray(dims) || dims.length !== this.ndim) {
      throw new RangeError(
        `permute: dims ${show(dims)} must list each of the ${this.ndim} axes once; pass a permutation of 0..${this.ndim - 1}`,
      );
    }
    const normalized = Object.freeze(dims.map((d) => normalizeAxis(d, this.ndim, 'permute')));
    return B.permute(this, normalized) as Tensor;
  }
  /** A view repeated along size-1 axes to `shape` (an array, or sizes one by one as torch); -1 keeps a size. */
  expand(shape: number | readonly number[]): Tensor;
  expand(...sizes: number[]): Tensor;
  expand(...shape: unknown[]): Tensor {
    return B.expand(this, shapeArgument('expand', shape)) as Tensor;
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return this.composite('squeeze', () => C.squeeze(B, this, axis));
  }
  unsqueeze(axis: number): Tensor {
    return this.composite('unsqueeze', () => C.unsqueeze(B, this, axis));
  }
  /**
   * Elements `start` to `end` (exclusive) along `axis`, as PyTorch's `x[start:end]` on that axis:
   * a negative index counts from the end, and an index past either end is clamped (so `slice(0, -2, n)`
   * is the last two, and an empty range gives an empty tensor).
   * @example arange(5).slice(0, -3, -1).toArray()   // [2, 3]
   */
  slice(axis: number, start: number, end: number): Tensor {
    const a = normalizeAxis(axis, this.ndim, 'slice');
    const n = this.shape[a]!;
    if (typeof start !== 'number' || typeof end !== 'number') {
      throw new TypeError(
        `slice: start and end must be numbers, got ${show(start)} and ${show(end)}; e.g. t.slice(${a}, 0, ${n})`,
      );
    }
    if (!Number.isInteger(start) || !Number.isInteger(end)) {
      throw new RangeError(
        `slice: start and end must be whole numbers, got ${start} and ${end} (axis ${a} has size ${n})`,
      );
    }
    const from = sliceBound(start, n);
    const to = Math.max(from, sliceBound(end, n));
    return B.slice(this, { axis: a, start: from, end: to }) as Tensor;
  }

  // issue 11: more elementwise functions, statistics, scans and indexing
  sin(): Tensor {
    return apply(OPS.sin, [this]) as Tensor;
  }
  cos(): Tensor {
    return apply(OPS.cos, [this]) as Tensor;
  }
  /** log(1 + x), exact for tiny x. */
  log1p(): Tensor {
    return apply(OPS.log1p, [this]) as Tensor;
  }
  /** eˣ − 1, exact for tiny x. */
  expm1(): Tensor {
    return apply(OPS.expm1, [this]) as Tensor;
  }
  /** log(1 + e^(βx)) / β, computed without overflow; its derivative is σ(βx). */
  softplus(beta = 1): Tensor {
    if (beta === 1) return apply(OPS.softplus, [this]) as Tensor;
    const b = checkFinite('softplus', beta, 'beta');
    return this.composite('softplus', () => B.div(B.softplus(B.mul(this, b)), b));
  }
  /** log Σ exp over `axis`, stable for large values (torch.logsumexp). */
  logsumexp(axis: number | readonly number[], keepdim = false): Tensor {
    const k = keepdimOf('logsumexp', keepdim);
    return this.composite('logsumexp', () => S.logsumexp(B, this, axis, k));
  }
  /** Variance over `axis` (all when left out), dividing by N − correction (default 1, unbiased), as torch.var. */
  var(axis?: number | readonly number[], options: SpreadOptions = {}): Tensor {
    checkOptions('var', options, SPREAD_OPTIONS, TORCH_SPREAD_NAMES);
    const { correction = 1, keepdim = false } = options;
    const k = keepdimOf('var', keepdim, 'x.var(1, { keepdim: true })');
    return this.composite('var', () =>
      S.variance(B, this, axis, checkFinite('var', correction, 'correction'), k),
    );
  }
  /** Standard deviation: √var, with the same `correction` (torch.std). */
  std(axis?: number | readonly number[], options: SpreadOptions = {}): Tensor {
    checkOptions('std', options, SPREAD_OPTIONS, TORCH_SPREAD_NAMES);
    const { correction = 1, keepdim = false } = options;
    const k = keepdimOf('std', keepdim, 'x.std(1, { keepdim: true })');
    return this.composite('std', () => S.std(B, this, axis, checkFinite('std', correction, 'correction'), k));
  }
  /** The vector p-norm over `axis` (all elements when left out): p = 2, 1, Infinity, -Infinity, 0 or any p > 0. */
  norm(p = 2, axis?: number | readonly number[], keepdim = false): Tensor {
    const k = keepdimOf('norm', keepdim);
    return this.composite('norm', () => S.norm(B, this, p, axis, k));
  }
  /** Running sum along `axis` (torch.cumsum). */
  cumsum(axis: number): Tensor {
    if (this.ndim === 0)
      return this.composite('cumsum', () => B.reshape(B.cumsum(B.reshape(this, [1]), 0), []));
    return B.cumsum(this, normalizeAxis(axis, this.ndim, 'cumsum')) as Tensor;
  }
  /** torch.gather: out[i][j] = this[index[i][j]][j] for axis 0 (likewise any axis); out has index's shape. */
  gather(axis: number, index: Tensor | Nested): Tensor {
    const a = normalizeAxis(axis, this.ndim, 'gather');
    const idx = indexArray(index, 'gather');
    return B.gather(this, { axis: a, index: idx }) as Tensor;
  }
  /** The slices at positions `index` (1-D) along `axis`, in that order (torch.index_select). */
  indexSelect(axis: number, index: Tensor | Nested): Tensor {
    return this.composite('indexSelect', () =>
      X.indexSelect(B, this, axis, indexArray(index, 'indexSelect')),
    );
  }
  /** Integer-array indexing, PyTorch's `x[index]`: rows picked along axis 0, shaped index.shape ++ shape[1:]. */
  index(index: Tensor | Nested): Tensor {
    return this.composite('index', () => X.take(B, this, indexArray(index, 'index')));
  }
  /** Pieces along `axis`: of size `sizes` each (the last may be smaller), or of the listed sizes (torch.split). */
  split(sizes: number | readonly number[], axis = 0): Tensor[] {
    const from = nodesMade();
    return X.split(B, this, sizes, axis).map((t) => this.composite('split', () => t, from));
  }
  /** `chunks` pieces of nearly equal size along `axis` (torch.chunk). */
  chunk(chunks: number, axis = 0): Tensor[] {
    const from = nodesMade();
    return X.chunk(B, this, chunks, axis).map((t) => this.composite('chunk', () => t, from));
  }

  /**
   * Backpropagates from this tensor into everything it depends on. `gradient` (a tensor of this
   * shape) may be left out only for one-element tensors, where it is 1; then the options may come
   * first, as for a `Value` (`loss.backward({ retainGraph: true })`, PyTorch's keyword form).
   */
  backward(options?: BackwardOptions): void;
  backward(gradient: Tensor | Nested | undefined, options?: BackwardOptions): void;
  backward(gradient?: Tensor | Nested | BackwardOptions, options?: BackwardOptions): void {
    if (isOptionsLike(gradient)) {
      if (options !== undefined) {
        throw new TypeError(
          'backward: options given twice (first and second argument); pass backward({ retainGraph: true }) or backward(gradient, { retainGraph: true })',
        );
      }
      backwardFrom(this, this.seed(undefined), gradient as BackwardOptions);
      return;
    }
    backwardFrom(this, this.seed(gradient as Tensor | Nested | undefined), options ?? {});
  }

  /**
   * The gradient `backward` starts from, checked against this tensor's shape. `from` names, in an
   * error, the op that asked and how its caller gives a gradient (`grad` takes `gradOutputs`).
   */
  seed(gradient: Tensor | Nested | undefined, from: SeedSource = BACKWARD_SEED): Tensor {
    if (gradient === undefined) {
      if (this.size !== 1) {
        throw new ShapeError(
          from.op,
          `needs a one-element output or an explicit gradient, got shape ${fmt(this.shape)}${from.output}`,
          `call .sum() or .mean() first, or pass ${from.pass}`,
        );
      }
      return this.constant(new NDArray(allocConstant(this.dtype, 1, from.op).fill(1), this.shape));
    }
    const g =
      gradient instanceof Tensor ? gradient : this.constant(fromNested(gradient, from.op, this.dtype));
    activeRecorder()?.see([g]);
    if (!sameShape(g.shape, this.shape)) {
      throw new ShapeError(
        from.op,
        `${from.gradient} has shape ${fmt(g.shape)}, the output${from.output} has ${fmt(this.shape)}`,
        "pass a gradient of the output's shape",
      );
    }
    return g;
  }

  /** This tensor in `dtype` (itself when it already is); gradients flow back in the original dtype. */
  to(dtype: DType): Tensor {
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new TypeError(`to: unknown dtype ${show(dtype)}; use 'float32' or 'float64'`);
    }
    return B.cast(this, dtype) as Tensor;
  }

  /** The same data, cut from the graph: no parents, no gradient. */
  detach(): Tensor {
    activeRecorder()?.see([this]); // a compiled step reads a detached parameter live
    return graph.detach(this) as Tensor;
  }

  /** Nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): Nested {
    return toNested(arrayOf(this, 'toArray()'));
  }

  /** The only element, as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(
        'item',
        `a tensor with ${this.size} elements (shape ${fmt(this.shape)}) cannot be one number`,
        'reduce it first (sum, mean) or index it',
      );
    }
    return arrayOf(this, 'item()').data[0]!;
  }

  override toString(): string {
    const extras = [];
    if (this.size === 0 && this.ndim !== 1) extras.push(`size=(${this.shape.join(', ')})`);
    if (this.dtype === 'float32') extras.push('dtype=float32');
    if (this.gradFn !== null) extras.push(`gradFn=<${this.gradFn}>`);
    else if (this.requiresGrad) extras.push('requiresGrad=true');
    return `tensor(${formatArray(arrayOf(this, TO_STRING))}${extras.map((e) => `, ${e}`).join('')})`;
  }

  /**
   * The result of a composite method, named after it for `gradFn` (unless it is this tensor itself),
   * with the id its nodes start at (`from`: before `make` runs), so that a drawing can show them as one node.
   */
  private composite(method: string, make: () => Node, from = nodesMade()): Tensor {
    const result = make();
    return (result === this ? this : result.madeBy(method, from)) as Tensor;
  }

  private axisOrAll(axis: number | undefined, op: string): number | undefined {
    // NOTE: a 0-d tensor takes axis 0 or -1, as in PyTorch: its only element is index 0 either way.
    if (axis === undefined || (this.ndim === 0 && (axis === 0 || axis === -1))) return undefined;
    return normalizeAxis(axis, this.ndim, op);
  }
}

/**
 * A shape argument from a method's arguments, as torch takes them: one array of integers, or integers
 * one by one (one number is a 1-D shape); -1 is allowed (the op checks it). Else a TypeError.
 */
function shapeArgument(op: string, args: readonly unknown[]): readonly number[] {
  const shape = args.length === 1 && typeof args[0] !== 'number' ? args[0] : args;
  if (
    args.length === 0 ||
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d))
  ) {
    const got =
      args.length === 0
        ? 'no arguments'
        : args.length === 1
          ? describeValue(args[0])
          : `${args.length} arguments, ${show(args)}`;
    throw new TypeError(
      `${op}: shape must be a number or an array of integers, or integers one by one (got ${got}); pass e.g. ${op}([2, 3]) or ${op}(2, 3)`,
    );
  }
  return shape;
}

/** What var and std take besides the axis, as torch.var's keywords. */
export interface SpreadOptions {
  /** Subtracted from the count in the denominator: 1 (default) for the unbiased estimate, 0 for the population. */
  readonly correction?: number;
  readonly keepdim?: boolean;
}

const SPREAD_OPTIONS: OptionNames<SpreadOptions> = { correction: true, keepdim: true };
/** torch.var's older `unbiased: false` is `correction: 0` here. */
const TORCH_SPREAD_NAMES = { unbiased: 'correction' };

/**
 * An index argument as an array (a Tensor's data, or nested numbers). The kernels check that its
 * elements are whole numbers in range, at every call (a compiled step's replays included).
 */
function indexArray(index: Tensor | Nested, op: string): NDArray {
  const a = index instanceof Tensor ? arrayOf(index, `${op} (its index)`) : fromNested(index, op);
  if (index instanceof Tensor) activeRecorder()?.see([index]); // a compiled step reads it live
  return a;
}

/**
 * An object where the gradient goes that no gradient can be (not a node, an array or a typed array):
 * the options, as in Value's signature, so that `backward({ retain_graph: true })` is refused by name.
 */
function isOptionsLike(v: unknown): boolean {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof Node)
  );
}

function describeArray(what: string, x: NDArray): string {
  return x.size === 1 ? `${what} ${formatNumber(x.data[0]!)}` : `${what} ${fmt(x.shape)}`;
}

/**
 * 0-d constants for plain-number operands (`x.mul(2)`, mean's count), shared by value and dtype in a
 * small direct-mapped cache, as Value's are: a kept graph then holds one per value, not one per
 * step. A constant is reused only while nobody has labelled it, asked it for a gradient or
 * written into it.
 */
const scalarConstants: (Tensor | undefined)[] = new Array(256);
const scalarBits = new Float64Array(1);
const scalarWords = new Uint32Array(scalarBits.buffer);

function scalarConstant(v: number, dtype: DType): Tensor {
  scalarBits[0] = v;
  const slot =
    (scalarWords[0]! ^ scalarWords[1]! ^ (scalarWords[1]! >>> 16) ^ (dtype === 'float32' ? 1 : 0)) & 255;
  const hit = scalarConstants[slot];
  if (
    hit !== undefined &&
    hit.dtype === dtype &&
    Object.is((hit.raw as NDArray).data[0], dtype === 'float32' ? Math.fround(v) : v) &&
    !hit.requiresGrad &&
    hit.label === '' &&
    hit.version === 0 &&
    hit.hooks === null
  ) {
    return hit;
  }
  const c = new Tensor(new NDArray(allocConstant(dtype, 1, 'scalar').fill(v), []), CONSTANT as TensorOptions);
  scalarConstants[slot] = c;
  return c;
}

/**
 * A reduction's `keepdim`, refused unless true or false: an options object (`{ keepdim: false }`, the
 * form var and std take) would otherwise count as true and silently keep the axis.
 */
function keepdimOf(op: string, keepdim: unknown, example = `x.${op}(1, true)`): boolean {
  if (typeof keepdim === 'boolean') return keepdim;
  const where = example.includes('{') ? 'as an option' : 'as the second argument';
  throw new TypeError(
    `${op}: keepdim must be true or false (got ${describeValue(keepdim)}); pass it ${where}, e.g. ${example}`,
  );
}

/** Writes `values` (this shape, any dtype: converted) into `t`'s own array and bumps its version. */
function writeInPlace(t: Tensor, values: NDArray, by: string): void {
  const target = arrayOf(t, null);
  const write = () => {
    target.data.set(values.data);
    t.markWritten(by);
  };
  const recorder = activeRecorder();
  if (recorder === null) write();
  else recorder.host(by, write, [values]); // a compiled step repeats the write, reading values anew
}

/** What `data =` and `copy_` take: a Tensor's array, or nested arrays in `t`'s dtype. */
function sourceArray(t: Tensor, op: string, source: unknown): NDArray {
  if (source instanceof Tensor) return arrayOf(source, `${op} (its source)`);
  if (source instanceof Node) throw new TypeError(`${op}: expected a Tensor or nested arrays, got a Value`);
  return fromNested(source, op, t.dtype);
}

/** A released array as a drawing shows it: the same text `describeArray` gave for the array. */
function describeReleased(what: string, shape: Shape, first: number): string {
  return sizeOf(shape) === 1 ? `${what} ${formatNumber(first)}` : `${what} ${fmt(shape)}`;
}

/** How a read by `toString` is named: comparisons and string conversions call it unseen. */
const TO_STRING = 'toString() (which String(t), template strings and comparisons such as t > 0 call)';

/**
 * `t`'s array, for `method`, which hands its numbers to JavaScript (null: reads no element, as a
 * write does): an export refuses such a read of data made from its inputs (see `noteRead`).
 */
function arrayOf(t: Tensor, method: string | null): NDArray {
  if (t.isReleased) throw releasedError('array');
  if (method !== null) noteRead(t, method);
  return t.raw as NDArray;
}

/** Reused for every released stand-in: the constructor copies it before anything else runs. */
const STAND_IN = makeInit();

/** Constants up to this many elements stay in a released graph (a plain number shows in drawings). */
const KEPT_CONSTANT_SIZE = 1;

function releasedError(op: string): TypeError {
  return new TypeError(
    `${op}: this tensor is a stand-in left in a graph after backward() released its arrays (it keeps summaries for drawings only); keep a reference to the tensor itself, or pass { retainGraph: true } to backward()`,
  );
}

const TENSOR_OPTIONS: OptionSpecs<TensorOptions> = {
  requiresGrad: 'boolean',
  label: 'string',
  dtype: ANY_OPTION,
};

/** The options of a tensor constructor, read as own properties and checked. */
export function tensorOptions(
  op: string,
  options: unknown,
): { requiresGrad?: boolean; label?: string; dtype?: DType } {
  const o = readOptions(op, options, TENSOR_OPTIONS);
  if (o.dtype !== undefined) o.dtype = checkDType(o.dtype, op);
  return o as { requiresGrad?: boolean; label?: string; dtype?: DType };
}

/** `src` broadcast to `shape` (for copy_), checked. */
function expandTo(src: NDArray, shape: Shape): NDArray {
  return expandArray(src, shape, 'copy_');
}

/** A Tensor operand of `op`: Tensors pass, finite numbers become 0-d constants later; else a TypeError. */
function operand(op: string, v: unknown): Tensor | number {
  if (v instanceof Tensor) return v;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new TypeError(`${op}: operand is NaN; pass a number or a Tensor`);
    return v;
  }
  if (v instanceof Node)
    throw new TypeError(`${op}: cannot combine a Tensor with a Value; use tensor ops throughout`);
  throw new TypeError(
    `${op}: operand must be a Tensor or a number (got ${typeof v}); wrap arrays with tensor()`,
  );
}

function binary(op: AnyOp, x: Tensor, other: unknown): Tensor {
  const y = operand(op.name, other);
  const yn = typeof y === 'number' ? x.constant(y) : y;
  try {
    return apply(op, [x, yn]) as Tensor;
  } catch (e) {
    throw withLabels(e, x, yn);
  }
}

/**
 * A ShapeError about `a` and `b` with their labels before their shapes (`add: cannot broadcast
 * myWeights [2, 3] with x [4]`), so that the message names the user's own tensors.
 */
function withLabels(e: unknown, a: Node, b: Node): unknown {
  if (!(e instanceof ShapeError) || (a.label === '' && b.label === '')) return e;
  let text = e.message;
  let from = 0;
  for (const x of [a, b]) {
    const shape = fmt(x.shape);
    const at = text.indexOf(shape, from);
    if (at < 0) return e;
    const named = x.label === '' ? shape : `${x.label} ${shape}`;
    text = text.slice(0, at) + named + text.slice(at + shape.length);
    from = at + named.length;
  }
  e.message = text;
  return e;
}
