// DataLoader: batch shapes for batch / minibatch / online sizes, dropLast, every example once per
// epoch, seeded shuffling, and datasets without a batch getter.
import { describe, expect, it } from 'vitest';
import { arange, manualSeed, tensor, type Tensor } from '../../src/index.js';
import { DataLoader, Subset, TensorDataset, type Dataset, type Sample } from '../../src/data/index.js';

/** N examples: x row i = [i, 10i], y = i (int32), so every batch shows which examples it holds. */
function numbered(n: number): TensorDataset {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = 10 * i; }
  return new TensorDataset(tensor(x, { shape: [n, 2] }), arange(n));
}

function labelsOf(batches: Iterable<Sample>): number[][] {
  return [...batches].map(([, y]) => Array.from(y.data));
}

describe('DataLoader batching', () => {
  it('cuts 10 examples into batches of 3, 3, 3 and 1, in order without shuffle', () => {
    const loader = new DataLoader(numbered(10), { batchSize: 3 });
    expect(loader.length).toBe(4);
    const batches = [...loader];
    expect(batches.map(([x]) => x.shape)).toEqual([[3, 2], [3, 2], [3, 2], [1, 2]]);
    expect(batches.map(([, y]) => y.shape)).toEqual([[3], [3], [3], [1]]);
    expect(labelsOf(loader)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    // Inputs travel with their labels.
    expect(batches[1][0].toArray()).toEqual([[3, 30], [4, 40], [5, 50]]);
    expect(batches[0][0].dtype).toBe('float32');
    expect(batches[0][1].dtype).toBe('int32');
  });

  it('drops the short last batch with dropLast', () => {
    const loader = new DataLoader(numbered(10), { batchSize: 3, dropLast: true });
    expect(loader.length).toBe(3);
    expect(labelsOf(loader)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    expect([...new DataLoader(numbered(2), { batchSize: 3, dropLast: true })]).toHaveLength(0);
  });

  it('gives batch gradient descent (one batch of everything) and online learning (batches of one) by batch size alone', () => {
    const ds = numbered(7);
    const full = [...new DataLoader(ds, { batchSize: ds.length })];
    expect(full).toHaveLength(1);
    expect(full[0][0].shape).toEqual([7, 2]);
    const online = [...new DataLoader(ds)];
    expect(online).toHaveLength(7);
    expect(online.every(([x, y]) => x.shape.join() === '1,2' && y.shape.join() === '1')).toBe(true);
    // A batch size beyond the dataset is one batch, as in PyTorch.
    expect([...new DataLoader(ds, { batchSize: 100 })][0][0].shape).toEqual([7, 2]);
  });

  it('keeps the example shape after the batch dimension', () => {
    const x = arange(24, undefined, 1, { dtype: 'float64' }).reshape(6, 2, 2);
    const [xb, yb] = [...new DataLoader(new TensorDataset(x, arange(6).reshape(6, 1)), { batchSize: 4 })][0];
    expect(xb.shape).toEqual([4, 2, 2]);
    expect(xb.dtype).toBe('float64');
    expect(yb.shape).toEqual([4, 1]);
    expect(Array.from(xb.data.slice(4, 8))).toEqual([4, 5, 6, 7]);
  });

  it('rejects bad batch sizes and datasets', () => {
    expect(() => new DataLoader(numbered(3), { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => new DataLoader(numbered(3), { batchSize: 1.5 })).toThrow(/batchSize/);
    expect(() => new DataLoader({} as Dataset)).toThrow(/length and a get\(index\)/);
  });
});

describe('DataLoader shuffling', () => {
  it('visits every example exactly once per epoch', () => {
    const loader = new DataLoader(numbered(50), { batchSize: 8, shuffle: true, seed: 1 });
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen = labelsOf(loader).flat();
      expect(seen).toHaveLength(50);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(seen).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    }
  });

  it('gives the same sequence of epoch orders for the same seed, a new order each epoch, another for another seed', () => {
    const a = new DataLoader(numbered(30), { batchSize: 4, shuffle: true, seed: 42 });
    const b = new DataLoader(numbered(30), { batchSize: 4, shuffle: true, seed: 42 });
    const c = new DataLoader(numbered(30), { batchSize: 4, shuffle: true, seed: 43 });
    const a1 = labelsOf(a).flat();
    const a2 = labelsOf(a).flat();
    expect(labelsOf(b).flat()).toEqual(a1);
    expect(labelsOf(b).flat()).toEqual(a2);
    expect(a2).not.toEqual(a1);
    expect(labelsOf(c).flat()).not.toEqual(a1);
  });

  it('draws from the default generator without a seed, so manualSeed makes it repeatable', () => {
    const loader = new DataLoader(numbered(20), { batchSize: 5, shuffle: true });
    manualSeed(5);
    const first = labelsOf(loader).flat();
    manualSeed(5);
    expect(labelsOf(loader).flat()).toEqual(first);
  });

  it('keeps inputs paired with their labels after shuffling', () => {
    for (const [x, y] of new DataLoader(numbered(12), { batchSize: 5, shuffle: true, seed: 9 })) {
      for (let i = 0; i < y.size; i++) expect([x.data[2 * i], x.data[2 * i + 1]]).toEqual([y.data[i], 10 * y.data[i]]);
    }
  });
});

describe('datasets', () => {
  it('TensorDataset.get returns copies of one example without the batch dimension', () => {
    const ds = numbered(4);
    const [x, y] = ds.get(2);
    expect(x.shape).toEqual([2]);
    expect(y.shape).toEqual([]);
    expect(x.toArray()).toEqual([2, 20]);
    x.data[0] = 99;
    expect(ds.get(2)[0].toArray()).toEqual([2, 20]);
    expect(() => ds.get(4)).toThrow(/index 4 is out of range for a dataset of 4 examples/);
  });

  it('TensorDataset needs matching first dimensions', () => {
    expect(() => new TensorDataset(tensor([[1], [2]]), tensor([1, 2, 3]))).toThrow(/x has 2 examples .* but y has 3/);
    expect(() => new TensorDataset(tensor(1), tensor([1]))).toThrow(/first \(example\) dimension/);
  });

  it('stacks examples of a dataset that has only get(), and names a ragged example', () => {
    const squares: Dataset = {
      length: 5,
      get: (i: number): [Tensor, Tensor] => [tensor([i, i * i]), tensor(i % 2, { dtype: 'int32' })],
    };
    const batches = [...new DataLoader(squares, { batchSize: 2 })];
    expect(batches.map(([x]) => x.shape)).toEqual([[2, 2], [2, 2], [1, 2]]);
    expect(batches[1][0].toArray()).toEqual([[2, 4], [3, 9]]);
    expect(batches[1][1].toArray()).toEqual([0, 1]);
    const ragged: Dataset = { length: 2, get: (i: number): [Tensor, Tensor] => [tensor(i === 0 ? [1, 2] : [1, 2, 3]), tensor(0)] };
    expect(() => [...new DataLoader(ragged, { batchSize: 2 })]).toThrow(/example 1 has x of shape \[3\] .* but example 0 has \[2\]/);
  });

  it('Subset picks and reorders examples, also through a loader', () => {
    const sub = new Subset(numbered(10), [7, 2, 5]);
    expect(sub.length).toBe(3);
    expect(sub.get(0)[1].item()).toBe(7);
    expect(labelsOf(new DataLoader(sub, { batchSize: 2 }))).toEqual([[7, 2], [5]]);
    expect(() => new Subset(numbered(3), [3])).toThrow(/index 3 is out of range/);
  });
});
