/** @file The README's example: a neuron from Values, its gradients, and a tensor version. */
import { tensor, toDot, Value } from '../src/index.js';

const x1 = new Value(2, { label: 'x1' });
const w1 = new Value(-3, { label: 'w1' });
const b = new Value(6.88, { label: 'b' });
const y = x1.mul(w1).add(b).tanh();
y.backward();
console.log(y.data.toFixed(4), w1.grad!.toFixed(4), x1.grad!.toFixed(4)); // 0.7064 1.0019 -1.5029

const W = tensor(
  [
    [1, 2],
    [3, 4],
  ],
  { requiresGrad: true, label: 'W' },
);
const loss = W.matmul(tensor([0.5, -1]))
  .sigmoid()
  .sum();
loss.backward();
console.log(loss.toString());
console.log(W.grad!.toString());
console.log(toDot(y).split('\n').length, 'lines of DOT');
