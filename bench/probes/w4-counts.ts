/**
 * @file What one W4 epoch allocates, counted rather than timed: kernel calls (op by op, in the
 * forward, the backward pass and the optimizer step), typed arrays, and graph nodes. Counts do not
 * move with the machine's load, so they say what a change saves before anyone measures it.
 * Run from the repository root: `npx tsx bench/probes/w4-counts.ts` (imports src/, no build needed).
 */

// Count every typed array made from here on (data, and the Int32Array offsets broadcasting builds): the kernels reach the constructors through the globals.
const made = { float64: 0, float32: 0, small: 0, int32: 0 };
class CountingFloat64Array extends Float64Array {
  // biome-ignore lint/suspicious/noExplicitAny: forwards whatever a Float64Array constructor takes
  constructor(...args: any[]) {
    super(...(args as [number]));
    made.float64++;
    if (this.length <= 1) made.small++;
  }
}
class CountingFloat32Array extends Float32Array {
  // biome-ignore lint/suspicious/noExplicitAny: forwards whatever a Float32Array constructor takes
  constructor(...args: any[]) {
    super(...(args as [number]));
    made.float32++;
    if (this.length <= 1) made.small++;
  }
}
class CountingInt32Array extends Int32Array {
  // biome-ignore lint/suspicious/noExplicitAny: forwards whatever an Int32Array constructor takes
  constructor(...args: any[]) {
    super(...(args as [number]));
    made.int32++;
  }
}
globalThis.Float64Array = CountingFloat64Array as Float64ArrayConstructor;
globalThis.Float32Array = CountingFloat32Array as Float32ArrayConstructor;
globalThis.Int32Array = CountingInt32Array as Int32ArrayConstructor;

const cr = await import('../../src/index.js');
const { OPS } = await import('../../src/ops/table.js');

// Count each op's array forward, whoever calls it: a Tensor method, a rule on the array backend, the
// optimizer; and the array backend's subtraction when it is a kernel of its own rather than ops.
const { arrayBackend } = await import('../../src/ops/backends.js');
type Phase = 'forward' | 'backward' | 'step';
let phase: Phase = 'forward';
let opCalls = 0;
const calls: Record<Phase, Map<string, number>> = {
  forward: new Map(),
  backward: new Map(),
  step: new Map(),
};
const record = (name: string) => {
  opCalls++;
  calls[phase].set(name, (calls[phase].get(name) ?? 0) + 1);
};
for (const op of Object.values(OPS) as { name: string; array?: (...a: unknown[]) => unknown }[]) {
  const array = op.array;
  if (!array) continue;
  op.array = (...args: unknown[]) => {
    record(op.name);
    return array(...args);
  };
}
const sub = arrayBackend.sub;
arrayBackend.sub = (x, y) => {
  const before = opCalls;
  const out = sub(x, y);
  if (opCalls === before) record('sub');
  return out;
};

const w4 = (await import('./w4-model.js')).w4Model();
const { opt } = w4;

/** One epoch, as bench/libs/chainrule.mjs runs W4, with the phase recorded. */
function epoch(): number {
  phase = 'forward';
  opt.zeroGrad();
  const E = w4.loss();
  phase = 'backward';
  E.backward();
  phase = 'step';
  opt.step();
  return E.item();
}

for (let e = 0; e < 3; e++) epoch(); // past any first-call setup
for (const m of Object.values(calls)) m.clear();
const nodesBefore = cr.tensor(0).id;
made.float64 = made.float32 = made.small = made.int32 = 0;
const EPOCHS = 10;
const per = (n: number) => n / EPOCHS;
let loss = 0;
for (let e = 0; e < EPOCHS; e++) loss = epoch();
const arrays = per(made.float64 + made.float32);
const small = per(made.small);
const offsets = per(made.int32);
const nodes = (cr.tensor(0).id - nodesBefore - 1) / EPOCHS;

let total = 0;
for (const p of ['forward', 'backward', 'step'] as Phase[]) {
  const list = [...calls[p]].map(([k, n]) => `${k}×${per(n)}`).join(' ');
  const sum = per([...calls[p].values()].reduce((a, b) => a + b, 0));
  total += sum;
  console.log(`${p.padEnd(8)} ${String(sum).padStart(3)} kernel calls: ${list}`);
}
console.log(
  `per epoch: ${total} kernel calls, ${arrays} typed arrays (${small} of 0 or 1 element) + ${offsets} Int32Array index arrays, ${nodes} tensor nodes (loss ${loss})`,
);
