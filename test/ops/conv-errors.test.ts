import { describe, expect, it } from 'vitest';
import {
  avgPool1d, avgPool2d, conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d, nn, ones, tensor, zeros,
  type Conv2dOptions,
} from '../../src/index.js';

// Bad calls fail before any kernel runs, with a message that names the argument and the shapes.
const z = (...shape: number[]) => zeros(shape);

describe('conv1d / conv2d: bad input', () => {
  it('a channel mismatch names both shapes and what the weight expects', () => {
    expect(() => conv2d(z(2, 3, 8, 8), z(4, 2, 3, 3))).toThrow('conv2d: input [2, 3, 8, 8] has 3 channels, but weight [4, 2, 3, 3] with groups=1 expects 2 (weight.shape[1] × groups)');
    expect(() => conv1d(z(1, 4, 8), z(2, 1, 3), null, { groups: 2 })).toThrow(/conv1d: input \[1, 4, 8\] has 4 channels, but weight \[2, 1, 3\] with groups=2 expects 2/);
  });

  it('a kernel larger than the padded input', () => {
    expect(() => conv2d(z(1, 1, 4, 4), z(1, 1, 5, 5))).toThrow('conv2d: the kernel 5×5 of weight [1, 1, 5, 5] is larger than the padded input 4×4 (input [1, 1, 4, 4], padding 0)');
    expect(() => conv1d(z(1, 1, 4), z(1, 1, 3), null, { dilation: 2 })).toThrow(/conv1d: the kernel 3 \(5 dilated\) of weight \[1, 1, 3\] is larger than the padded input 4/);
    // Padding makes room.
    expect(conv2d(z(1, 1, 4, 4), z(1, 1, 5, 5), null, { padding: 1 }).shape).toEqual([1, 1, 2, 2]);
  });

  it('a non-positive or fractional stride or dilation, a negative padding', () => {
    expect(() => conv2d(z(1, 1, 4, 4), z(1, 1, 2, 2), null, { stride: 0 })).toThrow('conv2d: stride must be a positive integer or a pair [h, w] of them, got 0');
    expect(() => conv2d(z(1, 1, 4, 4), z(1, 1, 2, 2), null, { stride: [1, -2] })).toThrow(/stride must be a positive integer.*got \[1,-2\]/);
    expect(() => conv1d(z(1, 1, 4), z(1, 1, 2), null, { stride: 1.5 })).toThrow('conv1d: stride must be a positive integer, got 1.5');
    expect(() => conv1d(z(1, 1, 4), z(1, 1, 2), null, { dilation: 0 })).toThrow(/conv1d: dilation must be a positive integer/);
    expect(() => conv2d(z(1, 1, 4, 4), z(1, 1, 2, 2), null, { padding: -1 })).toThrow(/conv2d: padding must be a non-negative integer/);
    expect(() => conv2d(z(1, 1, 4, 4), z(1, 1, 2, 2), null, { padding: 'full' } as unknown as Conv2dOptions)).toThrow(/padding must be a non-negative integer.*got "full"/);
    expect(() => conv2d(z(1, 1, 4, 4), z(1, 1, 2, 2), null, { stride: [1, 1, 1] } as unknown as Conv2dOptions)).toThrow(/stride must be/);
  });

  it('groups that do not divide the channels', () => {
    expect(() => conv2d(z(1, 3, 4, 4), z(4, 1, 2, 2), null, { groups: 2 })).toThrow('conv2d: groups=2 does not divide the 3 input channels of input [1, 3, 4, 4]');
    expect(() => conv2d(z(1, 4, 4, 4), z(3, 2, 2, 2), null, { groups: 2 })).toThrow('conv2d: groups=2 does not divide the 3 output channels of weight [3, 2, 2, 2]');
    expect(() => conv2d(z(1, 4, 4, 4), z(4, 2, 2, 2), null, { groups: 0 })).toThrow('conv2d: groups must be a positive integer, got 0');
  });

  it("padding 'same' with a stride", () => {
    expect(() => conv2d(z(1, 1, 4, 4), z(1, 1, 3, 3), null, { padding: 'same', stride: 2 })).toThrow("conv2d: padding 'same' needs stride 1, got stride 2");
  });

  it('wrong ranks, dtypes and bias shapes', () => {
    expect(() => conv2d(z(8, 8), z(1, 1, 3, 3))).toThrow('conv2d: expected a 4-D input [N, C, H, W] (or unbatched [C, H, W]), got shape [8, 8]');
    expect(() => conv1d(z(1, 1, 1, 8), z(1, 1, 3))).toThrow('conv1d: expected a 3-D input [N, C, L] (or unbatched [C, L]), got shape [1, 1, 1, 8]');
    expect(() => conv2d(z(1, 1, 8, 8), z(1, 3, 3))).toThrow('conv2d: weight must be 4-D [outC, inC/groups, kH, kW], got shape [1, 3, 3]');
    expect(() => conv2d(z(1, 1, 4, 4), zeros([1, 1, 2, 2], { dtype: 'float64' }))).toThrow('conv2d: input is float32 but weight is float64; convert one with .to()');
    expect(() => conv2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), z(1, 1, 2, 2))).toThrow(/conv2d: input must be float32 or float64, got int32/);
    expect(() => conv2d(z(1, 1, 4, 4), z(2, 1, 2, 2), z(3))).toThrow('conv2d: bias must have shape [2] (one per output channel), got [3]');
    expect(() => conv2d([[1]] as never, z(1, 1, 2, 2))).toThrow(/conv2d: input must be a Tensor, got \[\[1\]\]/);
  });

  it('convTranspose: channel mismatch and an outputPadding too large', () => {
    expect(() => convTranspose2d(z(1, 3, 4, 4), z(2, 1, 3, 3))).toThrow('convTranspose2d: input [1, 3, 4, 4] has 3 channels, but weight [2, 1, 3, 3] expects 2 (weight.shape[0])');
    expect(() => convTranspose1d(z(1, 2, 4), z(2, 1, 3), null, { stride: 2, outputPadding: 2 })).toThrow(/convTranspose1d: outputPadding 2 must be smaller than the stride or the dilation/);
    expect(() => convTranspose1d(z(1, 2, 1), z(2, 1, 1), null, { padding: 1 })).toThrow(/gives an output of size -1/);
  });
});

