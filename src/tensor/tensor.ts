/** @file Tensor: a graph node holding an n-d array, with thin methods that apply ops. */

import { apply } from '../engine/apply.js';
import { type BackwardOptions, backwardFrom } from '../engine/autograd.js';
import { graph } from '../engine/graph-backend.js';
import { CONSTANT, isNodeInit, leafInit, Node, type NodeInit, type Raw } from '../engine/node.js';
import { checkFinite, fmt, formatNumber, type Shape, ShapeError } from '../errors.js';
import { normalizeAxis } from '../kernels/axes.js';
import { broadcastShapes } from '../kernels/broadcast.js';
import { formatArray } from '../kernels/format.js';
import * as K from '../kernels/index.js';
import { alloc, type DType, NDArray, sameShape } from '../kernels/ndarray.js';
import { fromNested, type Nested, toNested } from '../kernels/nested.js';
import { arrayBackend } from '../ops/backends.js';
import * as C from '../ops/composites.js';
import type { AnyOp, Backend } from '../ops/op.js';
import * as X from '../ops/select.js';
import * as S from '../ops/statistics.js';
import { OPS } from '../ops/table.js';

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
  /** Wraps an existing array (not copied). Most code makes tensors with `tensor()`, `zeros()`, …. */
  constructor(data: NDArray, options: TensorOptions = {}) {
    if (isNodeInit(options)) super(data, options, '');
    else super(data, leafInit(options.requiresGrad ?? false), options.label ?? '');
  }

  /** The array this node holds (never mutated by chainrule). */
  get array(): NDArray {
    return this.raw as NDArray;
  }
  get shape(): Shape {
    return this.array.shape;
  }
  /** Number of elements. */
  get size(): number {
    return this.array.size;
  }
  get ndim(): number {
    return this.array.shape.length;
  }
  get dtype(): DType {
    return this.array.dtype;
  }

  /** The gradient from the latest backward pass (accumulated for leaves), or null before any. */
  get grad(): Tensor | null {
    return this.gradAsNode() as Tensor | null;
  }
  set grad(g: Tensor | null) {
    if (g !== null && !sameShape(g.shape, this.shape)) {
      throw new ShapeError(
        'grad',
        `gradient of shape ${fmt(g.shape)} for a tensor of shape ${fmt(this.shape)}`,
        'assign a gradient of the same shape',
      );
    }
    this.gradData = g;
  }

  get rawBackend(): Backend<Raw> {
    return arrayBackend as Backend<Raw>;
  }

  compute(op: AnyOp, x: Node, y: Node | null, more: readonly Node[], attrs: unknown): NDArray {
    if (!op.array) throw new TypeError(`${op.name}: not defined for tensors`);
    const ins = [x.raw as NDArray];
    if (y !== null) ins.push(y.raw as NDArray);
    for (const z of more) ins.push(z.raw as NDArray);
    return op.array(ins, attrs);
  }

  spawn(raw: Raw, init: NodeInit): Tensor {
    return new Tensor(raw as NDArray, init as TensorOptions);
  }

  /** A constant of this tensor's dtype: a number becomes a 0-d tensor. */
  constant(raw: Raw): Tensor {
    const data = typeof raw === 'number' ? new NDArray(alloc(this.dtype, 1).fill(raw), []) : raw;
    return new Tensor(data, CONSTANT as TensorOptions);
  }

  describeData(): string {
    return describeArray('data', this.array);
  }

  describeGrad(): string | null {
    return this.gradRaw === null ? null : describeArray('grad', this.gradRaw as NDArray);
  }

  // elementwise, with broadcasting
  add(other: TensorLike): Tensor {
    return binary(OPS.add, this, other);
  }
  sub(other: TensorLike): Tensor {
    const y = operand('sub', other);
    if (y instanceof Tensor) broadcastShapes(this.shape, y.shape, 'sub');
    return this.composite('sub', B.sub(this, y));
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
    return this.composite('clamp', C.clamp(B, this, lo, hi));
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
    return apply(OPS.matmul, [this, other]) as Tensor;
  }

  // reductions; `axis` is a number or an array of numbers, all axes when left out
  sum(axis?: number | readonly number[], keepdim = false): Tensor {
    return this.composite('sum', C.sum(B, this, axis, keepdim));
  }
  mean(axis?: number | readonly number[], keepdim = false): Tensor {
    return this.composite('mean', C.mean(B, this, axis, keepdim));
  }
  /**
   * Largest element over `axis` (a number, a list of axes, or all when left out). Along one axis the
   * gradient goes to the first largest element, as `torch.max(dim)`; with a list of axes or none,
   * tied elements share it evenly, as `torch.amax`.
   */
  max(axis?: number | readonly number[], keepdim = false): Tensor {
    return this.composite('max', C.extreme(B, this, axis, keepdim, 'max'));
  }
  /** Smallest element over `axis`; ties as in `max` (`torch.min(dim)` along one axis, `torch.amin` otherwise). */
  min(axis?: number | readonly number[], keepdim = false): Tensor {
    return this.composite('min', C.extreme(B, this, axis, keepdim, 'min'));
  }
  /** Index of the largest element along `axis` (of the flattened tensor when left out); no gradient. */
  argmax(axis?: number, keepdim = false): Tensor {
    return apply(OPS.argmax, [this], { axis: this.axisOrAll(axis, 'argmax'), keepdim }) as Tensor;
  }
  argmin(axis?: number, keepdim = false): Tensor {
    return apply(OPS.argmin, [this], { axis: this.axisOrAll(axis, 'argmin'), keepdim }) as Tensor;
  }
  softmax(axis: number): Tensor {
    return this.composite('softmax', C.softmax(B, this, axis));
  }
  logSoftmax(axis: number): Tensor {
    return this.composite('logSoftmax', C.logSoftmax(B, this, axis));
  }

  // shape
  /** The same elements in a new shape; one size may be -1. */
  reshape(shape: readonly number[]): Tensor {
    return B.reshape(this, shape) as Tensor;
  }
  /** Alias of `reshape` (chainrule's tensors are always contiguous). */
  view(shape: readonly number[]): Tensor {
    return this.reshape(shape);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return this.composite('transpose', C.transpose(B, this, dim0, dim1));
  }
  /** Transpose of a matrix (reverse of the axes otherwise), as torch's `.T`. */
  get T(): Tensor {
    return this.permute([...Array(this.ndim).keys()].reverse());
  }
  permute(dims: readonly number[]): Tensor {
    if (!Array.isArray(dims) || dims.length !== this.ndim) {
      throw new RangeError(
        `permute: dims ${JSON.stringify(dims)} must list each of the ${this.ndim} axes once; pass a permutation of 0..${this.ndim - 1}`,
      );
    }
    const normalized = Object.freeze(dims.map((d) => normalizeAxis(d, this.ndim, 'permute')));
    return B.permute(this, normalized) as Tensor;
  }
  /** A view repeated along size-1 axes to `shape`; -1 keeps a size. */
  expand(shape: readonly number[]): Tensor {
    return B.expand(this, shape) as Tensor;
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return this.composite('squeeze', C.squeeze(B, this, axis));
  }
  unsqueeze(axis: number): Tensor {
    return this.composite('unsqueeze', C.unsqueeze(B, this, axis));
  }
  /** Elements `start` to `end` (exclusive) along `axis`, as `torch.narrow(axis, start, end - start)`. */
  slice(axis: number, start: number, end: number): Tensor {
    const a = normalizeAxis(axis, this.ndim, 'slice');
    const n = this.shape[a]!;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > n || start > end) {
      throw new RangeError(
        `slice: range ${start}:${end} does not fit axis ${a} of size ${n}; use 0 ≤ start ≤ end ≤ ${n}`,
      );
    }
    return B.slice(this, { axis: a, start, end }) as Tensor;
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
    return this.composite('softplus', B.div(B.softplus(B.mul(this, b)), b));
  }
  /** log Σ exp over `axis`, stable for large values (torch.logsumexp). */
  logsumexp(axis: number | readonly number[], keepdim = false): Tensor {
    return this.composite('logsumexp', S.logsumexp(B, this, axis, keepdim));
  }
  /** Variance over `axis` (all when left out), dividing by N − correction (default 1, unbiased), as torch.var. */
  var(axis?: number | readonly number[], options: SpreadOptions = {}): Tensor {
    const { correction = 1, keepdim = false } = options;
    return this.composite(
      'var',
      S.variance(B, this, axis, checkFinite('var', correction, 'correction'), keepdim),
    );
  }
  /** Standard deviation: √var, with the same `correction` (torch.std). */
  std(axis?: number | readonly number[], options: SpreadOptions = {}): Tensor {
    const { correction = 1, keepdim = false } = options;
    return this.composite('std', S.std(B, this, axis, checkFinite('std', correction, 'correction'), keepdim));
  }
  /** The vector p-norm over `axis` (all elements when left out): p = 2, 1, Infinity, -Infinity, 0 or any p > 0. */
  norm(p = 2, axis?: number | readonly number[], keepdim = false): Tensor {
    return this.composite('norm', S.norm(B, this, p, axis, keepdim));
  }
  /** Running sum along `axis` (torch.cumsum). */
  cumsum(axis: number): Tensor {
    if (this.ndim === 0) return this.composite('cumsum', B.reshape(B.cumsum(B.reshape(this, [1]), 0), []));
    return B.cumsum(this, normalizeAxis(axis, this.ndim, 'cumsum')) as Tensor;
  }
  /** torch.gather: out[i][j] = this[index[i][j]][j] for axis 0 (likewise any axis); out has index's shape. */
  gather(axis: number, index: Tensor | Nested): Tensor {
    const a = normalizeAxis(axis, this.ndim, 'gather');
    const idx = indexArray(index, 'gather');
    K.checkIndex(idx, this.shape, a, 'gather');
    return B.gather(this, { axis: a, index: idx }) as Tensor;
  }
  /** The slices at positions `index` (1-D) along `axis`, in that order (torch.index_select). */
  indexSelect(axis: number, index: Tensor | Nested): Tensor {
    return this.composite('indexSelect', X.indexSelect(B, this, axis, indexArray(index, 'indexSelect')));
  }
  /** Integer-array indexing, PyTorch's `x[index]`: rows picked along axis 0, shaped index.shape ++ shape[1:]. */
  index(index: Tensor | Nested): Tensor {
    return this.composite('index', X.take(B, this, indexArray(index, 'index')));
  }
  /** Pieces along `axis`: of size `sizes` each (the last may be smaller), or of the listed sizes (torch.split). */
  split(sizes: number | readonly number[], axis = 0): Tensor[] {
    return X.split(B, this, sizes, axis).map((t) => this.composite('split', t));
  }
  /** `chunks` pieces of nearly equal size along `axis` (torch.chunk). */
  chunk(chunks: number, axis = 0): Tensor[] {
    return X.chunk(B, this, chunks, axis).map((t) => this.composite('chunk', t));
  }

  /**
   * Backpropagates from this tensor into everything it depends on. `gradient` (a tensor of this
   * shape) may be left out only for one-element tensors, where it is 1.
   */
  backward(gradient?: Tensor | Nested, options: BackwardOptions = {}): void {
    if (isOptionsLike(gradient)) {
      throw new TypeError(
        'backward: the first argument is the gradient; pass options second: backward(undefined, { createGraph: true })',
      );
    }
    backwardFrom(this, this.seed(gradient), options);
  }

  /** The gradient `backward` starts from, checked against this tensor's shape. */
  seed(gradient: Tensor | Nested | undefined): Tensor {
    if (gradient === undefined) {
      if (this.size !== 1) {
        throw new ShapeError(
          'backward',
          `needs a one-element output or an explicit gradient, got shape ${fmt(this.shape)}`,
          'call .sum() or .mean() first, or pass backward(gradient)',
        );
      }
      return this.constant(new NDArray(alloc(this.dtype, 1).fill(1), this.shape));
    }
    const g =
      gradient instanceof Tensor ? gradient : this.constant(fromNested(gradient, 'backward', this.dtype));
    if (!sameShape(g.shape, this.shape)) {
      throw new ShapeError(
        'backward',
        `gradient has shape ${fmt(g.shape)}, the output has ${fmt(this.shape)}`,
        "pass a gradient of the output's shape",
      );
    }
    return g;
  }

  /** This tensor in `dtype` (itself when it already is); gradients flow back in the original dtype. */
  to(dtype: DType): Tensor {
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new TypeError(`to: unknown dtype ${JSON.stringify(dtype)}; use 'float32' or 'float64'`);
    }
    return B.cast(this, dtype) as Tensor;
  }

  /** The same data, cut from the graph: no parents, no gradient. */
  detach(): Tensor {
    return graph.detach(this) as Tensor;
  }

  /** Nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): Nested {
    return toNested(this.array);
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
    return this.array.data[0]!;
  }

  override toString(): string {
    const extras = [];
    if (this.size === 0 && this.ndim !== 1) extras.push(`size=(${this.shape.join(', ')})`);
    if (this.dtype === 'float32') extras.push('dtype=float32');
    if (this.gradFn !== null) extras.push(`gradFn=<${this.gradFn}>`);
    else if (this.requiresGrad) extras.push('requiresGrad=true');
    return `tensor(${formatArray(this.array)}${extras.map((e) => `, ${e}`).join('')})`;
  }

  /** The result of a composite method, named after it for `gradFn` (unless it is this tensor itself). */
  private composite(method: string, result: Node): Tensor {
    return (result === this ? this : result.madeBy(method)) as Tensor;
  }

  private axisOrAll(axis: number | undefined, op: string): number | undefined {
    // NOTE: a 0-d tensor takes axis 0 or -1, as in PyTorch: its only element is index 0 either way.
    if (axis === undefined || (this.ndim === 0 && (axis === 0 || axis === -1))) return undefined;
    return normalizeAxis(axis, this.ndim, op);
  }
}

/** What var and std take besides the axis, as torch.var's keywords. */
export interface SpreadOptions {
  /** Subtracted from the count in the denominator: 1 (default) for the unbiased estimate, 0 for the population. */
  readonly correction?: number;
  readonly keepdim?: boolean;
}

/** An index argument as an array of whole numbers (a Tensor's data, or nested numbers). */
function indexArray(index: Tensor | Nested, op: string): NDArray {
  const a = index instanceof Tensor ? index.array : fromNested(index, op);
  for (const k of a.data) {
    if (!Number.isInteger(k))
      throw new TypeError(`${op}: indices must be whole numbers (got ${k}); round them first`);
  }
  return a;
}

/** `{ createGraph }` or `{ retainGraph }` passed where the gradient goes (Value's signature). */
function isOptionsLike(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Tensor) &&
    ('createGraph' in v || 'retainGraph' in v)
  );
}

function describeArray(what: string, x: NDArray): string {
  return x.size === 1 ? `${what} ${formatNumber(x.data[0]!)}` : `${what} ${fmt(x.shape)}`;
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
  return apply(op, [x, typeof y === 'number' ? x.constant(y) : y]) as Tensor;
}
