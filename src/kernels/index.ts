/** @file The tensor kernels' table of contents: plain n-d array code, no autograd. */

export { keepdimShape, normalizeAxes, normalizeAxis, squeezeAxes } from './axes.js';
export {
  type ArrayOrNumber,
  add,
  type BinaryName,
  binary,
  div,
  eq,
  ge,
  gt,
  le,
  lt,
  maximum,
  minimum,
  mul,
  pow,
  powOf,
  sub,
  where,
} from './binary.js';
export { broadcastOffsets, broadcastShapes, isBroadcastableTo } from './broadcast.js';
export { arange, eye, full, linspace, Rng, randNormal, randUniform } from './create.js';
export {
  abs,
  cos,
  exp,
  expm1,
  log,
  log1p,
  neg,
  relu,
  sigmoid,
  sigmoidOf,
  sign,
  sin,
  softplus,
  softplusOf,
  sqrt,
  tanh,
  type UnaryName,
  unary,
} from './elementwise.js';
export { expOf, logOf } from './fast-math.js';
export { formatArray } from './format.js';
export {
  type FusedName,
  fusedBackward,
  reluBackward,
  reluBackwardOf,
  sigmoidBackward,
  sigmoidBackwardOf,
  sigmoidBackwardOf32,
  tanhBackward,
  tanhBackwardOf,
  tanhBackwardOf32,
} from './fused.js';
// issue 11: scans and indexing along an axis
export { checkIndex, checkPositions, cumsum, gather, scatterAdd } from './gather.js';
export { type KernelPath, kernelPath, useKernels } from './kernel-path.js';
export { cat, expand, permute, reshape, slice } from './layout.js';
export {
  type GemmFn,
  type GemmTN,
  gemm,
  matmul,
  matmulNT,
  matmulTN,
  setGemm,
  type TakesJs,
} from './matmul.js';
export {
  alloc,
  cast,
  checkShape,
  copyAs,
  type Data,
  type DType,
  NDArray,
  padShape,
  resultDType,
  sameShape,
  sizeOf,
  stridesOf,
} from './ndarray.js';
export { fromNested, type Nested, toNested } from './nested.js';
export {
  argmaxAlong,
  argminAlong,
  type Extremes,
  maxTo,
  minTo,
  selectMask,
  sumTo,
  tieMask,
} from './reduce.js';
