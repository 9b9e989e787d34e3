// The shape of a worked example of the lectures, as data: how to build it with the library, how
// the lecture prints its numbers, and which numbers it prints.
import type { Tensor } from '../../tensor/tensor.js';
import type { ExplainOptions } from '../explain.js';
import type { NumberFormat } from '../format.js';

export type ExampleName = 'graph' | 'neuron' | 'net-2-2-1' | 'net-3-2-2' | 'net-3-3-3-softmax' | 'conv1d';

/** Where a number the lecture prints is found in our results; `index` is a flat element index. */
export type Where =
  | { value: string; index?: number }
  | { upstream: string; index?: number }
  | { local: readonly [node: string, input: string]; index?: number }
  | { grad: string; index?: number }
  | { updated: string; index?: number }
  | { after: string };

/** One number as the lecture prints it. */
export interface Printed {
  /** The quantity in the lecture's notation: 'h_a', '∂E/∂w1', 'w1 (new)'. */
  label: string;
  /** Exactly as printed: '0.5868', '-0.0010', '-3/7'. */
  lecture: string;
  at: Where;
  /** Why the printed number differs from the true one, where it does. */
  note?: string;
}

/** An example built with the library, ready to explain. */
export interface Built {
  loss: Tensor;
  explain: ExplainOptions;
  /** One SGD step as the lecture takes it, and what it then computes again; null if it takes none. */
  step: { params: Tensor[]; lr: number; after: () => Record<string, number> } | null;
}

export interface ExampleSpec {
  name: ExampleName;
  title: string;
  /** Where in the lectures it is. */
  source: string;
  /** How the lecture prints its numbers, for the ledger table. */
  format: NumberFormat;
  build(): Built;
  printed: readonly Printed[];
  /** What the reader should know about the lecture's numbers. */
  notes: readonly string[];
}
