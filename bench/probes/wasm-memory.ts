/**
 * @file The WebAssembly memory one large product grows, and whether it is given back when idle.
 * Run: `node --expose-gc --import tsx bench/probes/wasm-memory.ts`.
 */
import { randn } from '../../src/index.js';
import { wasmGemmMemoryBytes } from '../../src/kernels/wasm/gemm-wasm.js';

const gc = (globalThis as { gc?: () => void }).gc!;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const report = (when: string) => {
  gc();
  console.log(`${when}: RSS ${mib(process.memoryUsage().rss)}, wasm memory ${mib(wasmGemmMemoryBytes())}`);
};

report('start');
let a = randn([512, 4096]);
let b = randn([4096, 4096]);
let c = a.matmul(b);
report('after [512, 4096] @ [4096, 4096] (operands and result alive)');
a = b = c = randn([1]);
report('operands dropped');
await new Promise((resolve) => setTimeout(resolve, 1500));
report('after 1.5 s idle');