describe('pooling: bad input', () => {
  it('kernel, stride and padding arguments', () => {
    expect(() => maxPool2d(z(1, 1, 4, 4), 0)).toThrow('maxPool2d: kernelSize must be a positive integer or a pair [h, w] of them, got 0');
    expect(() => avgPool1d(z(1, 1, 4), 2, { stride: 0 })).toThrow('avgPool1d: stride must be a positive integer, got 0');
    expect(() => maxPool2d(z(1, 1, 4, 4), 2, { padding: 2 })).toThrow('maxPool2d: padding 2 must be at most half the kernel size 2×2');
    expect(() => avgPool2d(z(1, 1, 4, 4), [3, 1], { padding: [1, 1] })).toThrow(/avgPool2d: padding \[1,1\] must be at most half the kernel size 3×1/);
  });

  it('an input smaller than the window', () => {
    expect(() => maxPool2d(z(1, 1, 3, 5), 4)).toThrow('maxPool2d: input [1, 1, 3, 5] is too small for kernel 4×4 with padding 0×0 and dilation 1×1: the output would be 0×1');
    expect(() => avgPool1d(z(2, 1), 3)).toThrow('avgPool1d: input [2, 1] is too small for kernel 3 with padding 0: the output would be 0');
  });

  it('a dilated window with every tap in the padding', () => {
    expect(() => maxPool1d(z(1, 1, 1), 2, { padding: 1, dilation: 2 })).toThrow(/maxPool1d: window 0 of dimension 0 has every tap in the padding/);
  });

  it('wrong ranks and dtypes', () => {
    expect(() => maxPool2d(z(4, 4), 2)).toThrow('maxPool2d: expected a 4-D input [N, C, H, W] (or unbatched [C, H, W]), got shape [4, 4]');
    expect(() => maxPool1d(ones([1, 4], { dtype: 'int32' }), 2)).toThrow(/maxPool1d: input must be float32 or float64, got int32/);
    expect(() => avgPool2d(z(1, 1, 4, 4), 2, { countIncludePad: 'yes' } as never)).toThrow('avgPool2d: countIncludePad must be a boolean, got "yes"');
  });
});

describe('layers check their arguments when built', () => {
  it('Conv1d / Conv2d', () => {
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow('Conv2d: groups=2 does not divide inChannels=3');
    expect(() => new nn.Conv2d(4, 3, 3, { groups: 2 })).toThrow('Conv2d: groups=2 does not divide outChannels=3');
    expect(() => new nn.Conv1d(0, 4, 3)).toThrow('Conv1d: inChannels must be a positive integer, got 0');
    expect(() => new nn.Conv2d(1, 4, [3, 0])).toThrow(/Conv2d: kernelSize must be a positive integer/);
    expect(() => new nn.Conv2d(1, 4, 3, { stride: 2, padding: 'same' })).toThrow("Conv2d: padding 'same' needs stride 1, got stride 2");
    expect(() => new nn.Conv1d(1, 4, 3, { dtype: 'int32' })).toThrow(/Conv1d: dtype must be 'float32' or 'float64'/);
  });

  it('Conv2d at forward time names the input', () => {
    expect(() => new nn.Conv2d(3, 4, 3).forward(z(1, 2, 8, 8))).toThrow(/conv2d: input \[1, 2, 8, 8\] has 2 channels, but weight \[4, 3, 3, 3\]/);
  });

  it('pooling layers', () => {
    expect(() => new nn.MaxPool2d(0)).toThrow(/MaxPool2d: kernelSize must be a positive integer/);
    expect(() => new nn.AvgPool1d([2, 2] as never)).toThrow(/AvgPool1d: kernelSize must be a positive integer/);
  });
});

describe('errors leave no trace', () => {
  it('a failed call records nothing and changes no gradient', () => {
    const x = tensor([[[1, 2, 3]]], { requiresGrad: true });
    const w = tensor([[[1, 1, 1, 1]]], { requiresGrad: true });
    expect(() => conv1d(x, w)).toThrow(/larger than the padded input/);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
    conv1d(x, w, null, { padding: 1 }).sum().backward();
    expect(Array.from(w.grad?.data ?? [])).toEqual([1, 3, 5, 3]);
  });
});
