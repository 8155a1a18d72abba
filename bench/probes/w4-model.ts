/**
 * @file W4's model for the probes, built once: the lesson's 2-3-1 sigmoid network on W4's data with
 * its binary cross-entropy written out op by op and plain SGD, as bench/libs/chainrule.mjs runs it.
 * Import it after anything a probe must install first (the counting typed arrays of w4-counts.ts).
 */
import * as cr from '../../src/index.js';
import { w4Data } from '../data.mjs';

/** The parameters [w0, b0, w1, b1], their optimizer, and the loss E of the current parameters. */
export function w4Model() {
  const d = w4Data();
  const X = cr.tensor(d.x);
  const Y = cr.tensor(d.y);
  const oneMinusY = cr.tensor(d.y.map(([v]: number[]) => [1 - v!]));
  const params = [d.w0, d.b0, d.w1, d.b1].map((v) => cr.tensor(v, { requiresGrad: true }));
  const [w0, b0, w1, b1] = params as [cr.Tensor, cr.Tensor, cr.Tensor, cr.Tensor];
  const opt = new cr.SGD(params, { lr: d.lr });
  const loss = (): cr.Tensor => {
    const h = X.matmul(w0).add(b0).sigmoid();
    const yhat = h.matmul(w1).add(b1).sigmoid();
    return Y.mul(yhat.log())
      .add(oneMinusY.mul(yhat.neg().add(1).log()))
      .mean()
      .neg();
  };
  return { params, opt, loss };
}
