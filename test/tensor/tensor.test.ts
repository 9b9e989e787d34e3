// The Tensor object itself: its properties, reading values out, detach, and how it prints.
import { describe, expect, it } from 'vitest';
import { arange, tensor, zeros } from '../../src/index.js';

describe('properties', () => {
  it('shape, dtype, ndim, numel', () => {
    const t = zeros([2, 3, 4], { dtype: 'float64' });
    expect(t.shape).toEqual([2, 3, 4]);
    expect(t.dtype).toBe('float64');
    expect(t.ndim).toBe(3);
    expect(t.numel()).toBe(24);
    expect(t.requiresGrad).toBe(false);
    expect(t.grad).toBeNull();
  });

  it('toArray gives nested arrays of the shape; a 0-d tensor gives a number', () => {
    const t = arange(6).reshape(3, 2);
    expect(t.toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(tensor(2.5).toArray()).toBe(2.5);
    expect(tensor([[7]]).toArray()).toEqual([[7]]);
  });

  it('item reads the one element of a tensor of any rank', () => {
    expect(tensor(4).item()).toBe(4);
    expect(tensor([[[-1.5]]]).item()).toBe(-1.5);
    expect(tensor([3], { dtype: 'int32' }).item()).toBe(3);
  });

  it('requiresGrad can be set on a float leaf, and switched off again', () => {
    const t = tensor([1, 2]);
    t.requiresGrad = true;
    expect(t.requiresGrad).toBe(true);
    expect(t.requiresGrad_(false)).toBe(t);
    expect(t.requiresGrad).toBe(false);
  });
});

describe('detach', () => {
  it('shares the storage, keeps shape and dtype, drops requiresGrad and history', () => {
    const x = tensor([[1, 2]], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.data).toBe(y.data);
    expect(d.shape).toEqual([1, 2]);
    expect(d.dtype).toBe('float64');
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    expect(d.isLeaf).toBe(true);
  });
});

describe('toString', () => {
  it('prints values, with the dtype unless float32', () => {
    expect(tensor([[1, 2], [3, 4]]).toString()).toBe('tensor([[1., 2.], [3., 4.]])');
    expect(tensor([1.5, -0.25], { dtype: 'float64' }).toString()).toBe('tensor([1.5, -0.25], dtype=float64)');
    expect(tensor([1, -2], { dtype: 'int32' }).toString()).toBe('tensor([1, -2], dtype=int32)');
    expect(tensor(3).toString()).toBe('tensor(3.)');
  });

  it('says requiresGrad on a leaf and names the op of a non-leaf', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.toString()).toBe('tensor([1., 2.], requiresGrad)');
    expect(x.mul(2).toString()).toBe('tensor([2., 4.], gradFn=mul)');
  });

  it('shortens long rows with an ellipsis and rounds to 6 significant digits', () => {
    expect(arange(10).toString()).toBe('tensor([0, 1, 2, …, 7, 8, 9], dtype=int32)');
    expect(tensor([1 / 3], { dtype: 'float64' }).toString()).toBe('tensor([0.333333], dtype=float64)');
  });

  it('is what template strings use', () => {
    expect(`${tensor([1])}`).toBe('tensor([1.])');
  });
});
