/**
 * @file The ceiling of an output-buffer pool for W4: how many typed arrays one epoch's forward and
 * backward pass allocate, and how many of them no node holds afterwards (neither as data nor as a
 * stored gradient), the only arrays a pool could take back without knowing whether the user keeps
 * the graph. Counts, not times. Run from the repository root: `npx tsx bench/probes/w4-dead-arrays.ts`.
 */
const cr = await import('../../src/index.js');
const { topoSort } = await import('../../src/engine/topo.js');
const nd = await import('../../src/kernels/ndarray.js');
const { w4Data } = await import('../data.mjs');

type Arr = { data: Float64Array | Float32Array };
const d = w4Data();
const X = cr.tensor(d.x);
const Y = cr.tensor(d.y);
const oneMinusY = cr.tensor(d.y.map(([v]: number[]) => [1 - v!]));
const params = [d.w0, d.b0, d.w1, d.b1].map((v) => cr.tensor(v, { requiresGrad: true }));
const [w0, b0, w1, b1] = params as [cr.Tensor, cr.Tensor, cr.Tensor, cr.Tensor];
const opt = new cr.SGD(params, { lr: d.lr });
for (let e = 0; e < 5; e++) {
  const made: { data: Float64Array | Float32Array; op: string }[] = [];
  if (e === 4) {
    nd.setAllocHook((dtype, n, op) => {
      const a = nd.allocate(dtype, n, op);
      made.push({ data: a, op });
      return a;
    });
  }
  opt.zeroGrad();
  const h = X.matmul(w0).add(b0).sigmoid();
  const yhat = h.matmul(w1).add(b1).sigmoid();
  const E = Y.mul(yhat.log())
    .add(oneMinusY.mul(yhat.neg().add(1).log()))
    .mean()
    .neg();
  const order = topoSort([E]) as cr.Tensor[];
  E.backward();
  nd.setAllocHook(null);
  if (e === 4) {
    const live = new Set<ArrayBufferLike>();
    for (const n of [...order, ...params]) {
      live.add((n.raw as unknown as Arr).data.buffer);
      const g = n.gradRaw as unknown as Arr | null;
      if (g !== null) live.add(g.data.buffer);
    }
    const dead = made.filter((m) => !live.has(m.data.buffer));
    const bytes = (xs: typeof made) => xs.reduce((s, m) => s + m.data.byteLength, 0);
    console.log(
      `one epoch allocates ${made.length} arrays (${bytes(made)} B) in forward + backward; ` +
        `${dead.length} (${bytes(dead)} B) are held by no node afterwards: ${dead.map((m) => `${m.op}[${m.data.length}]`).join(' ')}`,
    );
  }
  opt.step();
}
