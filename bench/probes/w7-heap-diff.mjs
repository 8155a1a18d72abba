/**
 * @file What grew in W7: trains W4's network in one library, takes a V8 heap snapshot after epoch 100
 * and after epoch 10,000, and lists the object kinds whose bytes grew most. Compiled code, bytecode and
 * feedback (snapshot type `code`) grow while V8 optimizes and then level off; anything else growing
 * is data the library keeps.
 *
 *   npm run build && node --expose-gc bench/probes/w7-heap-diff.mjs [chainrule|tfjs-cpu|tfjs-wasm]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';

const libName = process.argv[2] ?? 'chainrule';
const lib =
  libName === 'chainrule' ? await import('../libs/chainrule.mjs') : await import('../libs/tfjs.mjs');
await lib.init({ backend: libName.replace('tfjs-', '') });
const w = await lib.setup({ workload: 'W7' }, '');

/** Bytes and counts per `type:constructor name` in a snapshot file. */
function summarize(file) {
  const s = JSON.parse(fs.readFileSync(file, 'utf8'));
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + iType]];
    const key = type === 'object' || type === 'closure' ? `${type}:${s.strings[s.nodes[i + iName]]}` : type;
    const agg = out.get(key) ?? { count: 0, bytes: 0 };
    agg.count++;
    agg.bytes += s.nodes[i + iSize];
    out.set(key, agg);
  }
  return out;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w7-heap-'));
const files = [];
w.reset();
let epoch = 0;
for (const at of [100, 10_000]) {
  w.train(at - epoch);
  epoch = at;
  globalThis.gc?.();
  files.push(v8.writeHeapSnapshot(path.join(dir, `${at}.heapsnapshot`)));
}
// summarized only now, so that the first summary is not in the second snapshot
const [a, b] = files.map(summarize);
fs.rmSync(dir, { recursive: true, force: true });
const rows = [...b]
  .map(([key, { count, bytes }]) => ({
    key,
    count: count - (a.get(key)?.count ?? 0),
    bytes: bytes - (a.get(key)?.bytes ?? 0),
  }))
  .filter((r) => r.bytes !== 0)
  .sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes))
  .slice(0, 15);
console.log(`${libName}: heap snapshot after epoch 10,000 minus after epoch 100`);
for (const r of rows)
  console.log(`${String(r.bytes).padStart(10)} B  ${String(r.count).padStart(7)}  ${r.key}`);
