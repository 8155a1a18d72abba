/**
 * @file The lesson's network (2 inputs, 2 sigmoid hidden units, 1 sigmoid output, biases) trained by
 * full-batch gradient descent on the two-blobs data, with its decision boundary drawn before and after
 * training: out/two-blobs-before.svg and out/two-blobs-after.svg.
 *
 * Run: npm run example:two-blobs   (options: --epochs N, --out DIR)
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed } from '../src/index.js';
import { exampleOptions, progress } from './common.js';
import { boundarySvg, lessonModel, score, train, twoBlobs } from './two-blobs/lesson-model.js';

const { epochs, out } = exampleOptions(2000);
manualSeed(7);
const data = twoBlobs();
const model = lessonModel();

function report(when: string, file: string): void {
  const { accuracy, loss } = score(model, data);
  console.log(`${when}: loss ${loss.toFixed(4)}, accuracy ${(100 * accuracy).toFixed(0)}%`);
  const title = `${when[0]!.toUpperCase()}${when.slice(1)}: accuracy ${(100 * accuracy).toFixed(0)}%`;
  writeFileSync(join(out, file), boundarySvg(model, data.rows, title));
  console.log(`wrote ${join(out, file)}`);
}

console.log(`two blobs: ${data.rows.length} points`);
report('before training', 'two-blobs-before.svg');
const bar = progress('gradient descent', epochs);
train(model, data, epochs, (epoch, loss) => {
  if (epoch % 20 === 0 || epoch === epochs) bar.update(epoch, loss);
});
bar.stop();
report(`after ${epochs} epochs`, 'two-blobs-after.svg');
