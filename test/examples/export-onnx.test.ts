/** @file examples/export-onnx.ts: train, save, reload, export, and onnxruntime gives chainrule's numbers. */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { trainSaveExportRun } from '../../examples/export-onnx.js';

test('the trained lesson network reloads exactly and runs in onnxruntime to 1e-6', async () => {
  const r = await trainSaveExportRun(mkdtempSync(join(tmpdir(), 'chainrule-onnx-')), 20);
  expect(r.accuracy).toBeGreaterThan(0.85);
  expect(r.reloadDiff).toBe(0);
  expect(r.maxDiff).toBeLessThanOrEqual(1e-6);
});
