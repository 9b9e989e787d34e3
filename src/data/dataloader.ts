import { defaultGenerator, Generator } from '../tensor/random.js';
import { fetchBatch, type Dataset, type Sample } from './dataset.js';

export interface DataLoaderOptions {
  /**
   * Examples per batch (default 1). The three classic regimes are one API: online learning is
   * batchSize 1, minibatch anything between, batch gradient descent `dataset.length`.
   */
  batchSize?: number;
  /** Visit the examples in a new random order each epoch (default false). */
  shuffle?: boolean;
  /** Skip a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
  /**
   * Seeds the loader's own generator, so the sequence of epoch orders depends on this seed only.
   * Without it (and without `generator`) shuffling draws from the default generator, which
   * manualSeed() controls.
   */
  seed?: number;
  /** A generator to draw the orders from (instead of `seed`). */
  generator?: Generator;
}

/**
 * Iterates over a dataset in batches of [x, y], each batch copied into one typed array per
 * tensor. Each `for … of` over the loader is one epoch; with shuffle, each epoch has a fresh
 * order drawn from the loader's generator, so two loaders with the same seed give the same
 * sequence of epochs.
 * @example
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
 * for (const [xb, yb] of loader) { … }
 */
export class DataLoader implements Iterable<Sample> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /**
   * The generator the epoch orders are drawn from (the default one unless `seed` or `generator`
   * was given). Read-only: exposed so that a checkpoint can save and restore its state.
   */
  readonly generator: Generator;

  constructor(readonly dataset: Dataset, options: DataLoaderOptions = {}) {
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length)) {
      throw new TypeError('DataLoader: dataset must have an integer length and a get(index) method');
    }
    const { batchSize = 1, shuffle = false, dropLast = false, seed, generator } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    if (seed !== undefined && generator !== undefined) {
      throw new TypeError('DataLoader: pass either seed or generator, not both');
    }
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator ?? (seed === undefined ? defaultGenerator : new Generator(seed));
  }

  /** The number of batches in one epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The example indices of the next epoch, in visiting order (draws from the generator when shuffling). */
  epochOrder(): Int32Array {
    const n = this.dataset.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (this.shuffle) {
      // Fisher–Yates: every permutation equally likely, n − 1 draws.
      for (let i = n - 1; i > 0; i--) {
        const j = this.generator.integer(0, i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  *[Symbol.iterator](): Iterator<Sample> {
    const order = this.epochOrder();
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      yield fetchBatch(this.dataset, order.subarray(start, Math.min(start + this.batchSize, order.length)));
    }
  }
}
