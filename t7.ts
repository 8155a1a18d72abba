import { writeFileSync } from 'node:fs';
import { forward, makeWeights, SAMPLE, SAMPLE_W0, SAMPLE_W1 } from './examples/lesson/two-layer.js';
import { binaryCrossEntropy, toHtml } from './src/index.js';

const w = makeWeights(SAMPLE_W0, SAMPLE_W1);
const { yHat } = forward(w, SAMPLE.x1, SAMPLE.x2);
const E = binaryCrossEntropy(yHat, SAMPLE.y);
E.label = 'E';
E.backward();
const t = Date.now();
const html = await toHtml(E);
console.log('html', Date.now() - t, html.length);
writeFileSync('/tmp/v/lesson.html', html);
