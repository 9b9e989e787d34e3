// A fast check of convolutional training on real digits: the CNN of examples/mnist-cnn.js
// (conv 1→8 3×3, ReLU, max-pool 2, conv 8→16 3×3, ReLU, max-pool 2, linear 400→10), one epoch
// over 512 of the bundled training digits, lowers its loss and beats chance by far on 500 test
// digits. About a second and a half on the js backend. (The full run to ≥ 98% is the example,
// far too slow for the suite.)
import { describe, expect, it } from 'vitest';
import { evaluate, fit, manualSeed, nn, optim } from '../../src/index.js';
import { DataLoader, Subset, TensorDataset } from '../../src/data/index.js';
import { loadMnist } from '../../src/node/index.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** The split's flat [N, 784] rows as images [N, 1, 28, 28] (a reshape, no copy). */
const images = (d: TensorDataset): TensorDataset => new TensorDataset(d.x.reshape(d.length, 1, 28, 28), d.y);

describe('MNIST subset, CNN', () => {
  it('loss falls within one epoch of 512 digits', async () => {
    const { train, test } = await loadMnist();
    manualSeed(0);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(8, 16, 3), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(400, 10),
    );
    const loss = new nn.CrossEntropyLoss();
    // Batch 16 gives 32 steps in the epoch; with batch 32 the loss had only begun to fall.
    const history = fit(model, new DataLoader(new Subset(images(train), range(512)), { batchSize: 16, shuffle: true, seed: 0 }), {
      epochs: 1, optimizer: new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }), loss,
    });
    const batchLosses = history.batchSeries('loss');
    expect(batchLosses).toHaveLength(32);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    // From ≈ ln 10 = 2.3 (measured 0.9 for the last five on js).
    expect(mean(batchLosses.slice(0, 3))).toBeGreaterThan(2.1);
    expect(mean(batchLosses.slice(-5))).toBeLessThan(1.6);
    const scores = evaluate(model, new DataLoader(new Subset(images(test), range(500)), { batchSize: 250 }), { loss, metrics: ['accuracy'] });
    // Measured 81% on js; chance is 10%.
    expect(scores.accuracy).toBeGreaterThan(0.6);
    expect(scores.loss).toBeLessThan(mean(batchLosses.slice(0, 3)));
  });
});
