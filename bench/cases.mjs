/**
 * @file The benchmark cases: which workload, which size, which libraries run it, how many runs, and
 * how closely the libraries' losses must agree. Shared by the orchestrator (run.mjs) and the child
 * processes (worker.mjs) so both sides agree on what a case id means.
 */

export const LIBS = ['chainrule', 'tfjs-cpu', 'tfjs-wasm', 'torch'];
export const PEERS = ['tfjs-cpu', 'tfjs-wasm', 'torch'];
/** Names `--libs` also accepts, for several libraries at once. */
export const LIB_GROUPS = { tfjs: ['tfjs-cpu', 'tfjs-wasm'] };
/** PyTorch runs in float64 (chainrule's default) unless its variant says f32. */
const FLOAT_VARIANTS = { chainrule: ['f64', 'f32'], torch: ['f64', 'f32'] };
/**
 * Training workloads also run compiled (`compile(step)`, captured once and replayed): a chainrule row
 * `<variant> compile` beside each eager one, compared with the peers' row of the same precision.
 */
const COMPILE_VARIANTS = { chainrule: ['f64', 'f64 compile', 'f32', 'f32 compile'], torch: ['f64', 'f32'] };

/**
 * One case = one row group of the table.
 * - `libs`: the libraries that run it (others show "–").
 * - `variants`: per-library row variants (float64 and float32 for chainrule and PyTorch, `compile` for
 *   chainrule's compiled step); default `['']`. A library without the row's variant appears with its
 *   variant of the same precision (`f64` in the `f64 compile` row), else its plain one.
 * - `runs`/`warmup`: per-library overrides of the command-line defaults, for very slow cases.
 * - `rtol`: relative tolerance when comparing losses (and gradient checksums) across libraries;
 *   TF.js computes in float32, chainrule and PyTorch in float64 unless the variant says f32.
 * - `flops`: for GFLOP/s; `steps`: for ms per step (`stepName` names a step); `ops`: for op nodes per
 *   second.
 * - `unsupported`: libraries that cannot run the case, and why (the table shows n/a and the reason).
 * - `memory`: the case measures heap bytes per node (cell = build ms); `growth`: the case measures
 *   heap growth over a long training (cell = growth in %). Neither gets a speed ratio.
 */
/** Checked by bench/probes/tfjs-second-order.mjs. */
const TFJS_NO_SECOND_ORDER =
  'TF.js 4.22 has no second derivative through exp (Hv of exp(x)·exp(x) comes out half, of Σ exp x it ' +
  'throws) and none of tf.logSoftmax or tf.logSumExp (they throw), so no softmax cross-entropy';

export const CASES = [
  {
    id: 'W1',
    workload: 'W1',
    size: 100,
    sizeLabel: '100 samples',
    title: 'scalar MLP 2-16-16-1 tanh, zero-grad + fwd + bwd',
    libs: LIBS,
    rtol: 1e-4,
  },
  ...[10_000, 100_000, 1_000_000].map((n) => ({
    id: `W2:${n}`,
    workload: 'W2',
    size: n,
    sizeLabel: `N=${n.toLocaleString('en-US')}`,
    title: 'scalar chain y = tanh(1.0001·y + 0.1), fwd + bwd',
    // TF.js takes ~10 s a run at 100k and is not run at 1M
    libs: n > 100_000 ? ['chainrule'] : LIBS,
    runs: n >= 100_000 ? { 'tfjs-cpu': 3, 'tfjs-wasm': 3 } : undefined,
    warmup: n >= 100_000 ? { 'tfjs-cpu': 1, 'tfjs-wasm': 1 } : undefined,
    rtol: 1e-4,
    atol: 1e-6, // dy/dx underflows to ~0 over long chains
  })),
  ...[128, 256, 512].map((n) => ({
    id: `W3:${n}`,
    workload: 'W3',
    size: n,
    sizeLabel: `n=${n}`,
    title: '(A @ B).sum(), fwd + bwd to A and B',
    libs: LIBS,
    variants: FLOAT_VARIANTS,
    flops: 3 * 2 * n ** 3,
    rtol: 1e-3,
  })),
  {
    id: 'W4',
    workload: 'W4',
    size: 1000,
    sizeLabel: '1000 epochs',
    title: 'lesson net 2-3-1 sigmoid, BCE, full batch 400, lr 0.5',
    libs: LIBS,
    variants: { chainrule: ['', 'compile'] },
    rtol: 1e-3,
  },
  {
    id: 'W5',
    workload: 'W5',
    size: 50,
    sizeLabel: '50 steps',
    title: 'MLP 784-128-10 relu, softmax CE, batch 64, SGD lr 0.1',
    libs: LIBS,
    variants: COMPILE_VARIANTS,
    steps: 50,
    rtol: 1e-3,
  },
  {
    id: 'W6',
    workload: 'W6',
    size: 10,
    sizeLabel: '10 HVPs',
    title: "Hessian-vector product of W5's loss (grad with createGraph, then grad of g·v)",
    libs: ['chainrule', 'torch'],
    unsupported: Object.fromEntries(['tfjs-cpu', 'tfjs-wasm'].map((l) => [l, TFJS_NO_SECOND_ORDER])),
    variants: FLOAT_VARIANTS,
    steps: 10,
    stepName: 'HVP',
    rtol: 1e-3,
  },
  {
    id: 'W7',
    workload: 'W7',
    size: 10_000,
    sizeLabel: '10,000 epochs',
    title: "W4's training for 10,000 epochs: heap after epoch 10,000 against after epoch 100",
    libs: LIBS,
    growth: true,
    runs: { chainrule: 1, 'tfjs-cpu': 1, 'tfjs-wasm': 1, torch: 1 },
    warmup: { chainrule: 0, 'tfjs-cpu': 0, 'tfjs-wasm': 0, torch: 0 },
    rtol: 1e-3,
  },
  {
    id: 'MEM',
    workload: 'MEM',
    size: 1_000_000,
    sizeLabel: '1M nodes',
    title: 'heap bytes per live scalar node (y = y.add(0.5) chain)',
    libs: ['chainrule'],
    memory: true,
    runs: { chainrule: 3 },
    warmup: { chainrule: 1 },
  },
];

export function findCase(id) {
  const c = CASES.find((k) => k.id === id);
  if (!c) throw new Error(`unknown case ${id}`);
  return c;
}
