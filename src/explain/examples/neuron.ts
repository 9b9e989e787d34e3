// Lecture 001, computational graphs, Example II: the sigmoid neuron
// f(w, x) = 1/(1 + e^−(w0·x0 + w1·x1 + w2)), staged gate by gate as in the lecture's figure.
import { tensor } from '../../tensor/creation.js';
import type { ExampleSpec } from './types.js';

export const neuronExample: ExampleSpec = {
  name: 'neuron',
  title: 'Example II: the sigmoid neuron f = 1/(1 + e^−(w0·x0 + w1·x1 + w2)), gate by gate',
  source: 'lecture 001, backpropagation with computational graphs',
  format: { decimals: 2 },
  build() {
    const leaf = { dtype: 'float64', requiresGrad: true } as const;
    const [w0, x0, w1, x1, w2] = [2, -1, -3, -2, -3].map((v) => tensor(v, leaf));
    // The flat code's s0…s3, then the figure's gates: ·(−1), exp, +1, 1/x.
    const s0 = w0.mul(x0);
    const s1 = w1.mul(x1);
    const s2 = s0.add(s1);
    const s3 = s2.add(w2);
    const u = s3.mul(-1);
    const e = u.exp();
    const d = e.add(1);
    const f = tensor(1, { dtype: 'float64' }).div(d);
    return { loss: f, explain: { names: { w0, x0, w1, x1, w2, s0, s1, s2, s3, u, e, d, f } }, step: null };
  },
  printed: [
    { label: '∂f/∂d (the 1/x gate)', lecture: '-0.53', at: { upstream: 'd' } },
  ],
  notes: [
    'The inputs are only in the lecture\'s figure; these are the classic w = (2, −3, −3), x = (−1, −2), which give s3 = 1 and the one number the notes print, −1/d² = −0.53.',
    'The graph is not unique, the gradient is: one sigmoid gate on s3 has the local gradient f(1 − f) = 0.20, the product of the four gates ·(−1), exp, +1 and 1/x here.',
  ],
};
