// Lecture 001, computational graphs, Example I: f(x, y, z) = (x + y)·z at x = −2, y = 5, z = −4.
import { tensor } from '../../tensor/creation.js';
import type { ExampleSpec } from './types.js';

export const graphExample: ExampleSpec = {
  name: 'graph',
  title: 'Example I: f(x, y, z) = (x + y)·z at x = −2, y = 5, z = −4',
  source: 'lecture 001, backpropagation with computational graphs',
  format: {},
  build() {
    const leaf = { dtype: 'float64', requiresGrad: true } as const;
    const x = tensor(-2, leaf);
    const y = tensor(5, leaf);
    const z = tensor(-4, leaf);
    const q = x.add(y);
    const f = q.mul(z);
    return { loss: f, explain: { names: { x, y, z, q, f } }, step: null };
  },
  printed: [
    { label: '∂f/∂x', lecture: '-4', at: { grad: 'x' } },
    { label: '∂f/∂y', lecture: '-4', at: { grad: 'y' } },
  ],
  notes: [
    'The add gate distributes: the upstream ∂f/∂q = z = −4 times the local ∂q/∂x = ∂q/∂y = 1 is the downstream ∂f/∂x = ∂f/∂y = −4. ' +
    'The multiply gate switches: ∂f/∂z = q = 3. (q, f and ∂f/∂z are in the lecture\'s figure only.)',
  ],
};
