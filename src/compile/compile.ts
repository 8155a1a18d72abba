/** @file compile(step): run a training step eagerly once while recording its kernel calls, then replay them. */

import { memoryWriteAfter } from '../engine/memory-writes.js';
import { nodesMade } from '../engine/node.js';
import { AutogradError, describeValue, fmt, type OptionSpecs, readOptions, ShapeError } from '../errors.js';
import { copyAs, type NDArray } from '../kernels/ndarray.js';
import type { SeenNode } from '../ops/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { Capture, type Program } from './program.js';

/** Options of `compile`, named after PyTorch's `torch._dynamo.config` settings. */
export interface CompileOptions {
  /**
   * What a call whose inputs differ in shape or dtype from every capture does: capture the step
   * again for them (false, the default, as `torch.compile`) or throw (true, as
   * `torch._dynamo.config.error_on_recompile`).
   */
  readonly errorOnRecompile?: boolean;
  /** How many captures (one per input signature) are kept; one more is an error. Default 8, as PyTorch's `cache_size_limit`. */
  readonly cacheSizeLimit?: number;
}

const COMPILE_OPTIONS: OptionSpecs<CompileOptions> = {
  errorOnRecompile: 'boolean',
  cacheSizeLimit: (v) => (Number.isInteger(v) && (v as number) >= 1 ? null : 'must be a whole number >= 1'),
};

/** What a compiled step may return: a tensor, or an array of tensors. */
export type StepResult = Tensor | readonly Tensor[];

/** A compiled step: call it as the step itself. */
export interface CompiledStep<A extends readonly Tensor[], R extends StepResult> {
  /**
   * Runs the step: the first call with inputs of new shapes or dtypes runs it eagerly and records it,
   * later ones replay the recording. Returns new tensors (no graph) holding the step's results.
   */
  (...args: A): R;
  /**
   * Runs the step eagerly, not recorded and not replayed, with the same effects as a call (the
   * optimizer steps), and returns what the step returns, graph and all: draw it with `toDot`.
   */
  eager(...args: A): R;
  /** How many times the step has been captured so far. */
  readonly captures: number;
  /** How many kernel calls one replay runs, per capture (in the order they were made). */
  readonly kernelCalls: readonly number[];
}

/** One capture: its tape, its private input tensors (the tape reads them), the arrays it returns. */
interface Captured {
  readonly program: Program;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly { readonly array: NDArray; readonly label: string }[];
  readonly single: boolean;
  /**
   * The arguments the step writes in place (`copy_`, itself or through a view or `detach()`): copied back
   * to the caller's tensors after each call. `writes` counts the writes through the argument itself.
   */
  readonly written: readonly { readonly at: number; readonly writes: number }[];
}

/** True while a compiled step runs (capturing, replaying or eager()): they do not nest. */
let running = false;

/**
 * Compiles a training step, as `torch.compile`, `jax.jit` or `tf.function` do: the first call runs
 * `step` eagerly and records every kernel call it makes (forward, backward, the optimizer's update);
 * later calls with inputs of the same shapes and dtypes replay the recording on the same arrays,
 * with no graph built and no array allocated per op, and give the eager step's numbers bit for bit.
 *
 * The step takes tensors (data; parameters are closed over) and returns a tensor or an array of
 * tensors. Read docs/compile.md for what is replayed and what is fixed at capture (plain numbers,
 * JavaScript branches on tensor values).
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * const train = compile((x, y) => {
 *   opt.zeroGrad();
 *   const loss = mseLoss(model.forward(x), y);
 *   loss.backward();
 *   opt.step();
 *   return loss;
 * });
 * for (const [x, y] of batches) train(x, y).item();
 */
