/**
 * @file Compiles src/kernels/wasm/gemm.wat with wabt and writes its bytes as base64 into
 * gemm-wasm.generated.ts. With `--check` it writes nothing and exits 1 if that file is stale.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'src/kernels/wasm');
const source = join(dir, 'gemm.wat');
const target = join(dir, 'gemm-wasm.generated.ts');

// NOTE: baseline SIMD only. relaxed_simd would give an FMA, but Node 20 needs a flag for it.
const features = { simd: true, relaxed_simd: false, threads: false };

const wabt = await wabtInit();
const module = wabt.parseWat(relative(root, source), readFileSync(source, 'utf8'), features);
module.validate();
const { buffer } = module.toBinary({ log: false, write_debug_names: false });
module.destroy();

// Fail here, not at a user's import, if this Node cannot compile what we just built.
new WebAssembly.Module(buffer);

const base64 = Buffer.from(buffer).toString('base64');
const lines = base64.match(/.{1,100}/g) ?? [];
const text = `/**
 * @file GENERATED, do not edit. The WebAssembly module compiled from gemm.wat (${buffer.length} bytes).
 * Regenerate with \`npm run build:wasm\` (node scripts/build-wasm.mjs: wabt, features simd).
 */

/** The gemm module's bytes, base64-encoded. */
export const GEMM_WASM_BASE64 =
${lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ';' : ' +'}`).join('\n')}
`;
if (process.argv.includes('--check')) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (current !== text) {
    console.error(`build-wasm: ${relative(root, target)} is stale; run npm run build:wasm`);
    process.exit(1);
  }
  console.log(`build-wasm: ${relative(root, target)} is up to date`);
  process.exit(0);
}
writeFileSync(target, text);
console.log(`build-wasm: ${relative(root, source)} -> ${relative(root, target)} (${buffer.length} bytes)`);
