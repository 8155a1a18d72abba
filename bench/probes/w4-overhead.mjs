/**
 * @file How much of a W4 epoch is fixed cost per op: the same 2-3-1 network with 1 sample and with
 * 400. Run after `npm run build`: `node bench/probes/w4-overhead.mjs`.
 */
import { manualSeed, randn, SGD } from '../../dist/index.js';

function run(N, epochs) {
  manualSeed(1);
  const X = randn([N, 2]),
    Y = randn([N, 1]).gt(0),
    oneMinusY = Y.neg().add(1);
  const ps = [randn([2, 3]), randn([3]), randn([3, 1]), randn([1])].map((t) => {
    t.requiresGrad = true;
    return t;
  });
  const opt = new SGD(ps, { lr: 0.5 });
  const [w0, b0, w1, b1] = ps;
  const t0 = performance.now();
  for (let e = 0; e < epochs; e++) {
    opt.zeroGrad();
    const h = X.matmul(w0).add(b0).sigmoid();
    const yhat = h.matmul(w1).add(b1).sigmoid();
    const E = Y.mul(yhat.log())
      .add(oneMinusY.mul(yhat.neg().add(1).log()))
      .mean()
      .neg();
    E.backward();
    opt.step();
  }
  return ((performance.now() - t0) / epochs) * 1000;
}
for (const N of process.argv[2] ? [Number(process.argv[2])] : [1, 400]) {
  run(N, 300);
  console.log(`N=${N}: ${run(N, 1000).toFixed(1)} µs/epoch`);
}
