// The lectures' worked examples, in the lectures' order.
import { conv1dExample } from './conv1d.js';
import { graphExample } from './graph.js';
import { net221Example } from './net-2-2-1.js';
import { net322Example } from './net-3-2-2.js';
import { netSoftmaxExample } from './net-softmax.js';
import { neuronExample } from './neuron.js';
import type { ExampleSpec } from './types.js';

export const EXAMPLES: readonly ExampleSpec[] = [graphExample, neuronExample, net221Example, net322Example, netSoftmaxExample, conv1dExample];
