// accuracy, the Accuracy metric and confusionMatrix on multi-class scores, binary outputs,
// one-hot targets and int32 predictions.
import { describe, expect, it } from 'vitest';
import { Accuracy, accuracy, confusionMatrix, predictedClasses, tensor } from '../../src/index.js';

const logits = tensor([[2, 1, 0], [0, 3, 1], [1, 0, 0.5], [0, 0, 4]]);
const labels = tensor([0, 1, 2, 2], { dtype: 'int32' });

describe('accuracy', () => {
  it('compares the argmax of scores with int32 labels', () => {
    expect(accuracy(logits, labels)).toBe(0.75);
    expect(Array.from(predictedClasses(logits))).toEqual([0, 1, 0, 2]);
  });

  it('accepts one-hot targets, binary outputs with a threshold, and int32 predictions', () => {
    const oneHot = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]);
    expect(accuracy(logits, oneHot)).toBe(0.75);
    const probs = tensor([[0.9], [0.2], [0.6], [0.4]]);
    const targets = tensor([[1], [0], [0], [0]]);
    expect(accuracy(probs, targets)).toBe(0.75);
    // Logits: threshold 0.
    expect(accuracy(tensor([2, -1, -0.5, 0.1]), tensor([1, 0, 0, 1]), { threshold: 0 })).toBe(1);
    expect(accuracy(tensor([0, 1, 0, 2], { dtype: 'int32' }), labels)).toBe(0.75);
  });

  it('names mismatched sizes and unusable shapes', () => {
    expect(() => accuracy(logits, tensor([0, 1], { dtype: 'int32' }))).toThrow(/4 predictions \(output \[4, 3\]\) but 2 targets/);
    expect(() => accuracy(tensor([[[1]]]), labels)).toThrow(/expected scores \[N, C\]/);
  });

  it('Accuracy accumulates over batches and reports each batch', () => {
    const m = new Accuracy();
    m.reset();
    expect(m.update(logits.slice(0, 0, 2), labels.slice(0, 0, 2))).toBe(1);
    expect(m.update(logits.slice(0, 2, 4), labels.slice(0, 2, 4))).toBe(0.5);
    expect(m.result()).toBe(0.75);
    m.reset();
    expect(Number.isNaN(m.result())).toBe(true);
    expect(new Accuracy({ name: 'top1' }).name).toBe('top1');
  });
});

describe('confusionMatrix', () => {
  it('counts true classes by row and predicted classes by column', () => {
    const cm = confusionMatrix(logits, labels);
    expect(cm.dtype).toBe('int32');
    expect(cm.toArray()).toEqual([[1, 0, 0], [0, 1, 0], [1, 0, 1]]);
    expect(confusionMatrix(logits, labels, 4).shape).toEqual([4, 4]);
    expect(() => confusionMatrix(logits, labels, 2)).toThrow(/example 2 has true class 2 and predicted class 0, outside 0…1/);
  });
});
