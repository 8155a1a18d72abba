/**
 * @file exportOnnx: a forward pass traced into an ONNX model (opset 17 to 23) that onnxruntime and every
 * other ONNX engine can run. The graph chainrule records is the trace; each primitive op becomes
 * ONNX nodes (translate.ts), parameters become initializers named as `namedParameters()` names them.
 */

import { withTracing } from '../engine/mode.js';
import type { Node } from '../engine/node.js';
import { topoSort } from '../engine/topo.js';
import { checkOptions, fmt, type OptionNames } from '../errors.js';
import { cat } from '../functional/ops.js';
import { type DType, NDArray } from '../kernels/ndarray.js';
import { Module } from '../nn/module.js';
import type { GatherAttrs } from '../ops/op.js';
import { Tensor } from '../tensor/tensor.js';
import { type AttrValue, type Emitter, TRANSLATIONS } from './translate.js';

/** Options of `exportOnnx`: `exportOnnx(model, [x], { dynamicBatch: true })`. */
export interface OnnxOptions {
  /** Let the first axis of every input and output be any size ('batch'), as `dynamic_axes` does. */
  readonly dynamicBatch?: boolean;
  /** Float type of the whole model (default: the first input's dtype). */
  readonly dtype?: DType;
  readonly inputNames?: readonly string[];
  readonly outputNames?: readonly string[];
  /** ONNX opset version: 17 (default) to 23. */
  readonly opset?: number;
}

const ONNX_OPTIONS: OptionNames<OnnxOptions> = {
  dynamicBatch: true,
  dtype: true,
  inputNames: true,
  outputNames: true,
  opset: true,
};
/** `torch.onnx.export`'s names that differ from chainrule's by more than spelling. */
const TORCH_ONNX_NAMES = { opset_version: 'opset', dynamic_axes: 'dynamicBatch' };

type Forward = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

/**
 * The opsets written, each with the IR version that introduced it. NOTE: a newer opset may change an
 * op this exporter writes (opset 18 moved ReduceMax's axes to an input), so it is refused until added
 * here and run by the tests.
 */
const IR_VERSION: Readonly<Record<number, number>> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 22: 10, 23: 11 };
const MIN_OPSET = 17;
const MAX_OPSET = 23;

const FLOAT = 1;
const DOUBLE = 11;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

function fail(what: string): never {
  throw new TypeError(`exportOnnx: ${what}`);
}

/** One recorded forward pass: its inputs (as traced leaves), outputs and every node in order. */
interface Trace {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly order: readonly Node[];
}

/**
 * Records `forward` on `examples`. A method that hands the numbers of a tensor made from the inputs to
 * JavaScript (`item()`, `toArray()`, `toString()`, an index) is refused where it happens: what
 * JavaScript does with them (a branch, a number, an index) is no op, and ONNX would keep for every
 * input what it was for these. Refused also when the forward catches the error and goes on.
 */
function trace(forward: Forward, examples: readonly Tensor[]): Trace {
  const inputs = examples.map((x) => new Tensor(x.array, { requiresGrad: true }));
  let refused: string | null = null;
  const onRead = (node: Node, method: string) => {
    refused ??= readRefusal(node, method, inputs);
    fail(refused);
  };
  const result = withTracing(() => forward(...inputs), { inputs, onRead });
  if (refused !== null) fail(refused);
  const outputs = result instanceof Tensor ? [result] : result;
  if (!Array.isArray(outputs) || outputs.length === 0 || !outputs.every((o) => o instanceof Tensor)) {
    fail('the forward pass must return a Tensor or an array of Tensors');
  }
  return { inputs, outputs, order: topoSort(outputs) };
}

/** Why a read of `node`'s numbers by `method` during a trace is refused, with the fix. */
function readRefusal(node: Node, method: string, inputs: readonly Node[]): string {
  const at = inputs.indexOf(node);
  const what = at >= 0 ? `input ${at} of shape ${fmt(node.shape)}` : describe(node);
  return (
    `${method} read the numbers of a tensor made from the inputs (${what}): ONNX would keep what this ` +
    'trace did with them (a branch taken, a number, an index) for every input; make the forward pass ' +
    'independent of the data: use where()/maximum() instead of branching on .item(), or export a ' +
    'function that takes the value as an input'
  );
}

