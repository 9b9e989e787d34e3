import { manualSeed, nn, randn, tensor, type Tensor } from '../../src/index.js';
import { TensorDataset } from '../../src/data/index.js';

/**
 * Three separable blobs in 2-D (centres (2, 0), (−2, 2), (0, −2), σ = 0.5), n per class, as a
 * classification dataset with int32 labels. Seeded: the same points on every run.
 */
export function blobs(n: number, seed = 0): TensorDataset {
  manualSeed(seed);
  const centres = [[2, 0], [-2, 2], [0, -2]];
  const noise = randn([3 * n, 2]).data;
  const x = new Float32Array(3 * n * 2);
  const y = new Int32Array(3 * n);
  for (let i = 0; i < 3 * n; i++) {
    const c = i % 3;
    x[2 * i] = centres[c][0] + 0.5 * noise[2 * i];
    x[2 * i + 1] = centres[c][1] + 0.5 * noise[2 * i + 1];
    y[i] = c;
  }
  return new TensorDataset(tensor(x, { shape: [3 * n, 2] }), tensor(y));
}

/** A small classifier for blobs: 2 → 16 → 3. */
export function classifier(seed = 1): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 3));
}

/** Flat copies of the parameters' values, to compare models before and after. */
export function snapshot(params: Tensor[]): number[][] {
  return params.map((p) => Array.from(p.data));
}
