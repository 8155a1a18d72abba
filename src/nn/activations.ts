/** @file Modules without parameters: the activations and Dropout, for Sequential and MLP. */

import { checkDType } from '../kernels/ndarray.js';
import { rand } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor (got ${typeof x})`);
}

/** tanh as a module, as `torch.nn.Tanh`. @example new Sequential(new Linear(2, 4), new Tanh()) */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    checkTensor('Tanh', x);
    return x.tanh();
  }
}

/** σ as a module, as `torch.nn.Sigmoid`. @example new Sequential(new Linear(2, 1), new Sigmoid()) */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    checkTensor('Sigmoid', x);
    return x.sigmoid();
  }
}

/** max(x, 0) as a module, as `torch.nn.ReLU`. @example new Sequential(new Linear(2, 4), new ReLU()) */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    checkTensor('ReLU', x);
    return x.relu();
  }
}

/**
 * In training mode, zeroes each element with probability `p` and scales the rest by 1/(1 − p), so the
 * expected output equals the input; after `eval()` it passes the input through, as `torch.nn.Dropout`.
 * The mask comes from the generator `manualSeed` sets.
 *
 * @example
 * const drop = new Dropout(0.5);
 * drop.forward(ones([4]));          // e.g. [2, 0, 2, 2]
 * drop.eval().forward(ones([4]));   // [1, 1, 1, 1]
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Dropout: p must be a probability in [0, 1] (got ${String(p)})`);
    }
  }

  forward(x: Tensor): Tensor {
    checkTensor('Dropout', x);
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return x.mul(0);
    const keep = rand(x.shape, { dtype: checkDType(x.dtype, 'Dropout') }).ge(this.p);
    return x.mul(keep.div(1 - this.p));
  }
}
