// Bad input to ops: shapes that do not broadcast or multiply, impossible reshapes, dimensions
// out of range, bad permutations, slices and concatenations. Each message names the op, the
// offending shapes or values, and what was expected.
import { describe, expect, it } from 'vitest';
import { add, concat, ones, stack, tensor, zeros } from '../../src/index.js';

describe('broadcasting', () => {
  it('a mismatch names the op, both shapes and the dimension that disagrees', () => {
    const a = ones([2, 3]);
    const b = ones([4, 3]);
    expect(() => a.add(b)).toThrow(RangeError);
    expect(() => a.add(b)).toThrow(/^add: shapes \[2, 3\] and \[4, 3\] cannot be broadcast together \(dimension 0 of the result: 2 vs 4; sizes must match or be 1\)$/);
    expect(() => ones([3]).mul(ones([2, 4]))).toThrow(/^mul: shapes \[3\] and \[2, 4\] cannot be broadcast together \(dimension 1 of the result: 3 vs 4/);
    expect(() => add(ones([5, 1, 2]), ones([3, 3]))).toThrow(/^add: shapes \[5, 1, 2\] and \[3, 3\]/);
  });

  it('names the op that was called for each binary op', () => {
    for (const op of ['sub', 'div', 'pow', 'maximum', 'eq'] as const) {
      expect(() => ones([2])[op](ones([3]))).toThrow(new RegExp(`^${op}: shapes \\[2\\] and \\[3\\] cannot be broadcast`));
    }
  });

  it('a non-tensor operand names the op and the argument', () => {
    const bad = 'x' as unknown as number;
    expect(() => ones([2]).add(bad)).toThrow(/^add: other must be a Tensor or a number, got string$/);
  });
});

describe('matmul', () => {
  it('inner dimensions that differ name both shapes', () => {
    expect(() => ones([2, 3]).matmul(ones([2, 3]))).toThrow(RangeError);
    expect(() => ones([2, 3]).matmul(ones([2, 3]))).toThrow(/^matmul: shapes \[2, 3\] and \[2, 3\] cannot be multiplied \(3 columns vs 2 rows\)$/);
    expect(() => ones([4]).matmul(ones([3]))).toThrow(/^matmul: shapes \[4\] and \[3\] cannot be multiplied/);
  });

  it('batch dimensions that do not broadcast name both full shapes', () => {
    expect(() => ones([2, 3, 4]).matmul(ones([3, 4, 5]))).toThrow(/^matmul: batch dimensions of \[2, 3, 4\] and \[3, 4, 5\]: shapes \[2\] and \[3\] cannot be broadcast together/);
  });

  it('a 0-d operand is refused, naming both shapes', () => {
    expect(() => tensor(2).matmul(ones([2]))).toThrow(/^matmul: both operands need at least one dimension, got shapes \[\] and \[2\]$/);
  });
});

describe('reshape', () => {
  it('an incompatible size names both shapes and both element counts', () => {
    expect(() => zeros([2, 3]).reshape(4, 2)).toThrow(RangeError);
    expect(() => zeros([2, 3]).reshape(4, 2)).toThrow(/^reshape: cannot reshape a tensor of shape \[2, 3\] \(6 elements\) into \[4, 2\] \(8 elements\)$/);
    expect(() => zeros([2, 3]).reshape(4, -1)).toThrow(/^reshape: cannot reshape a tensor of shape \[2, 3\] \(6 elements\) into \[4, -1\]$/);
  });

  it('two inferred dimensions are refused', () => {
    expect(() => zeros([6]).reshape(-1, -1)).toThrow(/^reshape: only one dimension can be -1, got \[-1, -1\]$/);
  });
});

describe('dimensions', () => {
  it('an out-of-range dim names the op, the argument, the value and the valid range', () => {
    expect(() => zeros([2, 3]).sum(2)).toThrow(RangeError);
    expect(() => zeros([2, 3]).sum(2)).toThrow(/^sum: dim 2 is out of range for a tensor of rank 2 \(expected an integer in \[-2, 1\]\)$/);
    expect(() => zeros([2, 3]).softmax(-3)).toThrow(/^softmax: dim -3 is out of range for a tensor of rank 2/);
    expect(() => zeros([2, 3]).transpose(0, 2)).toThrow(/^transpose: dim1 2 is out of range for a tensor of rank 2/);
    expect(() => zeros([2, 3]).unsqueeze(4)).toThrow(/^unsqueeze: dim 4 is out of range for a tensor of rank 3 \(expected an integer in \[-3, 2\]\)$/);
    expect(() => zeros([2, 3]).argmax(5)).toThrow(/^argmax: dim 5 is out of range/);
  });

  it('a repeated dim in a reduction is refused', () => {
    expect(() => zeros([2, 3]).sum([1, -1])).toThrow(/^sum: dim \[1,-1\] names a dimension twice$/);
  });

  it('permute with the wrong number of dims names the dims, the shape and the rank', () => {
    expect(() => zeros([2, 3, 4]).permute(1, 0)).toThrow(RangeError);
    expect(() => zeros([2, 3, 4]).permute(1, 0)).toThrow(/^permute: dims \[1, 0\] has length 2 but the tensor of shape \[2, 3, 4\] has rank 3; expected an ordering of all 3 dimensions$/);
  });

  it('permute with a repeated dim says so', () => {
    expect(() => zeros([2, 3]).permute(1, 1)).toThrow(/^permute: \[1, 1\] repeats a dimension$/);
  });
});

describe('concat, stack, slice', () => {
  it('concat of mismatched shapes names the tensor, both shapes and the dimension', () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(RangeError);
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(/^concat: tensors\[1\] has shape \[2, 4\], which does not match tensors\[0\]'s \[2, 3\] outside dimension 0$/);
    expect(() => concat([zeros([2, 3]), zeros([3])], 1)).toThrow(/^concat: tensors\[1\] has shape \[3\]/);
    expect(() => concat([], 0)).toThrow(/^concat: expected a non-empty array of tensors$/);
  });

  it('stack of unequal shapes names both', () => {
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(/^stack: tensors\[1\] has shape \[3\] but tensors\[0\] has \[2\]; stack needs equal shapes$/);
  });

  it('slice with a bad step names the argument and the value', () => {
    expect(() => zeros([4]).slice(0, 0, 4, 0)).toThrow(RangeError);
    expect(() => zeros([4]).slice(0, 0, 4, 0)).toThrow(/^slice: step must be a positive integer, got 0$/);
    expect(() => zeros([4]).slice(0, 0, 4, -1)).toThrow(/^slice: step must be a positive integer, got -1$/);
    expect(() => zeros([4]).slice(0, 0, 4, 1.5)).toThrow(/^slice: step must be a positive integer, got 1\.5$/);
    expect(() => zeros([4]).slice(0, 0.5, 4)).toThrow(/^slice: start must be an integer or null, got 0\.5$/);
  });
});
