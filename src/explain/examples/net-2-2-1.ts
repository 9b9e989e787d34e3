// Lecture 001: the 2-2-1 sigmoid network without biases, its six gradients and one SGD step with
// η = 0.7, neuron by neuron (the scalar view), named as the lecture names it.
import { noGrad } from '../../ops/grad-mode.js';
import { data, halfSquaredError, linearWith } from './layers.js';
import type { ExampleSpec, Printed } from './types.js';

// z_a = x1·w1 + x2·w3 and z_b = x1·w2 + x2·w4 (w1, w2 leave x1), z_c = h_a·w5 + h_b·w6. Row j of
// an nn.Linear weight holds the weights into unit j: [[w1, w3], [w2, w4]] and [[w5, w6]].
const [w1, w2, w3, w4, w5, w6] = [0.1, 0.5, 0.4, 0.3, 0.2, 0.6];

const gradients = ['-0.0010', '-0.0030', '-0.0036', '-0.0108', '-0.0533', '-0.0535'];
const updated = ['0.1007', '0.5021', '0.4025', '0.3075', '0.2373', '0.6374'];

const printed: Printed[] = [
  { label: 'z_a', lecture: '0.351', at: { value: 'z_a' } },
  { label: 'h_a', lecture: '0.5868', at: { value: 'h_a' } },
  { label: 'z_b', lecture: '0.361', at: { value: 'z_b' } },
  { label: 'h_b', lecture: '0.5892', at: { value: 'h_b' } },
  { label: 'z_c', lecture: '0.4708', at: { value: 'z_c' } },
  { label: 'y', lecture: '0.6155', at: { value: 'y' } },
  { label: 'E', lecture: '0.0739', at: { value: 'E' } },
  { label: '∂E/∂y', lecture: '-0.3844', at: { upstream: 'y' } },
  { label: '∂y/∂z_c', lecture: '0.2365', at: { local: ['y', 'z_c'] }, note: 'even the slide\'s own 0.6155·(1 − 0.6155) is 0.2366' },
  { label: '∂h_a/∂z_a', lecture: '0.2424', at: { local: ['h_a', 'z_a'] } },
  { label: '∂h_b/∂z_b', lecture: '0.2420', at: { local: ['h_b', 'z_b'] } },
  ...gradients.map((lecture, i): Printed => ({ label: `∂E/∂w${i + 1}`, lecture, at: { grad: `w${i + 1}` } })),
  ...updated.map((lecture, i): Printed => ({ label: `w${i + 1} (new)`, lecture, at: { updated: `w${i + 1}` } })),
];

export const net221Example: ExampleSpec = {
  name: 'net-2-2-1',
  title: 'The 2-2-1 sigmoid network (no biases), E = ½(y_t − y)², one SGD step with η = 0.7',
  source: 'lecture 001, backpropagation, a worked example',
  format: { decimals: 4 },
  build() {
    const hidden = linearWith([[w1, w3], [w2, w4]], null);
    const output = linearWith([[w5, w6]], null);
    const x = data([[0.23, 0.82]]);
    const t = data([[1]]);
    const forward = () => {
      const z = hidden.forward(x);
      const h = z.sigmoid();
      const zc = output.forward(h);
      const y = zc.sigmoid();
      return { z, h, zc, y, E: halfSquaredError(y, t) };
    };
    const { z, h, zc, y, E } = forward();
    return {
      loss: E,
      explain: {
        expand: 'scalar',
        names: { x, y_t: t, W1: hidden.weight, W2: output.weight, z, h, z_c: zc, y, E },
        elementNames: new Map([
          [x, ['x1', 'x2']], [hidden.weight, [['w1', 'w3'], ['w2', 'w4']]], [output.weight, [['w5', 'w6']]],
          [z, ['z_a', 'z_b']], [h, ['h_a', 'h_b']],
        ]),
      },
      step: {
        params: [hidden.weight, output.weight],
        lr: 0.7,
        after: () => noGrad(() => {
          const r = forward();
          return { y: r.y.item(), E: r.E.item() };
        }),
      },
    };
  },
  printed,
  notes: [
    'The slides truncate to four decimals rather than round, and go on with the truncated values, so several printed numbers are one low in the last digit: ' +
    'h_a 0.5868 (true 0.58686), y 0.6155 (0.61561), ∂E/∂w5 −0.0533 (−0.053381) and from it w5 0.2373 (0.237367).',
    'The error after the step is shown only in a figure of the slides.',
  ],
};
