/**
 * @file Custom differentiable ops (PyTorch's `torch.autograd.Function`, TF.js's `customGrad`): the user
 * gives a forward and a derivative rule written with the same backend as the built-in rules, and gets
 * the same kind of table entry, so second derivatives, drawings, forward mode and gradcheck all work.
 */

import { apply } from '../engine/apply.js';
import { graph } from '../engine/graph-backend.js';
import { Node } from '../engine/node.js';
import { AutogradError, checkFinite } from '../errors.js';
import { alloc, NDArray } from '../kernels/ndarray.js';
import { arrayBackend, numberBackend } from '../ops/backends.js';
import type { AnyOp, Backend } from '../ops/op.js';
import { OPS } from '../ops/table.js';
import { runArray } from '../ops/tape.js';
import type { Value } from '../scalar/value.js';
import { Tensor } from '../tensor/tensor.js';

/** What a custom op's rules see besides the upstream gradient (or the tangents). */
export interface CustomRuleContext<T> {
  /** The inputs, in order. */
  readonly ins: readonly T[];
  /** The forward result. */
  readonly out: T;
  /** `need[i]` is false when input i takes no gradient; a rule may skip that work. */
  readonly need: readonly boolean[];
}

/** A custom op's derivative rule: one gradient per input (null: none), written with `B`. */
export type CustomRule = <T>(B: Backend<T>, g: T, ctx: CustomRuleContext<T>) => readonly (T | null)[];

/** A custom op's forward-mode rule: the output's tangent from the inputs' tangents (null: zero). */
export type CustomTangent = <T>(
  B: Backend<T>,
  tangents: readonly (T | null)[],
  ctx: CustomRuleContext<T>,
) => T;

/** What a custom op is made of: the same parts as a built-in table entry. */
export interface CustomOpDefinition {
  /** The op's name: `gradFn`, errors and traces use it. Must not be a built-in op's name. */
  readonly name: string;
  /** What a drawing shows on the op's node (default: the name). */
  readonly label?: string;
  /**
   * The forward, written with the backend's ops (`B.mul`, `B.exp`, …): it runs on numbers for a
   * `Value` and on arrays for a `Tensor`, and records nothing.
   */
  readonly forward: <T>(B: Backend<T>, ...xs: T[]) => T;
  /**
   * One gradient per input (null: none), written with `B` as the built-in rules are: it runs on raw
   * data for a first-order pass and on recorded nodes with `createGraph`, so it has second derivatives.
   */
  readonly backward: CustomRule;
  /**
   * The forward-mode rule: `'elementwise'` or `'linear'` to derive it from the rules above, or a rule
   * written by hand. Without one, `jvp`, `hessian` and `jacobian(…, { strategy: 'forward' })` refuse the op.
   */
  readonly jvp?: 'elementwise' | 'linear' | CustomTangent;
  /** Number of inputs; by default the number of parameters `forward` declares after `B`. */
  readonly arity?: number;
}

/** A custom op, called like a function on Values or Tensors, and usable inside other rules by `on`. */
export interface CustomOp {
  (...xs: (Value | number)[]): Value;
  (...xs: (Tensor | number)[]): Tensor;
  /** The table entry it made. */
  readonly op: AnyOp;
  /** Applies the op on any backend: inside another op's rule, `myOp.on(B, x)`. */
  on<T>(B: Backend<T>, ...xs: T[]): T;
}

/** A Tensor or Value a user's forward or rule closes over, as its numbers (a constant); anything else as it is. */
function unwrap(a: unknown): unknown {
  if (a instanceof Node) return a.raw;
  return Array.isArray(a) && a.some((x) => x instanceof Node) ? a.map(unwrap) : a;
}

/** The backends `constantsUnwrapped` made, to the backends they wrap. */
const UNWRAPPED = new WeakMap<object, unknown>();

/**
 * The number and array backends for a user's forward and rule, taking a Tensor or Value the rule
 * closes over as its numbers, a constant, as the graph backend of a `createGraph` pass takes it as a
 * node: without this a first-order pass computed NaN from it, silently.
 */
