/**
 * @file The ceiling of an output-buffer pool for W4: how many typed arrays one epoch's forward and
 * backward pass allocate, and how many of them no node holds afterwards (neither as data nor as a
 * stored gradient), the only arrays a pool could take back without knowing whether the user keeps
 * the graph. Counts, not times. Run from the repository root: `npx tsx bench/probes/w4-dead-arrays.ts`.
 */
const cr = await import('../../src/index.js');
const { topoSort } = await import('../../src/engine/topo.js');
const nd = await import('../../src/kernels/ndarray.js');

type Arr = { data: Float64Array | Float32Array };
const { params, opt, loss } = (await import('./w4-model.js')).w4Model();
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
  const E = loss();
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
