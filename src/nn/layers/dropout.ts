import type { Generator } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { dropout } from '../functional.js';
import { Module } from '../module.js';

export interface DropoutModuleOptions {
  /** Where the masks come from (default: the seeded default generator). */
  generator?: Generator;
}

/**
 * Inverted dropout: while training, zeroes each element with probability p and scales the rest
 * by 1/(1 − p); in eval mode it is the identity. Masks come from the seeded generator, so
 * manualSeed makes them repeat.
 */
export class Dropout extends Module {
  readonly p: number;
  readonly #generator: Generator | undefined;

  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`Dropout: probability p must be in [0, 1], got ${String(p)}`);
    this.p = p;
    this.#generator = options.generator;
  }

  forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, { generator: this.#generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