function constantsUnwrapped<T>(B: Backend<T>): Backend<T> {
  const wrapped: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(B)) {
    wrapped[key] = typeof v === 'function' ? (...args: unknown[]) => v(...args.map(unwrap)) : v;
  }
  UNWRAPPED.set(wrapped, B);
  return wrapped as unknown as Backend<T>;
}
const NUMBERS = constantsUnwrapped(numberBackend);
const ARRAYS = constantsUnwrapped(arrayBackend);

/** The backend a user's rule runs on: the graph backend as it is, numbers and arrays unwrapping constants. */
function forUser<T>(B: Backend<T>): Backend<T> {
  const b: unknown = B;
  return (b === numberBackend ? NUMBERS : b === arrayBackend ? ARRAYS : B) as Backend<T>;
}

/** Runs `op` on whichever backend `B` is: numbers, arrays or recorded nodes. */
function runOn<T>(op: AnyOp, given: Backend<T>, operands: readonly T[]): T {
  const B = (UNWRAPPED.get(given) ?? given) as Backend<T>;
  const xs = B === given ? operands : (operands.map(unwrap) as T[]);
  if ((B as unknown) === numberBackend)
    return op.scalar!(...(xs as unknown as [number, number, number])) as T;
  if ((B as unknown) === arrayBackend) return runArray(op, xs as unknown as NDArray[]) as T;
  if ((B as unknown) === graph) return lifted(op, xs as unknown as (Node | number)[]) as T;
  throw new TypeError(
    `${op.name}: unknown backend; call a custom op's \`on\` with the backend a rule was given`,
  );
}

/** Zeros shaped like `x` on backend `B`. */
function zerosOn<T>(B: Backend<T>, x: T): T {
  return B.full(B.shape(x), 0, x);
}

/** `op` applied to nodes, plain numbers becoming constants of the nodes' kind. */
function lifted(op: AnyOp, xs: readonly unknown[]): Node {
  let like: Node | null = null;
  xs.forEach((x, i) => {
    if (x instanceof Node) {
      if (like !== null && x.constructor !== like.constructor) {
        throw new TypeError(`${op.name}: cannot combine a Value with a Tensor; use one kind throughout`);
      }
      like ??= x;
    } else if (typeof x !== 'number') {
      throw new TypeError(`${op.name}: input ${i} must be a Value, a Tensor or a number (got ${typeof x})`);
    }
  });
  if (like === null)
    throw new TypeError(`${op.name}: needs at least one Value or Tensor input (got only numbers)`);
  const kind: Node = like;
  const nodes = xs.map((x, i) =>
    x instanceof Node
      ? x
      : kind.constant(kind instanceof Tensor ? (x as number) : checkFinite(op.name, x, `input ${i}`)),
  );
  if (nodes.length !== op.arity) {
    throw new TypeError(`${op.name}: takes ${op.arity} input(s), got ${nodes.length}`);
  }
  return apply(op, nodes);
}

function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name === '')
    throw new TypeError(`${what}: give the op a non-empty string name`);
  if (name in OPS) throw new TypeError(`${what}: '${name}' is a built-in op's name; pick another`);
  return name;
}

/** A callable custom op around the table entry `op`. */
function callable(op: AnyOp): CustomOp {
  const fn = ((...xs: unknown[]) => lifted(op, xs)) as unknown as CustomOp;
  Object.defineProperty(fn, 'name', { value: op.name });
  return Object.assign(fn, { op, on: <T>(B: Backend<T>, ...xs: T[]) => runOn(op, B, xs) });
}

/**
 * Defines a differentiable op from a forward and a derivative rule, both written with the backend `B`
 * (`torch.autograd.Function` in chainrule's terms). The result is a table entry like `mul`'s: it works
 * on Values and Tensors, has second derivatives, shows by its label in drawings and passes `gradcheck`.
 *
 * @example
 * // softplus(x) = log(1 + eˣ), written so that eˣ never overflows; d/dx = σ(x)
 * const softplus = customOp({
 *   name: 'softplus2',
 *   forward: (B, x) => B.add(B.relu(x), B.log(B.add(1, B.exp(B.neg(B.abs(x)))))),
 *   backward: (B, g, { ins: [x] }) => [B.mul(g, B.sigmoid(x!))],
 *   jvp: 'elementwise',
 * });
 * softplus(new Value(0)).data;   // log 2 ≈ 0.6931
 */
