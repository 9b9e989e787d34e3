// Making tensors: tensor() from numbers, nested arrays and typed arrays (the last without a
// copy), the dtype rules, and zeros/ones/full/arange/eye and their *Like forms.
import { describe, expect, it } from 'vitest';
import { arange, eye, full, fullLike, ones, onesLike, tensor, zeros, zerosLike } from '../../src/index.js';

describe('tensor()', () => {
  it('from a number: a 0-d float32 tensor', () => {
    const t = tensor(3.5);
    expect(t.shape).toEqual([]);
    expect(t.ndim).toBe(0);
    expect(t.numel()).toBe(1);
    expect(t.dtype).toBe('float32');
    expect(t.item()).toBe(3.5);
    expect(t.toArray()).toBe(3.5);
  });

  it('from nested arrays: the shape is inferred, elements row-major', () => {
    const t = tensor([[[1, 2, 3], [4, 5, 6]]]);
    expect(t.shape).toEqual([1, 2, 3]);
    expect(t.ndim).toBe(3);
    expect(t.numel()).toBe(6);
    expect(t.size).toBe(6);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([[[1, 2, 3], [4, 5, 6]]]);
  });

  it('booleans become 1 and 0', () => {
    expect(tensor([true, false, true]).toArray()).toEqual([1, 0, 1]);
  });

  it('an empty array is a tensor of shape [0]', () => {
    const t = tensor([]);
    expect(t.shape).toEqual([0]);
    expect(t.numel()).toBe(0);
    expect(t.toArray()).toEqual([]);
  });

  it('defaults to float32 (rounding the values), and takes float64 and int32 on request', () => {
    const f32 = tensor([0.1, 1 / 3]);
    expect(f32.dtype).toBe('float32');
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect(f32.toArray()).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    const f64 = tensor([0.1, 1 / 3], { dtype: 'float64' });
    expect(f64.data).toBeInstanceOf(Float64Array);
    expect(f64.toArray()).toEqual([0.1, 1 / 3]);
    const i32 = tensor([[1, 2], [3, -4]], { dtype: 'int32' });
    expect(i32.data).toBeInstanceOf(Int32Array);
    expect(i32.toArray()).toEqual([[1, 2], [3, -4]]);
  });

  it('takes a typed array of the matching dtype without a copy, laid out by shape', () => {
    const buffer = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(buffer, { shape: [2, 3] });
    expect(t.data).toBe(buffer);
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([2, 3]);
    // Same storage: a write through either is seen by the other.
    buffer[4] = 50;
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 50, 6]]);
  });

  it('infers the dtype of a typed array, and makes it 1-D without a shape', () => {
    const f64 = new Float64Array([1, 2]);
    const i32 = new Int32Array([7, 8, 9]);
    expect(tensor(f64).dtype).toBe('float64');
    expect(tensor(f64).data).toBe(f64);
    expect(tensor(i32).dtype).toBe('int32');
    expect(tensor(i32).shape).toEqual([3]);
  });

  it('copies a typed array only when asked for another dtype', () => {
    const buffer = new Float32Array([1.5, 2.5]);
    const t = tensor(buffer, { dtype: 'float64' });
    expect(t.dtype).toBe('float64');
    expect(t.data).not.toBe(buffer);
    expect(t.toArray()).toEqual([1.5, 2.5]);
  });

  it('from a tensor: a copy with its own storage and no history', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor(a);
    expect(b.data).not.toBe(a.data);
    expect(b.toArray()).toEqual([1, 2]);
    expect(b.requiresGrad).toBe(false);
  });

  it('requiresGrad makes a leaf that requires grad', () => {
    const t = tensor([1, 2], { requiresGrad: true });
    expect(t.requiresGrad).toBe(true);
    expect(t.isLeaf).toBe(true);
    expect(t.grad).toBeNull();
  });
});

describe('dtype conversion with to()', () => {
  it('float32 → float64 → float32 keeps representable values', () => {
    const t = tensor([0.5, -2.25, 3]);
    const d = t.to('float64');
    expect(d.dtype).toBe('float64');
    expect(d.data).toBeInstanceOf(Float64Array);
    expect(d.toArray()).toEqual([0.5, -2.25, 3]);
    expect(d.to('float32').toArray()).toEqual([0.5, -2.25, 3]);
  });

  it('float → int32 truncates toward zero, as PyTorch', () => {
    const i = tensor([1.7, -1.7, 2.5, -0.5], { dtype: 'float64' }).to('int32');
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([1, -1, 2, 0]);
  });

  it('int32 → float', () => {
    const f = tensor([3, -4], { dtype: 'int32' }).to('float32');
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([3, -4]);
  });

  it('to() the same dtype returns the same tensor; float()/double()/int() are shorthands', () => {
    const t = tensor([1.25]);
    expect(t.to('float32')).toBe(t);
    expect(t.double().dtype).toBe('float64');
    expect(t.double().float().dtype).toBe('float32');
    expect(t.int().toArray()).toEqual([1]);
  });

  it('a float-to-float conversion is differentiable; the gradient comes back in the input dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.to('float64').mul(3).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });
});

describe('filled tensors', () => {
  it('zeros, ones and full: shape first, then options', () => {
    const z = zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe('float32');
    expect(z.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    const o = ones([3], { dtype: 'int32' });
    expect(o.dtype).toBe('int32');
    expect(o.toArray()).toEqual([1, 1, 1]);
    const f = full([2, 2], -1.5, { dtype: 'float64', requiresGrad: true });
    expect(f.toArray()).toEqual([[-1.5, -1.5], [-1.5, -1.5]]);
    expect(f.requiresGrad).toBe(true);
  });

  it('an empty shape is a scalar, and a zero in the shape is an empty tensor', () => {
    expect(ones([]).toArray()).toBe(1);
    expect(zeros([2, 0]).numel()).toBe(0);
  });

  it('zerosLike, onesLike, fullLike copy shape and dtype', () => {
    const t = tensor([[1, 2, 3]], { dtype: 'float64' });
    expect(zerosLike(t).shape).toEqual([1, 3]);
    expect(zerosLike(t).dtype).toBe('float64');
    expect(onesLike(t).toArray()).toEqual([[1, 1, 1]]);
    expect(fullLike(t, 7, { dtype: 'int32' }).toArray()).toEqual([[7, 7, 7]]);
    expect(fullLike(t, 7, { dtype: 'int32' }).dtype).toBe('int32');
  });
});

describe('arange', () => {
  it('arange(n) counts 0…n−1 as int32 when every argument is an integer', () => {
    const a = arange(5);
    expect(a.dtype).toBe('int32');
    expect(a.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(2, 11, 3).toArray()).toEqual([2, 5, 8]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
  });

  it('is float32 when any argument is fractional, and takes a dtype', () => {
    const a = arange(0, 1, 0.25);
    expect(a.dtype).toBe('float32');
    expect(a.toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0, 1.5).toArray()).toEqual([0, 1]);
    const d = arange(3, undefined, 1, { dtype: 'float64' });
    expect(d.dtype).toBe('float64');
    expect(d.toArray()).toEqual([0, 1, 2]);
  });

  it('is empty when end is not beyond start in the direction of step', () => {
    expect(arange(3, 3).numel()).toBe(0);
    expect(arange(3, 1).numel()).toBe(0);
  });
});

describe('eye', () => {
  it('the square identity', () => {
    expect(eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(eye(2).dtype).toBe('float32');
  });

  it('a rectangular one, in a chosen dtype', () => {
    const e = eye(2, 3, { dtype: 'float64' });
    expect(e.dtype).toBe('float64');
    expect(e.toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(eye(3, 2).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
  });
});
