/** @file chainrule's public surface: everything a user imports, by name. */

export { type GradcheckOptions, type GradcheckReport, gradcheck, type Mismatch } from './check/gradcheck.js';
export type { BackwardOptions } from './engine/autograd.js';
// the engine
export { noGrad } from './engine/mode.js';
export type { Node } from './engine/node.js';
// errors
export { AutogradError, ShapeError } from './errors.js';
export { type GradOptions, grad } from './functional/grad.js';
// functions: numbers on either side, lists of tensors, gradients as values
export { add, cat, div, maximum, minimum, mul, pow, stack, sub, where } from './functional/ops.js';
// models
export { binaryCrossEntropy, crossEntropy, mseLoss } from './nn/losses.js';
export { Adam, type AdamOptions } from './optim/adam.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
// scalars
export { Value, type ValueOptions } from './scalar/value.js';
export {
  arange,
  eye,
  fromTypedArray,
  full,
  linspace,
  manualSeed,
  ones,
  onesLike,
  rand,
  randn,
  tensor,
  zeros,
  zerosLike,
} from './tensor/create.js';
export { type KernelPath, kernelPath, useKernels } from './tensor/kernels/kernel-path.js';
export type { DType } from './tensor/kernels/ndarray.js';
export type { Nested } from './tensor/kernels/nested.js';
// tensors
export { Tensor, type TensorLike, type TensorOptions } from './tensor/tensor.js';

// pictures
export { type DotOptions, toDot } from './viz/dot.js';
export { renderSvg } from './viz/render.js';
