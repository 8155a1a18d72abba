/** @file Models the viewer and timing checks draw: the lesson network and an MLP of Values. */

import { binaryCrossEntropy, manualSeed, randn, Value } from '../../src/index.js';
import { forward, makeWeights, SAMPLE, SAMPLE_W0, SAMPLE_W1 } from './two-layer.js';

/** The lesson's two-layer network on its sample, after backward. */
export function lessonLoss() {
  const weights = makeWeights(SAMPLE_W0, SAMPLE_W1);
  const { yHat } = forward(weights, SAMPLE.x1, SAMPLE.x2);
  const loss = binaryCrossEntropy(yHat, SAMPLE.y);
  loss.label = 'E';
  loss.backward();
  return { loss, params: [...weights.W0.flat(), ...weights.W1.flat()] };
}

/**
 * A `sizes[0]`-…-1 MLP built from Values (tanh hidden units, sigmoid output, binary cross-entropy) on one
 * sample, after backward; parameters named by layer (`0.w[2,1]`, `1.b[3]`), so drawings cluster them.
 */
export function valueMlp(sizes: readonly number[], seed = 3) {
  manualSeed(seed);
  const names: [string, Value][] = [];
  let h: Value[] = (randn([sizes[0]!]).toArray() as number[]).map(
    (v, i) => new Value(v, { label: `x${i + 1}`, requiresGrad: false }),
  );
  for (let l = 1; l < sizes.length; l++) {
    const w = randn([sizes[l]!, sizes[l - 1]!])
      .mul(1 / Math.sqrt(sizes[l - 1]!))
      .toArray() as number[][];
    const last = l === sizes.length - 1;
    h = w.map((row, j) => {
      const ws = row.map((v) => new Value(v));
      const b = new Value(0.1);
      for (const [i, wi] of ws.entries()) names.push([`${l - 1}.w[${j},${i}]`, wi]);
      names.push([`${l - 1}.b[${j}]`, b]);
      const z = ws.reduce((acc, wi, i) => acc.add(wi.mul(h[i]!)), b);
      return last ? z.sigmoid() : z.tanh();
    });
  }
  const loss = binaryCrossEntropy(h[0]!, 1);
  loss.label = 'E';
  loss.backward();
  return { loss, names, params: names.map(([, v]) => v) };
}
