/** @file chainrule's public surface, read as its table of contents: everything a user imports, by name. */

// scalars: one number in the graph
export { Value, type ValueOptions } from './scalar/value.js';

// tensors: n-d arrays in the graph, and the ways to make them
export { Tensor, type TensorLike, type TensorOptions } from './tensor/tensor.js';
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
export type { DType } from './kernels/ndarray.js';
export type { Nested } from './kernels/nested.js';
export { type KernelPath, kernelPath, useKernels } from './kernels/kernel-path.js';

// the engine: recording on and off, and what backward takes
export { noGrad } from './engine/mode.js';
export type { BackwardOptions } from './engine/autograd.js';
export type { Node } from './engine/node.js';

// functions: numbers on either side, lists of tensors, gradients as values, gradient checks
export { add, cat, div, maximum, minimum, mul, pow, stack, sub, where } from './functional/ops.js';
export { type GradOptions, grad } from './functional/grad.js';
export { type GradcheckOptions, type GradcheckReport, gradcheck, type Mismatch } from './check/gradcheck.js';

// models: modules, losses and optimizers
export { type LoadResult, type LoadStateDictOptions, Module } from './nn/module.js';
// more modules: activations, Dropout, MLP (issue 12)
export { Dropout, ReLU, Sigmoid, Tanh } from './nn/activations.js';
export { type Activation, MLP, type MLPOptions } from './nn/mlp.js';
export { type Layer, Linear, type LinearOptions, Sequential } from './nn/layers.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  type HuberOptions,
  huberLoss,
  l1Loss,
  type LossOptions,
  mseLoss,
  nllLoss,
  type Reduction,
} from './nn/losses.js';
export { Adam, type AdamOptions } from './optim/adam.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
// more training tools: AdamW, gradient clipping, schedulers, optimizer state (issue 12)
export { AdamW } from './optim/adam.js';
export { clipGradNorm } from './optim/clip.js';
export { Optimizer } from './optim/optimizer.js';
export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  LRScheduler,
  StepLR,
  type StepLROptions,
} from './optim/scheduler.js';
// a training step captured once and replayed on the same arrays (issue 13)
export { type CompiledStep, type CompileOptions, compile, type StepResult } from './compile/compile.js';

// data: seeded batches (issue 12)
export { DataLoader, type DataLoaderOptions } from './data/loader.js';

// saving and loading weights: safetensors (issue 12)
export {
  loadSafetensors,
  MAX_HEADER_BYTES,
  type Safetensors,
  type SaveOptions,
  saveSafetensors,
} from './io/safetensors.js';

// leaving chainrule: ONNX export, run by onnxruntime and other engines (issue 12)
export { exportOnnx, type OnnxOptions } from './onnx/export.js';

// data (issue 10): the numeric CSVs the examples and the tutorial read
export { type Csv, type ReadCsvOptions, readCsv } from './data/read-csv.js';

// pictures
export { type DotOptions, toDot } from './viz/dot.js';
export { renderSvg } from './viz/render.js';

// seeing gradient flow (issue 9): a traced backward pass, one gradient as a sum over paths, frames, a viewer
export type { ColourMode } from './viz/colour.js';
export type { ModuleNames } from './viz/modules.js';
export {
  type BackwardTrace,
  type TraceOptions,
  type TraceStep,
  type Traced,
  type TracedArray,
  type TracedInput,
  type TracedNode,
  traceBackward,
} from './viz/trace.js';
export {
  type ChainFactor,
  type ExplainOptions,
  type Explanation,
  explain,
  type GradientPath,
  type PathEdge,
  type TextbookFactor,
} from './viz/explain.js';
export { type FrameOptions, traceFrames } from './viz/frames.js';
export { type HtmlOptions, toHtml } from './viz/html.js';

// issue 11: function transforms, custom ops, anomaly detection
export {
  type Differentiable,
  type Fn,
  jvp,
  type OneOrMany,
  type TransformOptions,
  type ValueAndGradOptions,
  valueAndGrad,
  vjp,
} from './functional/transforms.js';
export { hessian, hvp, type JacobianOptions, jacobian } from './functional/jacobian.js';
export {
  type CustomOp,
  type CustomOpDefinition,
  type CustomRule,
  type CustomRuleContext,
  type CustomTangent,
  customOp,
  type ElementwiseDefinition,
  elementwiseOp,
} from './functional/custom-op.js';
export {
  type AnomalyOptions,
  creationSite,
  detectAnomaly,
  isAnomalyEnabled,
  setDetectAnomaly,
} from './engine/anomaly.js';

// errors
export { AutogradError, ShapeError } from './errors.js';