/**
 * The inputs moved one row along the first axis (and doubled with `dynamicBatch`): a second trace must
 * agree. `trace` refuses the reads that Tensor methods make; this catches what they cannot see: the
 * batch size steering the forward (a branch on `x.shape[0]`, a constant sized by the batch), and data
 * read past them into constants (`grad()` without `createGraph` computes its result on raw arrays; a
 * node's `raw` field), as long as the moved rows change it.
 */
function shifted(examples: readonly Tensor[], dynamicBatch: boolean): Tensor[] {
  return examples.map((x) => {
    const n = x.shape[0]!;
    const rolled = n > 1 ? cat([x.slice(0, 1, n), x.slice(0, 0, 1)], 0) : x;
    return dynamicBatch ? cat([rolled, x], 0) : rolled;
  });
}

const sameData = (a: NDArray, b: NDArray) =>
  a.size === b.size &&
  a.shape.length === b.shape.length &&
  a.shape.every((d, i) => d === b.shape[i]) &&
  a.data.every((v, i) => Object.is(v, b.data[i]));

const describe = (n: Node) =>
  `${n.gradFn ?? n.op?.name ?? 'constant'}${n.label ? ` '${n.label}'` : ''} of shape ${fmt(n.shape)}`;

/**
 * For every node of trace `a`, which axes are the batch (size `batch` in `a`, twice that in `b`).
 * Anything else that differs between the two traces is an error: the model would not be the same
 * function for other inputs.
 */
function batchAxes(
  a: Trace,
  b: Trace,
  batch: number,
  dynamicBatch: boolean,
  params: ReadonlySet<Node>,
): Map<Node, boolean[]> {
  if (a.order.length !== b.order.length) {
    fail(
      'the forward pass records a different graph for other inputs (control flow on values or on the batch size); export a function whose ops do not depend on the data',
    );
  }
  const axes = new Map<Node, boolean[]>();
  a.order.forEach((na, i) => {
    const nb = b.order[i]!;
    if (na.op !== nb.op || na.arity !== nb.arity || (na.op === null && params.has(na) !== params.has(nb))) {
      fail(
        `the forward pass records a different graph for other inputs (at ${describe(na)}); export a function whose ops do not depend on the data`,
      );
    }
    const mask = na.shape.map((d, k) => {
      const e = nb.shape[k];
      if (d === e) return false;
      if (dynamicBatch && d === batch && e === 2 * batch) return true;
      return fail(
        `${describe(na)} changes with the batch size in a way ONNX cannot follow; export without dynamicBatch`,
      );
    });
    if (nb.shape.length !== na.shape.length)
      fail(`${describe(na)} changes rank with the batch size; export without dynamicBatch`);
    axes.set(na, mask);
    const isInput = a.inputs.includes(na as Tensor);
    if (na.op === null && !params.has(na) && !isInput && !sameData(na.raw as NDArray, nb.raw as NDArray)) {
      fail(
        `a constant (${describe(na)}) depends on the input ${dynamicBatch ? 'values or the batch size' : 'values'}: ` +
          "it was computed from the data outside the recorded ops (grad() without createGraph, a node's raw array) " +
          'or from the batch size (a mean over the batch); compute it with tensor ops, or leave it out of the exported function',
      );
    }
    const indexed = na.op?.name === 'gather' || na.op?.name === 'scatterAdd';
    if (indexed && !sameData((na.attrs as GatherAttrs).index, (nb.attrs as GatherAttrs).index)) {
      fail(
        `the index of ${describe(na)} depends on the input ${dynamicBatch ? 'values or the batch size' : 'values'}: ` +
          'an export keeps the index as a constant; compute the index outside the exported function, or use a fixed one',
      );
    }
    if (
      na.op !== null &&
      !indexed &&
      JSON.stringify(na.attrs) !== JSON.stringify(nb.attrs) &&
      !['reshape', 'expand', 'sumTo'].includes(na.op.name)
    ) {
      fail(
        `${describe(na)} has attributes that change with the batch size (${JSON.stringify(na.attrs)}); export without dynamicBatch`,
      );
    }
  });
  return axes;
}

