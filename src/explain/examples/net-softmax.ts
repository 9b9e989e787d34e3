// Lecture 002: the 3-layer network with 3×3 weights, sigmoid hidden layers, a softmax output and
// the cross-entropy L = −ln ŷ_l of the true class l = 3, in matrix form (the tensor view).
import { softmax } from '../../ops/reduce.js';
import { data, linearWith } from './layers.js';
import type { ExampleSpec, Printed } from './types.js';

// a_i = W_i·h_{i−1}, row j of W_i = the weights into node j (nn.Linear's layout); no biases.
const W1 = [[1, 0, 0], [1, 1, 1], [0, 1, 1]];
const W2 = [[1, 1, 1], [1, 1, 1], [0, 0, 1]];
const W3 = [[1, 0, 0], [1, 0, 0], [1, 1, 1]];
const LABEL = 2;

/** Three printed elements of a vector, labelled 1-based as the lecture writes them. */
function vector(label: string, lecture: readonly string[], at: (index: number) => Printed['at']): Printed[] {
  return lecture.map((p, i) => ({ label: `${label}[${i + 1}]`, lecture: p, at: at(i) }));
}

const printed: Printed[] = [
  ...vector('a1', ['1', '2', '1'], (index) => ({ value: 'a1', index })),
  ...vector('h1', ['0.73', '0.88', '0.73'], (index) => ({ value: 'h1', index })),
  ...vector('a2', ['2.34', '2.34', '0.73'], (index) => ({ value: 'a2', index })),
  ...vector('h2', ['0.91', '0.91', '0.67'], (index) => ({ value: 'h2', index })),
  ...vector('a3', ['0.91', '0.91', '2.49'], (index) => ({ value: 'a3', index })),
  ...vector('ŷ', ['0.15', '0.15', '0.70'], (index) => ({ value: 'ŷ', index })),
  { label: 'L', lecture: '0.35', at: { value: 'L' }, note: 'the slide writes −ln 0.7 = 0.35; −ln 0.7 is 0.357, and with the true ŷ₃ = 0.70977 the loss is 0.34282' },
  ...vector('∂L/∂a3', ['0.15', '0.15', '-0.3'], (index) => ({ upstream: 'a3', index })),
  { label: '∂L/∂W3_11', lecture: '0.13', at: { grad: 'W3', index: 0 } },
  ...vector('∂L/∂h2', ['0', '-0.3', '-0.3'], (index) => ({ upstream: 'h2', index })),
  ...vector('σ\'(a2)', ['0.08', '0.08', '0.21'], (index) => ({ local: ['h2', 'a2'], index })),
  ...vector('∂L/∂a2', ['0', '-0.024', '-0.063'], (index) => ({ upstream: 'a2', index })),
  ...vector('∂L/∂h1', ['-0.024', '-0.024', '-0.087'], (index) => ({ upstream: 'h1', index })),
  ...vector('σ\'(a1)', ['0.2', '0.1', '0.2'], (index) => ({ local: ['h1', 'a1'], index })),
  ...vector('∂L/∂a1', ['-0.0048', '-0.002', '-0.0174'], (index) => ({ upstream: 'a1', index })),
  { label: '∂L/∂W1_23', lecture: '-0.002', at: { grad: 'W1', index: 5 }, note: 'the slide\'s own −0.024 × 0.1 is −0.0024; the true value is −0.0024363' },
];

export const netSoftmaxExample: ExampleSpec = {
  name: 'net-3-3-3-softmax',
  title: 'The 3-layer network (3×3 weights, sigmoid, softmax) with L = −ln ŷ₃ at x = (1, 0, 1)',
  source: 'lecture 002, the ANN in matrix form',
  format: { digits: 3 },
  build() {
    const layers = [W1, W2, W3].map((w) => linearWith(w, null));
    const x = data([[1, 0, 1]]);
    const a1 = layers[0].forward(x);
    const h1 = a1.sigmoid();
    const a2 = layers[1].forward(h1);
    const h2 = a2.sigmoid();
    const a3 = layers[2].forward(h2);
    const yHat = softmax(a3, 1);
    const picked = yHat.slice(1, LABEL, LABEL + 1);
    const logPicked = picked.log();
    const L = logPicked.neg();
    return {
      loss: L,
      explain: {
        names: {
          x, W1: layers[0].weight, W2: layers[1].weight, W3: layers[2].weight,
          a1, h1, a2, h2, a3, 'ŷ': yHat, 'ŷ₃': picked, 'ln ŷ₃': logPicked, L,
        },
      },
      step: null,
    };
  },
  printed,
  notes: [
    'The slides round to two decimals and compute on with the rounded values, so their later numbers drift: h2[3] 0.67 (true 0.675), a3[3] 2.49 (2.4998), ŷ₃ 0.70 (0.7098); ' +
    'and ∂L/∂a1 = ∂L/∂h1 ⊙ σ\'(a1) is taken with σ\'(a1) rounded to one decimal (0.2 for 0.1966), hence −0.0048 and −0.0174 (true −0.00456 and −0.01708).',
    'Through the softmax the gradient at a3 is ŷ − e₃ (the upstream ∂L/∂ŷ₃ = −1/ŷ₃ times the softmax Jacobian); its first entry at h2 is exactly 0 since Σŷ = 1 (float64 may leave ~1e−17).',
  ],
};
