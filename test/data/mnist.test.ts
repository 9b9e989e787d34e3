// The bundled MNIST split: 8,000 / 2,000, stratified, disjoint, the same on every call, with
// values in [0, 1]; and the stratified splitter itself on small label sets.
import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/index.js';
import { stratifiedSplit } from '../../src/data/index.js';
import { loadMnist, MNIST_SPLIT_SEED } from '../../src/node/index.js';

function counts(labels: ArrayLike<number>, classes = 10): number[] {
  const c = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) c[labels[i]]++;
  return c;
}

describe('loadMnist', () => {
  it('packs the 10,000 digits and splits them 8,000 / 2,000', async () => {
    const { train, test, images, labels } = await loadMnist();
    expect(images.shape).toEqual([10000, 784]);
    expect(images.dtype).toBe('float32');
    expect(labels.shape).toEqual([10000]);
    expect(labels.dtype).toBe('int32');
    expect(train.length).toBe(8000);
    expect(test.length).toBe(2000);
    expect(train.x.shape).toEqual([8000, 784]);
    expect(test.x.shape).toEqual([2000, 784]);
    expect(train.y.dtype).toBe('int32');
    let min = Infinity;
    let max = -Infinity;
    for (const v of images.data) { if (v < min) min = v; if (v > max) max = v; }
    expect([min, max]).toEqual([0, 1]);
    // The package's digit counts, and each digit split 80/20 (rounded).
    const all = counts(labels.data);
    expect(all).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    counts(test.y.data).forEach((n, d) => expect(Math.abs(n - 0.2 * all[d])).toBeLessThanOrEqual(1));
  });

  it('gives disjoint sets that cover every digit, each example with its own label', async () => {
    const { train, test, images, labels, trainIndices, testIndices } = await loadMnist();
    const seen = new Set([...trainIndices, ...testIndices]);
    expect(seen.size).toBe(10000);
    for (const [set, rows] of [[train, trainIndices], [test, testIndices]] as const) {
      for (const i of [0, 1, 777, rows.length - 1]) {
        const r = rows[i];
        expect(set.y.data[i]).toBe(labels.data[r]);
        expect(Array.from(set.x.data.subarray(i * 784, (i + 1) * 784))).toEqual(Array.from(images.data.subarray(r * 784, (r + 1) * 784)));
      }
    }
    // Shuffled: the digits are mixed, not grouped as in the package.
    expect(new Set(train.y.data.subarray(0, 50)).size).toBeGreaterThan(5);
  });

  it('is the same split on every call, and another one for another seed', async () => {
    const a = await loadMnist();
    const b = await loadMnist({ seed: MNIST_SPLIT_SEED });
    const c = await loadMnist({ seed: 1 });
    expect(Array.from(b.testIndices)).toEqual(Array.from(a.testIndices));
    expect(Array.from(b.trainIndices)).toEqual(Array.from(a.trainIndices));
    expect(Array.from(c.testIndices)).not.toEqual(Array.from(a.testIndices));
    expect(c.test.length).toBe(2000);
    // Pinned: these rows start the documented test set; a change here changes published results.
    expect(Array.from(a.testIndices.subarray(0, 5))).toEqual([5426, 3726, 1867, 4712, 4005]);
    expect(Array.from(a.trainIndices.subarray(0, 5))).toEqual([5097, 2762, 4205, 8226, 4720]);
  });
});

describe('stratifiedSplit', () => {
  it('takes round(fraction·n) in all, each class in proportion, largest remainders first', () => {
    // Classes of 5, 3 and 2: exact shares 1.5, 0.9, 0.6 of a test set of 3.
    const labels = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
    const { train, test } = stratifiedSplit(labels, 0.3, new Generator(0));
    expect(test.length).toBe(3);
    expect(train.length).toBe(7);
    expect(counts(Array.from(test, (i) => labels[i]), 3)).toEqual([1, 1, 1]);
    expect(new Set([...train, ...test]).size).toBe(10);
  });

  it('depends only on the generator state', () => {
    const labels = Int32Array.from({ length: 40 }, (_, i) => i % 4);
    const a = stratifiedSplit(labels, 0.25, new Generator(3));
    const b = stratifiedSplit(labels, 0.25, new Generator(3));
    expect(Array.from(b.test)).toEqual(Array.from(a.test));
    expect(Array.from(stratifiedSplit(labels, 0.25, new Generator(4)).test)).not.toEqual(Array.from(a.test));
    // Exact shares 2.5 each; the two extra places go to the smaller class labels on the tie.
    expect(counts(Array.from(a.test, (i) => labels[i]), 4)).toEqual([3, 3, 2, 2]);
  });
});