/**
 * Traces `model.forward` (or a function) on `exampleInputs` and returns the bytes of an ONNX model
 * (opset 17 by default, up to 23): its inputs and outputs, every op as ONNX nodes, parameters as initializers named
 * by their module path (`0.weight`), other constants as initializers. A forward that hands the
 * numbers of a tensor made from the inputs to JavaScript (`item()`, `toArray()`, `.array`,
 * `toString()` and so comparisons, `summary()`, an index or class-index tensor) is refused naming the
 * method and the tensor, since ONNX would keep what it did with them; numbers of parameters and
 * constants are baked in. The function is traced twice (the second time on rows moved around, and on
 * a doubled batch with `dynamicBatch`); if the two traces disagree (control flow on the batch size,
 * constants that depend on the data), or an op has no ONNX form, the export fails naming it rather
 * than producing a different model. Modules are exported in evaluation mode (Dropout off), as
 * `torch.onnx.export` does.
 *
 * @example
 * const bytes = await exportOnnx(model, [x], { dynamicBatch: true });
 * writeFileSync('model.onnx', bytes);
 */
export async function exportOnnx(
  model: Module | Forward,
  exampleInputs: Tensor | readonly Tensor[],
  options: OnnxOptions = {},
): Promise<Uint8Array> {
  checkOptions('exportOnnx', options, ONNX_OPTIONS, TORCH_ONNX_NAMES);
  const examples = exampleInputs instanceof Tensor ? [exampleInputs] : exampleInputs;
  if (!Array.isArray(examples) || examples.length === 0 || !examples.every((x) => x instanceof Tensor)) {
    fail('exampleInputs must be a Tensor or a non-empty array of Tensors');
  }
  const { dynamicBatch = false, opset = 17 } = options;
  if (!Number.isInteger(opset) || !(opset in IR_VERSION)) {
    throw new RangeError(
      `exportOnnx: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET} (got ${String(opset)}); ` +
        'these are the opsets whose ops this exporter writes as the ONNX standard defines them',
    );
  }
  const dtype = options.dtype ?? examples[0]!.dtype;
  if (dtype !== 'float32' && dtype !== 'float64')
    fail(`dtype must be 'float32' or 'float64' (got ${String(dtype)})`);
  if (dynamicBatch && examples.some((x) => x.ndim === 0 || x.shape[0] !== examples[0]!.shape[0])) {
    fail('dynamicBatch needs every input to have the same first (batch) size');
  }

  let forward: Forward;
  let names = new Map<Node, string>();
  let restore = () => {};
  if (model instanceof Module) {
    const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
    model.eval();
    restore = () => {
      for (const [m, mode] of modes) m.training = mode;
    };
    names = new Map(model.namedParameters().map(([name, p]) => [p as Node, name]));
    if (examples.length !== 1) fail('a Module takes one input (forward(x)); pass a function for several');
    forward = (x) => model.forward(x!);
  } else if (typeof model === 'function') {
    forward = model;
  } else {
    return fail('expected a Module or a function of Tensors');
  }

  let a: Trace;
  let axes: Map<Node, boolean[]>;
  try {
    a = trace(forward, examples);
    const b = trace(forward, shifted(examples, dynamicBatch));
    axes = batchAxes(a, b, examples[0]!.shape[0] ?? 1, dynamicBatch, new Set(names.keys()));
  } finally {
    restore();
  }
  // NOTE: loaded on first use, so importing chainrule (in a page too) does not load protobuf code.
  const proto = (await import('onnx-proto')) as unknown as { onnx?: Onnx; default?: { onnx: Onnx } };
  const onnx = proto.onnx ?? proto.default!.onnx;
  return onnx.ModelProto.encode(build(onnx, a, axes, names, dtype, opset, options)).finish();
}

type Onnx = typeof import('onnx-proto').onnx;

