import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';

// int32 reductions must not start from ∓Infinity (which an Int32Array stores as 0).
describe('int32 max and min', () => {
  it('all-negative rows keep their true maximum, all-positive rows their minimum', () => {
    const x = tensor([[-5, -3, -9], [-1, -7, -2]], { dtype: 'int32' });
    expect(x.max(1).toArray()).toEqual([-3, -1]);
    expect(x.max().item()).toBe(-1);
    const y = tensor([[5, 3, 9], [1, 7, 2]], { dtype: 'int32' });
    expect(y.min(0).toArray()).toEqual([1, 3, 2]);
    expect(y.min().item()).toBe(1);
  });
});
