/**
 * @file Why W6 (a Hessian-vector product) has no TF.js column: TF.js 4.22 cannot take second
 * derivatives through `exp`, so any softmax cross-entropy is out of reach. Each line compares TF.js's
 * Hessian-vector product (tf.grad of g·v) with central differences of its own gradient.
 * Run after `npm ci --prefix bench`: `node bench/probes/tfjs-second-order.mjs`.
 */
import * as tf from '@tensorflow/tfjs';

await tf.setBackend('cpu');
const x0 = tf.tensor1d([0.3, -0.2, 0.5]);
const v = tf.tensor1d([1, 0, 0]);
const cases = {
  'x·x (control)': (x) => x.mul(x).sum(),
  'exp(x)·exp(x)': (x) => x.exp().mul(x.exp()).sum(),
  'log Σ exp x': (x) => x.exp().sum().log(),
  'Σ exp x': (x) => x.exp().sum(),
  'Σ logSoftmax(x)·y': (x) => tf.logSoftmax(x).mul(v).sum(),
  'Σ (x − logSumExp x)·y': (x) =>
    x
      .sub(tf.logSumExp(x, -1, true))
      .mul(v)
      .sum(),
};
const fmt = (a) => `[${a.map((z) => z.toFixed(4)).join(', ')}]`;
for (const [name, f] of Object.entries(cases)) {
  const eps = 1e-2;
  const gp = tf
    .grad(f)(x0.add(v.mul(eps)))
    .arraySync();
  const gm = tf
    .grad(f)(x0.sub(v.mul(eps)))
    .arraySync();
  const fd = gp.map((p, i) => (p - gm[i]) / (2 * eps));
  let hv;
  try {
    hv = fmt(
      tf
        .grad((x) => tf.grad(f)(x).mul(v).sum())(x0)
        .arraySync(),
    );
  } catch (e) {
    hv = `throws: ${String(e.message).split('\n')[0].slice(0, 70)}`;
  }
  console.log(`${name.padEnd(24)} Hv ${hv}   central differences ${fmt(fd)}`);
}
