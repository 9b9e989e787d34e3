// Bad use of autograd: backward where there is nothing to differentiate, or without the gradient
// a non-scalar output needs, or with one of the wrong shape. Each message says what was wrong
// and how to do it right, and no .grad is touched by a refused call.
import { describe, expect, it } from 'vitest';
import { grad, ones, tensor, vjp, type Tensor } from '../../src/index.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

describe('backward', () => {
  it('on a non-scalar output without a gradient says so, names the shape and the fix', () => {
    const x = tensor([1, 2], f64);
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(RangeError);
    expect(() => y.backward()).toThrow(/^backward: a gradient can be created implicitly only for a scalar output, but this output has shape \[2\]; pass a gradient of that shape: backward\(gradient\)$/);
    expect(x.grad).toBeNull();
  });

  it('on a tensor that does not require grad says why it has no graph', () => {
    expect(() => tensor([1]).sum().backward()).toThrow(/^backward: the tensor does not require grad and has no gradFn: no input on its path has requiresGrad set \(or it was computed inside noGrad\)$/);
  });

  it('with a gradient of the wrong shape names both shapes', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], f64);
    const y = x.mul(2);
    expect(() => y.backward(ones([3, 2]))).toThrow(RangeError);
    expect(() => y.backward(ones([3, 2]))).toThrow(/^backward: gradient has shape \[3, 2\] but the output has shape \[2, 3\]$/);
    expect(() => y.backward(ones([6]))).toThrow(/gradient has shape \[6\] but the output has shape \[2, 3\]/);
    expect(x.grad).toBeNull();
    // The refused call freed nothing: a correct one still works.
    y.backward(ones([2, 3]));
    expect(x.grad!.toArray()).toEqual([[2, 2, 2], [2, 2, 2]]);
  });

  it('through a graph freed by an earlier backward names the op and the option', () => {
    const x = tensor([1, 2], f64);
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/^backward: the graph through 'sum' was freed by an earlier backward\(\); pass \{ retainGraph: true \} to the first backward\(\) to run backward through it again$/);
  });
});

describe('functional API', () => {
  it('grad of an int32 argument names the function, the argument, its dtype and the fix', () => {
    const f = grad((t: Tensor) => t.sum());
    expect(() => f(tensor([1, 2], { dtype: 'int32' }))).toThrow(TypeError);
    expect(() => f(tensor([1, 2], { dtype: 'int32' }))).toThrow(/^grad: argument 0 is int32; only float tensors can be differentiated \(use \.to\('float32'\) first\)$/);
    expect(() => vjp((a: Tensor, b: Tensor) => a.mul(b), tensor([1]), tensor([1], { dtype: 'int32' }))).toThrow(/^vjp: argument 1 is int32/);
  });

  it('argnums out of range names them and the number of arguments', () => {
    expect(() => grad((a: Tensor) => a.sum(), { argnums: [0, 3] })(tensor([1]))).toThrow(/^grad: argnums \[0,3\] is out of range for 1 argument\(s\)$/);
  });

  it('a non-scalar function output names its shape and points to vjp', () => {
    expect(() => grad((t: Tensor) => t.mul(2))(tensor([1, 2]))).toThrow(/^grad: the function must return a scalar \(one element\) to take its gradient, got shape \[2\]; use vjp for other outputs$/);
  });
});
