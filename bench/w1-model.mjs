/**
 * @file W1's model, written once for every library: the flat parameter list arranged as layers, and
 * the forward pass to Σ(out − y)². It only calls `mul`, `add`, `sub` and `tanh`, which chainrule's
 * `Value` and TF.js's tensors both have, so the two libraries run the very same graph.
 */

/** Arranges `params` (in `w1ParamList` order) into layers `{ W: rows of weights, B: biases }`. */
export function w1Layers(params, layersData) {
  let k = 0;
  return layersData.map(({ w, b }) => ({
    W: w.map((row) => row.map(() => params[k++])),
    B: b.map(() => params[k++]),
  }));
}

/** Σ over samples of (out − y)², tanh on hidden layers, as scalar nodes of the library at hand. */
export function w1Loss(layers, xs, ys) {
  let loss = null;
  for (let s = 0; s < xs.length; s++) {
    let act = xs[s];
    for (let l = 0; l < layers.length; l++) {
      const { W, B } = layers[l];
      const hidden = l < layers.length - 1;
      act = W.map((row, o) => {
        let sum = row[0].mul(act[0]);
        for (let i = 1; i < row.length; i++) sum = sum.add(row[i].mul(act[i]));
        sum = sum.add(B[o]);
        return hidden ? sum.tanh() : sum;
      });
    }
    const d = act[0].sub(ys[s]);
    const sq = d.mul(d);
    loss = loss === null ? sq : loss.add(sq);
  }
  return loss;
}
