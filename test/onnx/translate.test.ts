/** @file Every op of the table has an ONNX translation, except selectMask (only in gradients of max/min). */

import { expect, test } from 'vitest';
import { TRANSLATIONS } from '../../src/onnx/translate.js';
import { OPS } from '../../src/ops/table.js';

/** Ops that rules use to build gradients; a forward pass never records them, and exporting one is a named error. */
const GRADIENT_ONLY = ['selectMask'];

test('a new op fails here until translate.ts says how ONNX computes it (or it is listed below)', () => {
  const missing = Object.keys(OPS).filter((name) => !(name in TRANSLATIONS) && !GRADIENT_ONLY.includes(name));
  expect(missing).toEqual([]);
  expect(Object.keys(TRANSLATIONS).filter((name) => !(name in OPS))).toEqual([]);
});
