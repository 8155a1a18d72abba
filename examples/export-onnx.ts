/**
 * @file Train → save → export → run elsewhere: the lesson's network trained on the two-blobs data,
 * its weights saved as safetensors (PyTorch loads them), the model exported to ONNX and run by
 * onnxruntime, which gives chainrule's numbers. Run: npx tsx examples/export-onnx.ts
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import {
  binaryCrossEntropy,
  DataLoader,
  exportOnnx,
  loadSafetensors,
  manualSeed,
  noGrad,
  readCsv,
  SGD,
  saveSafetensors,
} from '../src/index.js';
import { LessonNetwork } from './lesson/module.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Trains, saves, reloads, exports and runs in onnxruntime; returns what the test checks. */
export async function trainSaveExportRun(outDir = join(here, '..', 'out'), epochs = 60) {
  // ─── Data: a numeric CSV of rows (x1, x2, y), batched and shuffled with a seed ───────────────
  const { data } = readCsv(readFileSync(join(here, 'data', 'two-blobs.csv'), 'utf8'), { dtype: 'float32' });
  const [n] = data.shape as [number, number];
  const X = data.slice(1, 0, 2);
  const y = data.slice(1, 2, 3);
  manualSeed(0);
  const loader = new DataLoader([X, y], { batchSize: 16, shuffle: true, seed: 0 });

  // ─── Train ──────────────────────────────────────────────────────────────────────────────────
  const model = new LessonNetwork({ dtype: 'float32' });
  const opt = new SGD(model.parameters(), { lr: 1, momentum: 0.9 });
  const accuracy = () => noGrad(() => model.forward(X).ge(0.5).eq(y).mean().item());
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [xb, yb] of loader) {
      opt.zeroGrad();
      binaryCrossEntropy(model.forward(xb!), yb!).backward();
      opt.step();
    }
  }

  // ─── Save and reload the weights (safetensors: the file PyTorch's safetensors loads) ────────
  mkdirSync(outDir, { recursive: true });
  const weights = join(outDir, 'lesson-network.safetensors');
  writeFileSync(weights, saveSafetensors(model.stateDict(), { metadata: { epochs: String(epochs) } }));
  const reloaded = new LessonNetwork({ dtype: 'float32' });
  reloaded.loadStateDict(loadSafetensors(readFileSync(weights)).tensors);

  // ─── Export to ONNX, with any batch size, and run it in onnxruntime ─────────────────────────
  const onnxFile = join(outDir, 'lesson-network.onnx');
  writeFileSync(onnxFile, await exportOnnx(model, [X.slice(0, 0, 4)], { dynamicBatch: true }));
  const session = await ort.InferenceSession.create(onnxFile);
  const { output } = await session.run({
    input: new ort.Tensor('float32', Float32Array.from(X.array.data), [n, 2]),
  });
  const ours = noGrad(() => model.forward(X)).array.data;
  const theirs = output!.data as Float32Array;
  const maxDiff = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!)));
  const reloadDiff = Math.max(
    ...noGrad(() => reloaded.forward(X)).array.data.map((v, i) => Math.abs(v - ours[i]!)),
  );
  return { accuracy: accuracy(), maxDiff, reloadDiff, rows: n, weights, onnxFile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await trainSaveExportRun();
  console.log(`trained on ${r.rows} rows: training accuracy ${(r.accuracy * 100).toFixed(1)}%`);
  console.log(`weights saved to ${r.weights}; reloaded model differs by ${r.reloadDiff.toExponential(2)}`);
  console.log(`ONNX model written to ${r.onnxFile}`);
  console.log(
    `onnxruntime vs chainrule, all ${r.rows} rows: largest difference ${r.maxDiff.toExponential(2)}`,
  );
}
