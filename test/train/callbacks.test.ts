// EarlyStopping: patience, minDelta, modes, restoring the best weights, and its errors.
import { describe, expect, it } from 'vitest';
import { EarlyStopping, fit, History, nn, optim, tensor, type Logs, type Tensor, type TrainState } from '../../src/index.js';
import { DataLoader } from '../../src/data/index.js';
import { blobs, classifier, snapshot } from './helpers.js';

/** Feeds a sequence of monitored values to a fresh EarlyStopping; returns the epoch it stopped after. */
function stopsAfter(stop: EarlyStopping, values: number[], key = 'valLoss'): number {
  const state = { model: classifier(), optimizer: { step() {}, zeroGrad() {} }, history: new History(), epochs: values.length, epoch: 0, batchesPerEpoch: 1, generators: {}, stopTraining: false } as TrainState;
  stop.onTrainBegin();
  for (let e = 0; e < values.length; e++) {
    stop.onEpochEnd(e, { [key]: values[e] }, state);
    if (state.stopTraining) return e;
  }
  return -1;
}

describe('EarlyStopping', () => {
  it('stops after `patience` epochs in a row without improvement (0 and 1: at the first, as Keras)', () => {
    expect(stopsAfter(new EarlyStopping('valLoss'), [3, 2, 2.5, 1])).toBe(2);
    expect(stopsAfter(new EarlyStopping('valLoss', { patience: 1 }), [3, 2, 2.5, 1])).toBe(2);
    expect(stopsAfter(new EarlyStopping('valLoss', { patience: 2 }), [3, 2, 2.5, 1, 1.5, 1.2, 0.9])).toBe(5);
    expect(stopsAfter(new EarlyStopping('valLoss', { patience: 2 }), [3, 2, 1])).toBe(-1);
  });

  it('counts only improvements larger than minDelta', () => {
    const stop = new EarlyStopping('valLoss', { patience: 1, minDelta: 0.1 });
    expect(stopsAfter(stop, [1, 0.95, 0.5])).toBe(1);
    expect(stop.best).toBe(1);
    expect(stop.bestEpoch).toBe(0);
    expect(stop.stoppedEpoch).toBe(1);
  });

  it("maximises accuracies in 'auto' mode and obeys an explicit mode", () => {
    expect(new EarlyStopping('valAccuracy').mode).toBe('max');
    expect(new EarlyStopping('loss').mode).toBe('min');
    expect(stopsAfter(new EarlyStopping('valAccuracy', { patience: 2 }), [0.5, 0.7, 0.6, 0.8], 'valAccuracy')).toBe(-1);
    expect(stopsAfter(new EarlyStopping('valAccuracy'), [0.5, 0.7, 0.6], 'valAccuracy')).toBe(2);
    expect(stopsAfter(new EarlyStopping('score', { mode: 'max' }), [1, 2, 1.5], 'score')).toBe(2);
  });

  it('names the missing key and checks its options', () => {
    const state = { stopTraining: false } as TrainState;
    const stop = new EarlyStopping();
    stop.onTrainBegin();
    expect(() => stop.onEpochEnd(0, { loss: 1 } as Logs, state)).toThrow(/the epoch logs have no "valLoss"; they have "loss" \(valLoss needs a validation loader\)/);
    expect(() => new EarlyStopping('loss', { patience: -1 })).toThrow(/patience must be a non-negative integer/);
    expect(() => new EarlyStopping('loss', { mode: 'up' as never })).toThrow(/mode must be 'min', 'max' or 'auto'/);
  });

  it('ends fit early and restores the best epoch\'s weights', () => {
    const model = classifier();
    const train = new DataLoader(blobs(20), { batchSize: 60 });
    // Ascent on the loss (maximize) makes every epoch worse than the first after one step.
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.5, maximize: true });
    const weights: number[][][] = [];
    const recorder = { onEpochEnd: (): void => { weights.push(snapshot(model.parameters())); } };
    const stop = new EarlyStopping('loss', { patience: 2, restoreBestWeights: true });
    const history = fit(model, train, { epochs: 20, optimizer, loss: new nn.CrossEntropyLoss(), callbacks: [recorder, stop] });
    expect(history.epochs).toHaveLength(3);
    expect(stop.bestEpoch).toBe(0);
    expect(stop.stoppedEpoch).toBe(2);
    expect(snapshot(model.parameters())).toEqual(weights[0]);
    expect(snapshot(model.parameters())).not.toEqual(weights[2]);
  });

  it('restores in place, so an optimizer keeps working on the same tensors', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const model = { forward: (x: Tensor): Tensor => x.mul(w).sum(1), parameters: () => [w], train() {}, eval() {} };
    const stop = new EarlyStopping('loss', { restoreBestWeights: true, patience: 5 });
    const state = { model, stopTraining: false } as unknown as TrainState;
    stop.onTrainBegin();
    stop.onEpochEnd(0, { loss: 1 }, state);
    w.data.set([5, 5]);
    stop.onEpochEnd(1, { loss: 2 }, state);
    stop.onTrainEnd(state);
    expect(Array.from(w.data)).toEqual([1, 2]);
  });
});