function build(
  onnx: Onnx,
  t: Trace,
  axes: Map<Node, boolean[]>,
  paramNames: Map<Node, string>,
  dtype: DType,
  opset: number,
  options: OnnxOptions,
) {
  const floatType = dtype === 'float32' ? FLOAT : DOUBLE;
  const nodes: import('onnx-proto').onnx.INodeProto[] = [];
  const initializers: import('onnx-proto').onnx.ITensorProto[] = [];
  const names = new Map<Node, string>();
  let counter = 0;
  const fresh = (stem: string) => `${stem}_${counter++}`;

  const inputNames = options.inputNames ?? t.inputs.map((_, i) => (i === 0 ? 'input' : `input${i}`));
  const outputNames = options.outputNames ?? t.outputs.map((_, i) => (i === 0 ? 'output' : `output${i}`));
  if (inputNames.length !== t.inputs.length)
    fail(`inputNames has ${inputNames.length} names for ${t.inputs.length} inputs`);
  if (outputNames.length !== t.outputs.length)
    fail(`outputNames has ${outputNames.length} names for ${t.outputs.length} outputs`);
  for (const [i, x] of t.inputs.entries()) names.set(x, inputNames[i]!);

  const floats = (name: string, x: NDArray) => {
    const data = dtype === 'float32' ? Float32Array.from(x.data) : Float64Array.from(x.data);
    initializers.push({
      name,
      dims: [...x.shape],
      dataType: floatType,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  };
  let batchSize: string | null = null;
  const e: Emitter = {
    floatType,
    opset,
    node(opType, inputs, attrs = {}) {
      const output = fresh(opType);
      nodes.push({
        opType,
        input: [...inputs],
        output: [output],
        name: output,
        attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
      });
      return output;
    },
    scalar(value) {
      return floats(fresh('const'), new NDArray(Float64Array.of(value), []));
    },
    ints(values, dims = [values.length]) {
      const name = fresh('const');
      initializers.push({ name, dims: [...dims], dataType: INT64, int64Data: Array.from(values) });
      return name;
    },
    shape(dims, node) {
      const mask = axes.get(node) ?? [];
      if (!mask.some(Boolean)) return e.ints(dims);
      batchSize ??= e.node('Shape', [names.get(t.inputs[0]!)!], { start: 0, end: 1 });
      const parts = dims.map((d, i) => (mask[i] ? batchSize! : e.ints([d])));
      return e.node('Concat', parts, { axis: 0 });
    },
  };

  for (const n of t.order) {
    if (names.has(n)) continue;
    if (n.op === null) {
      names.set(n, floats(paramNames.get(n) ?? fresh('const'), n.raw as NDArray));
      continue;
    }
    const translate = TRANSLATIONS[n.op.name];
    if (translate === undefined) {
      fail(
        `op '${n.op.name}' (${describe(n)}) has no ONNX form here; export a function built from the ops listed in the README`,
      );
    }
    const ins = n.parents.map((p) => names.get(p)!);
    names.set(n, translate(e, ins, n));
  }

  const valueInfo = (name: string, n: Node) => ({
    name,
    type: {
      tensorType: {
        elemType: floatType,
        shape: {
          dim: n.shape.map((d, i) => ((axes.get(n) ?? [])[i] ? { dimParam: 'batch' } : { dimValue: d })),
        },
      },
    },
  });
  // outputs get their own names through Identity, so an output that is also an input or an initializer is still an output
  t.outputs.forEach((o, i) => {
    nodes.push({
      opType: 'Identity',
      input: [names.get(o)!],
      output: [outputNames[i]!],
      name: `output_${i}`,
    });
  });
  return onnx.ModelProto.create({
    irVersion: IR_VERSION[opset]!,
    producerName: 'chainrule',
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'chainrule',
      node: nodes,
      initializer: initializers,
      input: t.inputs.map((x, i) => valueInfo(inputNames[i]!, x)),
      output: t.outputs.map((o, i) => valueInfo(outputNames[i]!, o)),
    },
  });
}

function attribute(name: string, v: AttrValue): import('onnx-proto').onnx.IAttributeProto {
  if (typeof v === 'number') return { name, type: ATTR_INT, i: v };
  if (Array.isArray(v)) return { name, type: ATTR_INTS, ints: [...v] };
  if (typeof v === 'string') return { name, type: ATTR_STRING, s: new TextEncoder().encode(v) };
  return { name, type: ATTR_FLOAT, f: (v as { float: number }).float };
}
