/** @file Module: something with parameters and a forward pass, registered as `torch.nn.Module` does. */

import { checkOptions, fmt, type OptionNames, ShapeError } from '../errors.js';
import { cast, NDArray, sameShape } from '../kernels/ndarray.js';
import { Tensor } from '../tensor/tensor.js';

/** What `loadStateDict` did not match (both empty after a strict load). */
export interface LoadResult {
  readonly missingKeys: string[];
  readonly unexpectedKeys: string[];
}

/** Options of `loadStateDict`: `model.loadStateDict(dict, { strict: false })`. */
export interface LoadStateDictOptions {
  /** Refuse a dict whose keys differ from the parameters' names (default true). */
  readonly strict?: boolean;
}

const LOAD_STATE_DICT_OPTIONS: OptionNames<LoadStateDictOptions> = { strict: true };

/**
 * A model part with trainable parameters. As in PyTorch, a subclass needs no bookkeeping: its own
 * enumerable properties are registered in declaration order. A leaf `Tensor` that requires a gradient
 * is a parameter (one computed from others, such as a kept activation, is not), a `Module` is a sub-module, and an array of them registers each element under
 * `name.index`. Names are dotted paths (`hidden.weight`, `layers.0.bias`), as in PyTorch.
 *
 * @example
 * class Affine extends Module {
 *   w = randn([3], { requiresGrad: true });
 *   forward(x: Tensor) { return x.mul(this.w); }
 * }
 * new Affine().namedParameters();   // [['w', Tensor]]
 */
export abstract class Module {
  /** True in training mode (the default), false after `eval()`; `Dropout` drops only in training. */
  training = true;

  /** The output for input `x`. */
  abstract forward(x: Tensor): Tensor;

  /**
   * This module's own parameters with their names, not its children's. By default, every own
   * enumerable property that is a leaf tensor requiring a gradient (or an array of them); override to
   * register differently.
   */
  protected namedOwnParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [key, v] of Object.entries(this)) {
      if (isParameter(v)) out.push([key, v]);
      else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          if (isParameter(item)) out.push([`${key}.${i}`, item]);
        });
      }
    }
    return out;
  }

  /**
   * This module's direct sub-modules with their names. By default, every own enumerable property
   * that is a `Module` (or an array of them); override to name them differently (`Sequential` names
   * its layers `0`, `1`, … as PyTorch does).
   */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([key, v]);
      else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          if (item instanceof Module) out.push([`${key}.${i}`, item]);
        });
      }
    }
    return out;
  }

  /**
   * This module (named `''`) and every sub-module below it, depth first in registration order, each
   * once (a module reachable twice keeps its first name), as `torch.nn.Module.named_modules`.
   */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const stack: [string, Module][] = [['', this]];
    while (stack.length > 0) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
      const children = m.namedChildren();
      for (let i = children.length - 1; i >= 0; i--) {
        const [child, c] = children[i]!;
        stack.push([name === '' ? child : `${name}.${child}`, c]);
      }
    }
    return out;
  }

  /**
   * Every parameter of this module and its sub-modules with its dotted name, each tensor once (a
   * shared tensor keeps its first name), as `torch.nn.Module.named_parameters`.
   */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.namedOwnParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix === '' ? name : `${prefix}.${name}`, p]);
      }
    }
    return out;
  }

  /** Every trainable tensor of this module and its sub-modules, each once, for an optimizer. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The number of trainable numbers: the sizes of every parameter added up. */
  get numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode on this module and every sub-module (`eval()` is `train(false)`); returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean')
      throw new TypeError(`train: mode must be true or false (got ${String(mode)})`);
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `Dropout` passes its input through unchanged. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Every parameter by its dotted name, as `torch.nn.Module.state_dict`, ready for `saveSafetensors`.
   * NOTE: the tensors are copies (PyTorch's share storage), so a dict kept as a checkpoint does not
   * change as training goes on.
   *
   * @example
   * const weights = saveSafetensors(model.stateDict());
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, p] of this.namedParameters()) {
      out[name] = new Tensor(new NDArray(p.array.data.slice(), p.shape));
    }
    return out;
  }

  /**
   * Copies `dict[name]` into each parameter, as `torch.nn.Module.load_state_dict`. With `strict` (the
   * default) every parameter must be present and no other key may be; without it, unmatched keys are
   * reported. Shapes must match; values are converted to each parameter's dtype. All or nothing: on any
   * error no parameter changes.
   *
   * @example
   * model.loadStateDict(loadSafetensors(bytes).tensors);
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): LoadResult {
    checkOptions('loadStateDict', options, LOAD_STATE_DICT_OPTIONS);
    const { strict = true } = options;
    if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
      throw new TypeError('loadStateDict: expected an object of tensors by name, as stateDict() returns');
    }
    const params = this.namedParameters();
    const known = new Set(params.map(([name]) => name));
    const missingKeys = params.map(([name]) => name).filter((name) => !Object.hasOwn(dict, name));
    const unexpectedKeys = Object.keys(dict).filter((name) => !known.has(name));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      const parts = [];
      if (missingKeys.length > 0) parts.push(`missing ${missingKeys.join(', ')}`);
      if (unexpectedKeys.length > 0) parts.push(`unexpected ${unexpectedKeys.join(', ')}`);
      throw new TypeError(
        `loadStateDict: keys do not match the model's parameters (${parts.join('; ')}); ` +
          'load a dict saved from the same architecture, or pass { strict: false }',
      );
    }
    const updates: [Tensor, NDArray][] = [];
    for (const [name, p] of params) {
      if (!Object.hasOwn(dict, name)) continue;
      const t = dict[name];
      if (!(t instanceof Tensor)) throw new TypeError(`loadStateDict: '${name}' is not a Tensor`);
      if (!sameShape(t.shape, p.shape)) {
        throw new ShapeError(
          'loadStateDict',
          `'${name}' has shape ${fmt(t.shape)}, the parameter has ${fmt(p.shape)}`,
          'load weights saved from the same architecture',
        );
      }
      const data = t.dtype === p.dtype ? t.array.data.slice() : cast(t.array, p.dtype).data;
      updates.push([p, new NDArray(data, p.shape)]);
    }
    for (const [p, array] of updates) p.assignInPlace(array, 'loadStateDict');
    return { missingKeys, unexpectedKeys };
  }

  /** Forgets every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Calls `forward`: `model.call(x)` reads like PyTorch's `model(x)`. */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }
}

// NOTE: `forward` stays abstract, so TypeScript refuses a subclass without one; this default is what a
// subclass written in JavaScript (or with a misspelt `forward`) runs instead, as PyTorch's Module does.
Object.defineProperty(Module.prototype, 'forward', {
  configurable: true,
  writable: true,
  value: function missingForward(this: Module): never {
    const name = this.constructor.name || 'this Module subclass';
    throw new TypeError(
      `${name}.forward: ${name} extends Module but defines no forward method; define forward(x) { … } in class ${name}, returning the output for input x`,
    );
  },
});

/**
 * A parameter: a leaf tensor that requires a gradient. A tensor computed from others (an activation
 * kept for later) is an attribute, not a parameter, as in PyTorch: an optimizer could not update it.
 */
function isParameter(v: unknown): v is Tensor {
  return v instanceof Tensor && v.requiresGrad && v.isLeaf;
}
