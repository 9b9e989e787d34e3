import { describe, expect, it } from 'vitest';
import { nn, tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

const f64 = { dtype: 'float64' } as const;
const tight = { atol: 1e-14, rtol: 1e-14 };
const eps = 1e-5;

// Two samples, two channels. Channel 0 sees 1 and 3: mean 2, biased variance 1, unbiased 2.
// Channel 1 sees 2 and 6: mean 4, biased variance 4, unbiased 8.
const batch = () => tensor([[1, 2], [3, 6]], f64);

describe('BatchNorm1d', () => {
  it('normalises a batch with its mean and biased variance in training', () => {
    const bn = new nn.BatchNorm1d(2, { dtype: 'float64' });
    const a = 1 / Math.sqrt(1 + eps);
    const b = 2 / Math.sqrt(4 + eps);
    expectAllClose(bn.forward(batch()), [[-a, -b], [a, b]], tight);
  });

  it('moves the running statistics by momentum 0.1, with the unbiased variance', () => {
    const bn = new nn.BatchNorm1d(2, { dtype: 'float64' });
    bn.forward(batch());
    // 0.9·0 + 0.1·[2, 4]; 0.9·1 + 0.1·[2, 8].
    expectAllClose(bn.runningMean!, [0.2, 0.4], tight);
    expectAllClose(bn.runningVar!, [1.1, 1.7], tight);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    // A second batch [[0, 0], [2, 2]]: means [1, 1], unbiased variances [2, 2].
    bn.forward(tensor([[0, 0], [2, 2]], f64));
    expectAllClose(bn.runningMean!, [0.9 * 0.2 + 0.1, 0.9 * 0.4 + 0.1], tight);
    expectAllClose(bn.runningVar!, [0.9 * 1.1 + 0.2, 0.9 * 1.7 + 0.2], tight);
    expect(bn.numBatchesTracked!.item()).toBe(2);
  });

  it('uses the running statistics, scale and shift in eval mode, and leaves them alone', () => {
    const bn = new nn.BatchNorm1d(2, { dtype: 'float64' });
    bn.forward(batch());
    bn.weight!.data.set([2, -1]);
    bn.bias!.data.set([0.5, 1]);
    bn.eval();
    const y = bn.forward(tensor([[1, 1]], f64));   // one sample is fine in eval mode
    expectAllClose(y, [[2 * (1 - 0.2) / Math.sqrt(1.1 + eps) + 0.5, -1 * (1 - 0.4) / Math.sqrt(1.7 + eps) + 1]], tight);
    expectAllClose(bn.runningMean!, [0.2, 0.4], tight);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    // Training output differs from eval output on the same batch.
    bn.train();
    const trainOut = bn.forward(batch());
    bn.eval();
    expect(Array.from(bn.forward(batch()).data)).not.toEqual(Array.from(trainOut.data));
  });

  it('normalises [N, C, L] input over N and L', () => {
    const bn = new nn.BatchNorm1d(2, { dtype: 'float64', momentum: 0.5 });
    // Channel 0: 1, 2, 3, 6 → mean 3, biased var (4+1+0+9)/4 = 3.5, unbiased 14/3.
    // Channel 1: all 5 → mean 5, var 0.
    const x = tensor([[[1, 2], [5, 5]], [[3, 6], [5, 5]]], f64);
    const s = Math.sqrt(3.5 + eps);
    expectAllClose(bn.forward(x), [[[-2 / s, -1 / s], [0, 0]], [[0, 3 / s], [0, 0]]], tight);
    expectAllClose(bn.runningMean!, [1.5, 2.5], tight);
    expectAllClose(bn.runningVar!, [0.5 + 0.5 * 14 / 3, 0.5], tight);
  });

  it('with momentum null keeps the plain average of all batches', () => {
    const bn = new nn.BatchNorm1d(2, { dtype: 'float64', momentum: null });
    bn.forward(batch());
    expectAllClose(bn.runningMean!, [2, 4], tight);
    expectAllClose(bn.runningVar!, [2, 8], tight);
    bn.forward(tensor([[0, 0], [2, 2]], f64));
    expectAllClose(bn.runningMean!, [1.5, 2.5], tight);
    expectAllClose(bn.runningVar!, [2, 5], tight);
  });

  it('without running statistics always uses the batch, and saves only weight and bias', () => {
    const bn = new nn.BatchNorm1d(2, { dtype: 'float64', trackRunningStats: false });
    expect(bn.runningMean).toBeNull();
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
    const trainOut = bn.forward(batch());
    bn.eval();
    expectAllClose(bn.forward(batch()), trainOut, tight);
  });

  it('without affine has no parameters', () => {
    const bn = new nn.BatchNorm1d(3, { affine: false });
    expect(bn.parameters()).toEqual([]);
    expect(Object.keys(bn.stateDict())).toEqual(['runningMean', 'runningVar', 'numBatchesTracked']);
  });

  it('resets its running statistics', () => {
    const bn = new nn.BatchNorm1d(2, { dtype: 'float64' });
    bn.forward(batch());
    bn.resetRunningStats();
    expectAllClose(bn.runningMean!, [0, 0]);
    expectAllClose(bn.runningVar!, [1, 1]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  it('explains wrong input before changing any state', () => {
    const bn = new nn.BatchNorm1d(2);
    expect(() => bn.forward(tensor([[1, 2, 3]]))).toThrow(/expected 2 channels \(dimension 1\), got input of shape \[1, 3\]/);
    expect(() => bn.forward(tensor([1, 2]))).toThrow(/expected 2-D \[N, C\] or 3-D \[N, C, L\] input, got shape \[2\]/);
    expect(() => bn.forward(tensor([[1, 2]]))).toThrow(/expected more than 1 value per channel when training/);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expectAllClose(bn.runningMean!, [0, 0]);
  });
});

describe('BatchNorm2d', () => {
  it('normalises [N, C, H, W] per channel', () => {
    const bn = new nn.BatchNorm2d(1, { dtype: 'float64' });
    // One channel with values 0, 2, 4, 6: mean 3, biased variance 5.
    const y = bn.forward(tensor([[[[0, 2], [4, 6]]]], f64));
    const s = Math.sqrt(5 + eps);
    expectAllClose(y, [[[[-3 / s, -1 / s], [1 / s, 3 / s]]]], tight);
    expect(() => bn.forward(tensor([[1, 2]], f64))).toThrow(/expected 4-D \[N, C, H, W\] input/);
  });
});
