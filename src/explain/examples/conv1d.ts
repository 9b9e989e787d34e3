// Lecture 002, "CNN": the 1-D convolution X = [1 0 1 0 1 0 1 0], K = [1 −1], a = X ⋆ K,
// h = ReLU(a), ŷ = mean(h), L = ½(ŷ − y)² with y = 1: the backward pass of a convolution is a
// convolution, ∂L/∂K = X ⋆ ∂L/∂a.
import { conv1d } from '../../ops/conv.js';
import { tensor } from '../../tensor/creation.js';
import type { ExampleSpec, Printed } from './types.js';

const A = ['1', '-1', '1', '-1', '1', '-1', '1'];
const H = ['1', '0', '1', '0', '1', '0', '1'];
const DA = ['-3/49', '0', '-3/49', '0', '-3/49', '0', '-3/49'];

const printed: Printed[] = [
  ...A.map((lecture, index): Printed => ({ label: `a[${index + 1}]`, lecture, at: { value: 'a', index } })),
  ...H.map((lecture, index): Printed => ({ label: `h[${index + 1}]`, lecture, at: { value: 'h', index } })),
  { label: 'ŷ', lecture: '4/7', at: { value: 'ŷ' } },
  { label: 'L', lecture: '0.09', at: { value: 'L' } },
  { label: '∂L/∂ŷ', lecture: '-3/7', at: { upstream: 'ŷ' } },
  ...DA.map((lecture, index): Printed => ({ label: `∂L/∂a[${index + 1}]`, lecture, at: { upstream: 'a', index } })),
  {
    label: '∂L/∂K[1]', lecture: '-3/7', at: { grad: 'K', index: 0 },
    note: 'only the four windows where the ReLU is on contribute X·(−3/49): 4·(−3/49) = −12/49; the slide\'s −3/7 = 7·(−3/49) counts all seven',
  },
  { label: '∂L/∂K[2]', lecture: '0', at: { grad: 'K', index: 1 } },
];

export const conv1dExample: ExampleSpec = {
  name: 'conv1d',
  title: 'The 1-D convolution: X = [1 0 1 0 1 0 1 0], K = [1 −1], ReLU, mean, L = ½(ŷ − y)², y = 1',
  source: 'lecture 002, CNN: the backward pass of a convolution',
  format: { fractions: true, digits: 4 },
  build() {
    const X = tensor([[[1, 0, 1, 0, 1, 0, 1, 0]]], { dtype: 'float64' });
    const K = tensor([[[1, -1]]], { dtype: 'float64', requiresGrad: true });
    const y = tensor(1, { dtype: 'float64' });
    const a = conv1d(X, K);
    const h = a.relu();
    const yHat = h.mean();
    const L = yHat.sub(y).square().mul(0.5);
    return { loss: L, explain: { names: { X, K, y, a, h, 'ŷ': yHat, L } }, step: null };
  },
  printed,
  notes: [
    '∂L/∂K is the correlation of the input with the output gradient, ∂L/∂K_j = Σᵢ X_{i+j}·∂L/∂aᵢ: the lecture\'s "the backward pass of a convolution is a convolution".',
  ],
};
