// A fast check on real digits: an MLP trained briefly on 1,000 of the bundled training digits
// lowers its loss and beats chance by far on 500 test digits. (The full run to ≥ 95% is
// examples/mnist-mlp.js, too slow for the suite.)
import { describe, expect, it } from 'vitest';
import { evaluate, fit, manualSeed, nn, optim } from '../../src/index.js';
import { DataLoader, Subset } from '../../src/data/index.js';
import { loadMnist } from '../../src/node/index.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('MNIST subset', () => {
  it('loss falls and accuracy rises within two epochs', async () => {
    const { train, test } = await loadMnist();
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(784, 64), new nn.ReLU(), new nn.Linear(64, 10));
    const loss = new nn.CrossEntropyLoss();
    const history = fit(model, new DataLoader(new Subset(train, range(1000)), { batchSize: 32, shuffle: true, seed: 0 }), {
      epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), loss, metrics: ['accuracy'],
    });
    const batchLosses = history.batchSeries('loss');
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    // From ≈ ln 10 = 2.3 at the start to well below it.
    expect(mean(batchLosses.slice(0, 3))).toBeGreaterThan(1.8);
    expect(mean(batchLosses.slice(-5))).toBeLessThan(0.8);
    expect(history.epochs[1].loss).toBeLessThan(history.epochs[0].loss);
    const scores = evaluate(model, new DataLoader(new Subset(test, range(500)), { batchSize: 250 }), { loss, metrics: ['accuracy'] });
    expect(scores.accuracy).toBeGreaterThan(0.8);
  });
});
