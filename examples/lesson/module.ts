/**
 * @file The lesson's network as a Module: inputs (x1, x2) and the constant 1 through W⁰ (3×2) to two
 * sigmoid units, then (σ(h1), σ(h2), 1) through W¹ (3×1) to ŷ = σ(h). The row of each matrix that
 * multiplies the constant 1 is added as a bias, so the network takes a batch of any size.
 */

import { type DType, Module, type Tensor, tensor } from '../../src/index.js';
import { SAMPLE_W0, SAMPLE_W1 } from './two-layer.js';

export class LessonNetwork extends Module {
  W0: Tensor;
  W1: Tensor;

  constructor({ w0 = SAMPLE_W0, w1 = SAMPLE_W1, dtype = 'float64' as DType } = {}) {
    super();
    this.W0 = tensor(w0, { requiresGrad: true, label: 'W⁰', dtype });
    this.W1 = tensor(w1, { requiresGrad: true, label: 'W¹', dtype });
  }

  /** x: [N, 2] → ŷ: [N, 1]; the same as σ(W¹ · (σ(W⁰ · (x1, x2, 1)), 1)) row by row. */
  forward(x: Tensor): Tensor {
    const hidden = x
      .matmul(this.W0.slice(0, 0, 2))
      .add(this.W0.slice(0, 2, 3))
      .sigmoid();
    return hidden
      .matmul(this.W1.slice(0, 0, 2))
      .add(this.W1.slice(0, 2, 3))
      .sigmoid();
  }
}
