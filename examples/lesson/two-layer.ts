/**
 * @file The lesson's two-layer network built from scalar `Value`s, laid out as the lesson lays it
 * out: inputs (x1, x2, 1) → W⁰ (3×2) → σ → (σ(h1), σ(h2), 1) → W¹ (3×1) → σ → ŷ.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from '../../src/index.js';

/** W0[i][j]: input i (x1, x2, bias) to hidden unit j; W1[j][0]: hidden j (σ(h1), σ(h2), bias) to the output. */
export interface Weights {
  readonly W0: Value[][];
  readonly W1: Value[][];
}

/** Weights as `Value`s labelled the lesson's way (`W0[1][1]` is W⁰₁₁). */
export function makeWeights(w0: readonly number[][], w1: readonly number[][]): Weights {
  return {
    W0: w0.map((row, i) => row.map((w, j) => new Value(w, { label: `W0[${i + 1}][${j + 1}]` }))),
    W1: w1.map((row, i) => row.map((w, j) => new Value(w, { label: `W1[${i + 1}][${j + 1}]` }))),
  };
}

/** Σᵢ wᵢ·xᵢ, starting from the first product so the drawing has no extra zero. */
function weightedSum(ws: readonly Value[], xs: readonly (Value | number)[]): Value {
  return ws.slice(1).reduce((acc, w, i) => acc.add(w.mul(xs[i + 1]!)), ws[0]!.mul(xs[0]!));
}

/** ŷ = σ(W¹ · (σ(W⁰ · (x1, x2, 1)), 1)), keeping h1, h2, their activations and h for the chain-rule check. */
export function forward({ W0, W1 }: Weights, x1: number, x2: number) {
  const inputs = [
    new Value(x1, { label: 'x1', requiresGrad: false }),
    new Value(x2, { label: 'x2', requiresGrad: false }),
    1,
  ];
  const hidden = [0, 1].map((j) =>
    weightedSum(
      W0.map((row) => row[j]!),
      inputs,
    ),
  );
  hidden.forEach((h, j) => {
    h.label = `h${j + 1}`;
  });
  const activations = hidden.map((h) => h.sigmoid());
  const h = weightedSum(
    W1.map((row) => row[0]!),
    [...activations, 1],
  );
  h.label = 'h';
  const yHat = h.sigmoid();
  yHat.label = 'ŷ';
  return { hidden, activations, h, yHat };
}

/** The two-blobs data: rows of (x1, x2, y). */
export function loadTwoBlobs(): [number, number, number][] {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'two-blobs.csv');
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number) as [number, number, number]);
}

/** The sample and weights the lesson-network demo and the golden tests use. */
export const SAMPLE = { x1: 0.4, x2: 0.6, y: 1 } as const;
export const SAMPLE_W0 = [
  [0.5, -0.3],
  [0.2, 0.8],
  [-0.1, 0.1],
];
export const SAMPLE_W1 = [[0.7], [-0.4], [0.3]];