export function compile<A extends readonly Tensor[], R extends StepResult>(
  step: (...args: A) => R,
  options: CompileOptions = {},
): CompiledStep<A, R> {
  if (typeof step !== 'function') {
    throw new TypeError(
      `compile: expected the step as a function (got ${describeValue(step)}); pass e.g. compile((x, y) => { …; return loss; })`,
    );
  }
  if (step.constructor?.name === 'AsyncFunction') throw asyncError();
  const o = readOptions('compile', options, COMPILE_OPTIONS);
  const errorOnRecompile = (o.errorOnRecompile as boolean | undefined) ?? false;
  const cacheSizeLimit = (o.cacheSizeLimit as number | undefined) ?? 8;
  const cache = new Map<string, Captured>();
  let arity: number | null = null;
  let captures = 0;

  const checkArgs = (args: readonly unknown[]): readonly Tensor[] => {
    if (arity !== null && args.length !== arity) {
      throw new TypeError(
        `compile: the step was captured with ${arity} argument${arity === 1 ? '' : 's'}, now called with ${args.length}; call it with the same arguments every time`,
      );
    }
    args.forEach((a, i) => {
      if (!(a instanceof Tensor)) {
        throw new TypeError(
          `compile: argument ${i} is ${describeValue(a)}, not a Tensor; a compiled step takes tensors (a plain number would be fixed at capture: pass it as a tensor, or close over it)`,
        );
      }
      if (a.requiresGrad) {
        throw new TypeError(
          `compile: argument ${i} requires a gradient; a compiled step takes data as arguments: close over the parameters (model.parameters()) instead of passing them`,
        );
      }
    });
    return args as readonly Tensor[];
  };

  const call = (...args: A): R => {
    enter();
    try {
      const xs = checkArgs(args);
      // A tensor passed twice is one private input passed twice, so writes through one show in the other.
      const first = xs.map((x) => xs.indexOf(x));
      const key = xs
        .map((x, i) => (first[i] === i ? `${x.dtype}${fmt(x.shape)}` : `#${first[i]}`))
        .join(', ');
      let known = cache.get(key);
      const changed = known?.program.changedLeaf() ?? null;
      if (changed !== null) {
        if (errorOnRecompile) {
          throw new AutogradError(
            'compile',
            `${describeSeen(changed)} ${changed.requiresGrad ? 'requires' : 'no longer requires'} a gradient since the capture, which changes what backward() computes, and errorOnRecompile is set; ` +
              'set requiresGrad before the first call, or leave errorOnRecompile unset to capture the step again',
          );
        }
        cache.delete(key); // captured again below, for the leaves as they are now
        known = undefined;
      }
      if (known !== undefined) {
        checkShared(known, xs);
        known.inputs.forEach((input, i) => {
          input.array.data.set(xs[i]!.array.data);
        });
        known.program.replay();
        known.program.handOver();
        writeBack(known, xs);
        return results(known);
      }
      if (cache.size > 0 && errorOnRecompile) {
        throw new ShapeError(
          'compile',
          `the inputs (${key}) differ from those captured (${[...cache.keys()].map((k) => `(${k})`).join(' or ')}) and errorOnRecompile is set`,
          'call the step with inputs of the captured shapes and dtypes, or leave errorOnRecompile unset to capture it again',
        );
      }
      if (cache.size >= cacheSizeLimit) {
        throw new RangeError(
          `compile: the step has been captured for ${cache.size} input signatures, the cacheSizeLimit; pad or batch the inputs to fewer shapes, or raise cacheSizeLimit`,
        );
      }
      const captured = capture(step as unknown as (...args: never[]) => StepResult, xs, first);
      arity = xs.length;
      cache.set(key, captured);
      captures++;
      captured.program.handOver();
      checkShared(captured, xs);
      writeBack(captured, xs);
      return results(captured);
    } finally {
      running = false;
    }
  };

  const compiled = call as CompiledStep<A, R>;
  Object.defineProperties(compiled, {
    eager: {
      value: (...args: A): R => {
        enter();
        try {
          checkArgs(args);
          return checkResult(step(...args));
        } finally {
          running = false;
        }
      },
    },
    captures: { get: () => captures },
    kernelCalls: { get: () => [...cache.values()].map((c) => c.program.kernelCalls) },
  });
  return compiled;
}

