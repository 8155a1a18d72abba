/**
 * @file What one W4 release summarises: each array whose summary a released node keeps (data and
 * gradient), and how many repeat an array met earlier in the same release (summarised once since
 * gradients that share an array stay shared until `.grad` is read; before, each got a copy).
 * Counts, not times. Run from the repository root: `npx tsx bench/probes/w4-release-dups.ts`.
 */
const cr = await import('../../src/index.js');
const { topoSort } = await import('../../src/engine/topo.js');

const { opt, loss } = (await import('./w4-model.js')).w4Model();
for (let e = 0; e < 5; e++) {
  opt.zeroGrad();
  const E = loss();
  const order = topoSort([E]) as cr.Tensor[];
  E.backward();
  if (e < 4) {
    opt.step();
    continue;
  }
  type A = { data: Float64Array; shape: readonly number[] };
  const seen: { a: A; what: string }[] = [];
  let elements = 0;
  let dupElements = 0;
  for (const n of order) {
    if (n.op === null) continue; // parameters stay; a constant's stand-in is made once, not per step
    if (n.isReleased) continue;
    const arrays: [string, A | null][] = [
      ['data', n.raw as unknown as A],
      ['grad', n.gradRaw as unknown as A | null],
    ];
    for (const [what, a] of arrays) {
      if (a === null || a.data.length <= 1) continue;
      const same = seen.find(
        (s) =>
          s.a.data.buffer === a.data.buffer &&
          s.a.data.byteOffset === a.data.byteOffset &&
          s.a.data.length === a.data.length,
      );
      elements += a.data.length;
      if (same) dupElements += a.data.length;
      console.log(
        `${String(n.id).padStart(4)} ${(n.op?.name ?? 'leaf').padEnd(16)} ${what} [${a.shape}]${same ? `  = ${same.what}` : ''}`,
      );
      seen.push({ a, what: `${n.id} ${n.op?.name ?? 'leaf'} ${what}` });
    }
  }
  console.log(
    `${elements} elements summarised, ${dupElements} (${((100 * dupElements) / elements).toFixed(1)}%) repeat an array`,
  );
}
