// Bad input when making and reading tensors: each error names the function, the offending
// argument or value, and what was expected (DESIGN.md: errors name what was wrong and what was
// expected). The error class is checked too: TypeError for a wrong kind of value, RangeError for
// a value of the right kind out of range.
import { describe, expect, it } from 'vitest';
import { arange, ones, randint, randn, tensor, zeros } from '../../src/index.js';

describe('dtypes', () => {
  it('an unknown dtype names the function, the value and the accepted ones', () => {
    // Cast through unknown: a user in plain JavaScript (or with a bad cast) can pass anything.
    const bad = 'float16' as unknown as 'float32';
    expect(() => tensor([1], { dtype: bad })).toThrow(TypeError);
    expect(() => tensor([1], { dtype: bad })).toThrow(/^tensor: dtype: unknown dtype "float16"; expected one of 'float32', 'float64', 'int32'$/);
    expect(() => zeros([2], { dtype: bad })).toThrow(/^zeros: dtype: unknown dtype "float16"/);
    expect(() => ones([2], { dtype: bad })).toThrow(/^ones: dtype: unknown dtype "float16"/);
    expect(() => tensor([1]).to(bad)).toThrow(/^to: dtype: unknown dtype "float16"; expected one of/);
  });

  it('requiresGrad on an int32 tensor is refused, saying why and what to do', () => {
    const message = /^requiresGrad: only float tensors can require gradients; this tensor is int32 \(use \.to\('float32'\) first\)$/;
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(message);
    expect(() => arange(3).requiresGrad_()).toThrow(message);
    const t = arange(3);
    expect(() => { t.requiresGrad = true; }).toThrow(TypeError);
    // Thrown before any state changed.
    expect(t.requiresGrad).toBe(false);
  });

  it('randn refuses an integer dtype, pointing elsewhere for integers', () => {
    expect(() => randn([2], { dtype: 'int32' })).toThrow(/^randn: dtype must be 'float32' or 'float64'/);
    expect(() => randint(3, 3, [2])).toThrow(/^randint: expected integers low < high, got low=3, high=3$/);
  });
});

describe('data given to tensor()', () => {
  it('a ragged nested array names the position, what is there and what was expected', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(TypeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/^tensor: ragged nested array: element at \[1\] is an array of length 1, expected an array of length 2 \(shape \[2, 2\]\)$/);
    expect(() => tensor([[[1], [2]], [[3], [4, 5]]])).toThrow(/element at \[1, 1\] is an array of length 2, expected an array of length 1/);
    expect(() => tensor([[1, 2], 3])).toThrow(/element at \[1\] is number 3, expected an array of length 2/);
    expect(() => tensor([1, [2]])).toThrow(/element at \[1\] is an array of length 1, expected a number/);
  });

  it('a non-number element is named with its position', () => {
    const bad = [1, 'two', 3] as unknown as number[];
    expect(() => tensor(bad)).toThrow(/^tensor: ragged nested array: element at \[1\] is string "two", expected a number/);
  });

  it('an unsupported typed array is named, with the supported ones', () => {
    const bytes = new Uint8Array(3) as unknown as Float32Array;
    expect(() => tensor(bytes)).toThrow(/^tensor: data is a Uint8Array; expected a Float32Array, Float64Array or Int32Array/);
  });

  it('a shape that does not hold the data names both sizes', () => {
    expect(() => tensor(new Float32Array(6), { shape: [4, 2] })).toThrow(RangeError);
    expect(() => tensor(new Float32Array(6), { shape: [4, 2] })).toThrow(/^tensor: shape \[4, 2\] holds 8 elements but the data has 6$/);
  });

  it('a bad shape in a creation function names the function and the shape', () => {
    expect(() => zeros([2, -1])).toThrow(/^zeros: shape: expected an array of non-negative integers, got \[2,-1\]$/);
    expect(() => ones([1.5])).toThrow(/^ones: shape: expected an array of non-negative integers/);
  });
});

describe('reading values', () => {
  it('item() on a tensor of several elements names its shape and size', () => {
    expect(() => zeros([2, 3]).item()).toThrow(RangeError);
    expect(() => zeros([2, 3]).item()).toThrow(/^item: only a tensor with one element has an item; this one has shape \[2, 3\] \(6 elements\)$/);
    expect(() => zeros([0]).item()).toThrow(/shape \[0\] \(0 elements\)/);
  });
});