/** A tensor as messages name it: its label, or its shape. */
function describeSeen(n: SeenNode): string {
  const t = n as unknown as Tensor;
  return t.label ? `the tensor '${t.label}'` : `a tensor of shape ${fmt(t.shape)}`;
}

function enter(): void {
  if (running) {
    throw new TypeError(
      'compile: a compiled step was called while another (or itself) is running; compiled steps do not nest: compile the outer step only, and call plain functions inside it',
    );
  }
  running = true;
}

/** Runs `step` eagerly on private copies of the inputs, recording it; the copies are what replays read. */
function capture(
  step: (...args: never[]) => StepResult,
  xs: readonly Tensor[],
  first: readonly number[],
): Captured {
  const own = xs.map((x) => new Tensor(copyAs(x.array), { label: x.label }));
  const inputs = xs.map((_, i) => own[first[i]!]!);
  const versions = inputs.map((x) => x.version);
  const start = nodesMade();
  const recorder = new Capture(start);
  recorder.see(inputs);
  const result = checkResult(recorder.run(() => step(...(inputs as never[]))));
  const list: readonly Tensor[] = result instanceof Tensor ? [result] : result;
  const program = recorder.finish(list.map((t) => t.array));
  return {
    program,
    inputs,
    outputs: list.map((t) => ({ array: t.array, label: t.label })),
    single: result instanceof Tensor,
    // NOTE: by memory, not by version: a step may write an input through a view or detach(); by version
    // too, since an empty array has no memory to write.
    written: inputs
      .map((x, at) => ({
        at,
        writes: x.version - versions[at]!,
        wrote: memoryWriteAfter(x.array.data, start - 1) !== null,
      }))
      .filter(({ at, writes, wrote }) => (wrote || writes > 0) && first[at] === at),
  };
}

/** Copies what the step wrote into its (private) inputs back into the caller's tensors, as eager writes them. */
function writeBack(c: Captured, xs: readonly Tensor[]): void {
  for (const { at, writes } of c.written) {
    const x = xs[at]!;
    x.array.data.set(c.inputs[at]!.array.data);
    for (let k = 0; k < writes; k++) x.markWritten('a compiled step');
    // Written through a view or detach() only: eager leaves x's own version alone, and so does this.
    if (writes === 0) x.detach().markWritten('a compiled step');
  }
}

/**
 * Refuses arguments that share their data without being the same tensor (a view of another) when the
 * step writes into one: the step works on private copies, so the other would not see the write.
 */
function checkShared(c: Captured, xs: readonly Tensor[]): void {
  if (c.written.length === 0) return;
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      if (xs[i] !== xs[j] && xs[i]!.array.data.buffer === xs[j]!.array.data.buffer) {
        throw new TypeError(
          `compile: arguments ${i} and ${j} share their data (one is a view of the other) and the step writes into argument ${c.written[0]!.at} in place; ` +
            'a compiled step works on copies of its arguments, so the other would not see the write: pass separate tensors (a copy of one), or the same tensor twice',
        );
      }
    }
  }
}

/** The step's result, checked: a tensor or a non-empty array of tensors. */
function checkResult<R>(result: R): R {
  if (typeof (result as { then?: unknown } | null)?.then === 'function') throw asyncError();
  const ok =
    result instanceof Tensor ||
    (Array.isArray(result) && result.length > 0 && result.every((t) => t instanceof Tensor));
  if (!ok) {
    throw new TypeError(
      `compile: the step returned ${describeValue(result)}, not a tensor; return the loss (or an array of tensors) so that each call can hand back its new numbers`,
    );
  }
  return result;
}

/** New tensors holding what the step returned this time (the tape's arrays are rewritten by the next call). */
function results<R>(c: Captured): R {
  const ts = c.outputs.map(({ array, label }) => new Tensor(copyAs(array), { label }));
  return (c.single ? ts[0] : ts) as R;
}

function asyncError(): TypeError {
  return new TypeError(
    'compile: the step is async (or returned a promise); a capture records only what runs before it returns: await the data first, then compile a synchronous step',
  );
}
