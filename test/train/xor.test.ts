// XOR, the classic problem a single layer cannot solve, learned by a 2-8-1 network with batch
// gradient descent from a fixed seed: the same run, and the same weights, every time.
import { describe, expect, it } from 'vitest';
import { fit, manualSeed, nn, optim, predict, tensor } from '../../src/index.js';
import { DataLoader, TensorDataset } from '../../src/data/index.js';

function trainXor(): { outputs: number[]; losses: number[]; weights: number[] } {
  manualSeed(0);
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 1));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });
  // Batch gradient descent: one batch of all four examples per epoch.
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4 });
  const history = fit(model, loader, { epochs: 300, optimizer, loss: new nn.BCEWithLogitsLoss() });
  return {
    outputs: Array.from(predict(model, x).sigmoid().data),
    losses: history.series('loss'),
    weights: model.parameters().flatMap((p) => Array.from(p.data)),
  };
}

describe('XOR', () => {
  it('is learned from a fixed seed', () => {
    const { outputs, losses } = trainXor();
    expect(losses[0]).toBeGreaterThan(0.5);
    expect(losses[299]).toBeLessThan(0.05);
    expect(outputs.map((p) => (p > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    expect(Math.max(Math.abs(outputs[0]), Math.abs(outputs[3]))).toBeLessThan(0.1);
    expect(Math.min(outputs[1], outputs[2])).toBeGreaterThan(0.9);
  });

  it('repeats bit for bit with the same seed', () => {
    expect(trainXor().weights).toEqual(trainXor().weights);
  });
});