export function customOp(definition: CustomOpDefinition): CustomOp {
  const { forward, backward, jvp, label } = definition;
  const name = checkName(definition.name, 'customOp');
  if (typeof forward !== 'function' || typeof backward !== 'function') {
    throw new TypeError(`customOp: '${name}' needs a forward and a backward function`);
  }
  const arity = definition.arity ?? forward.length - 1;
  if (!Number.isInteger(arity) || arity < 1) {
    throw new TypeError(
      `customOp: '${name}': forward must take the backend and at least one input, (B, x) => …; ` +
        'give arity when forward takes rest parameters',
    );
  }
  const op: AnyOp = {
    name,
    label: label ?? name,
    arity,
    // NOTE: a Value op runs on up to three numbers (the engine's scalar forward); the unused ones are NaN.
    scalar:
      arity <= 3
        ? (x: number, y: number, z: number) => forward(NUMBERS, ...[x, y, z].slice(0, arity))
        : undefined,
    array: (xs: readonly NDArray[]) => forward(ARRAYS, ...xs),
    backward: (B, g, ctx) => backward(forUser(B), g, ctx),
    userRule: true,
    // a linear op's tangent is the op applied to the tangents (the backend has no method for it: `runOn`)
    jvp:
      jvp === 'linear'
        ? (B, ts, ctx) =>
            runOn(
              op,
              B,
              ts.map((t, i) => t ?? zerosOn(B, ctx.ins[i])),
            )
        : jvp,
  };
  return callable(op);
}

/** What a learner gives for an elementwise op: plain functions of one number. */
export interface ElementwiseDefinition {
  readonly name: string;
  readonly label?: string;
  /** The function, on one number. */
  readonly f: (x: number) => number;
  /** Its derivative, on one number. */
  readonly df: (x: number) => number;
  /** Its second derivative, if second derivatives are wanted (`createGraph`, `hessian`). */
  readonly d2f?: (x: number) => number;
}

/** An elementwise op from a number function: a loop over the array for tensors. */
function mapOp(name: string, label: string, f: (x: number) => number, backward: CustomRule): AnyOp {
  return {
    name,
    label,
    arity: 1,
    scalar: (x: number) => f(x),
    array: ([x]) => {
      const src = x!.data;
      const out = alloc(x!.dtype, src.length);
      for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
      return new NDArray(out, x!.shape);
    },
    backward,
    jvp: 'elementwise',
  };
}

/**
 * An elementwise op from plain number functions, for learners: `f` and its derivative `df` (and `d2f`
 * for second derivatives). Its rule is g·f′(x), where f′ is itself an op, so the chain rule works as for
 * any built-in.
 *
 * @example
 * const cube = elementwiseOp({ name: 'cube', f: (x) => x ** 3, df: (x) => 3 * x ** 2, d2f: (x) => 6 * x });
 * const y = cube(new Value(2));   // 8; after y.backward(), the input's grad is 12
 */
export function elementwiseOp(definition: ElementwiseDefinition): CustomOp {
  const { f, df, d2f } = definition;
  const name = checkName(definition.name, 'elementwiseOp');
  for (const [key, fn] of [
    ['f', f],
    ['df', df],
  ] as const) {
    if (typeof fn !== 'function')
      throw new TypeError(`elementwiseOp: '${name}' needs ${key} as a function of one number`);
  }
  const shown = definition.label ?? name;
  // d f″(x)/dx is not known: a third derivative is refused, by name
  const second = mapOp(`${name}″`, `${shown}″`, d2f ?? (() => Number.NaN), () => {
    throw new AutogradError(`${name}″`, `elementwise op '${name}' has no third derivative`);
  });
  // d f′(x)/dx = f″(x), when given
  const derivative = mapOp(`${name}′`, `${shown}′`, df, (B, g, { ins: [x] }) => {
    if (d2f === undefined) {
      throw new AutogradError(
        `${name}′`,
        `elementwise op '${name}' was given no second derivative; pass d2f to differentiate it twice`,
      );
    }
    return [B.mul(g, runOn(second, B, [x!]))];
  });
  // d f(x)/dx = f′(x)
  const op = mapOp(name, shown, f, (B, g, { ins: [x] }) => [B.mul(g, runOn(derivative, B, [x!]))]);
  return callable(op);
}
