import { describe, expect, it } from 'vitest';
import { Generator, getBackend, type AvgPool2dParams, type Conv2dParams, type MaxPool2dParams } from '../../src/index.js';

// The convolution and pooling kernels of the current backend, on flat arrays, against their
// definitions in Backend (index formulas written out naively here) and against each other: each
// backward kernel is the adjoint of its forward, ⟨K x, c⟩ = ⟨x, Kᵀ c⟩, for random x and c.

const gen = new Generator(77);
const random = (n: number): Float64Array => Float64Array.from({ length: n }, () => gen.normal());
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

const CONVS: Conv2dParams[] = [
  { batch: 2, channels: 3, height: 5, width: 6, kernelH: 3, kernelW: 2, outH: 3, outW: 5, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1 },
  { batch: 1, channels: 2, height: 7, width: 5, kernelH: 2, kernelW: 3, outH: 4, outW: 3, strideH: 2, strideW: 2, padTop: 1, padLeft: 2, dilationH: 2, dilationW: 1 },
  // Asymmetric: one more row of padding after the input than before (as 'same' with an even kernel).
  { batch: 2, channels: 1, height: 4, width: 4, kernelH: 2, kernelW: 2, outH: 4, outW: 4, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1 },
];

describe('im2col / col2im', () => {
  it.each(CONVS.map((p) => [JSON.stringify(p), p] as const))('im2col matches its definition: %s', (_name, p) => {
    const x = random(p.batch * p.channels * p.height * p.width);
    const cols = getBackend().im2col(x, p);
    const columns = p.batch * p.outH * p.outW;
    expect(cols.length).toBe(p.channels * p.kernelH * p.kernelW * columns);
    for (let c = 0; c < p.channels; c++) for (let i = 0; i < p.kernelH; i++) for (let j = 0; j < p.kernelW; j++) {
      for (let n = 0; n < p.batch; n++) for (let oh = 0; oh < p.outH; oh++) for (let ow = 0; ow < p.outW; ow++) {
        const ih = oh * p.strideH + i * p.dilationH - p.padTop;
        const iw = ow * p.strideW + j * p.dilationW - p.padLeft;
        const inside = ih >= 0 && ih < p.height && iw >= 0 && iw < p.width;
        const want = inside ? x[((n * p.channels + c) * p.height + ih) * p.width + iw] : 0;
        const row = (c * p.kernelH + i) * p.kernelW + j;
        expect(cols[row * columns + (n * p.outH + oh) * p.outW + ow]).toBe(want);
      }
    }
  });

  it.each(CONVS.map((p) => [JSON.stringify(p), p] as const))('col2im is the adjoint of im2col: %s', (_name, p) => {
    const x = random(p.batch * p.channels * p.height * p.width);
    const c = random(p.channels * p.kernelH * p.kernelW * p.batch * p.outH * p.outW);
    const be = getBackend();
    expect(dot(be.im2col(x, p), c)).toBeCloseTo(dot(x, be.col2im(c, p)), 10);
  });

  it('keeps float32 as float32', () => {
    const p = CONVS[0];
    const x = Float32Array.from(random(p.batch * p.channels * p.height * p.width));
    expect(getBackend().im2col(x, p)).toBeInstanceOf(Float32Array);
    expect(getBackend().col2im(getBackend().im2col(x, p), p)).toBeInstanceOf(Float32Array);
  });
});

const MAX: MaxPool2dParams = { planes: 3, height: 6, width: 7, kernelH: 3, kernelW: 2, outH: 3, outW: 4, strideH: 2, strideW: 2, padH: 1, padW: 1, dilationH: 1, dilationW: 2 };

describe('pooling kernels', () => {
  it('maxPool2d: each value is its window\'s maximum and argmax points at it', () => {
    const x = random(MAX.planes * MAX.height * MAX.width);
    const { values, argmax } = getBackend().maxPool2d(x, MAX);
    let o = 0;
    for (let k = 0; k < MAX.planes; k++) for (let oh = 0; oh < MAX.outH; oh++) for (let ow = 0; ow < MAX.outW; ow++, o++) {
      let best = -Infinity;
      for (let i = 0; i < MAX.kernelH; i++) for (let j = 0; j < MAX.kernelW; j++) {
        const ih = oh * MAX.strideH - MAX.padH + i * MAX.dilationH;
        const iw = ow * MAX.strideW - MAX.padW + j * MAX.dilationW;
        if (ih >= 0 && ih < MAX.height && iw >= 0 && iw < MAX.width) best = Math.max(best, x[(k * MAX.height + ih) * MAX.width + iw]);
      }
      expect(values[o]).toBe(best);
      expect(x[k * MAX.height * MAX.width + argmax[o]]).toBe(best);
    }
  });

  it('maxPool2dBackward is the adjoint of picking at the argmax', () => {
    const x = random(MAX.planes * MAX.height * MAX.width);
    const g = random(MAX.planes * MAX.outH * MAX.outW);
    const { values, argmax } = getBackend().maxPool2d(x, MAX);
    expect(dot(values, g)).toBeCloseTo(dot(x, getBackend().maxPool2dBackward(g, argmax, MAX)), 10);
  });

  it.each([true, false])('avgPool2dBackward is the adjoint of avgPool2d (countIncludePad %s)', (countIncludePad) => {
    const p: AvgPool2dParams = { planes: 2, height: 5, width: 6, kernelH: 3, kernelW: 2, outH: 3, outW: 4, strideH: 2, strideW: 2, padH: 1, padW: 1, countIncludePad };
    const x = random(p.planes * p.height * p.width);
    const g = random(p.planes * p.outH * p.outW);
    expect(dot(getBackend().avgPool2d(x, p), g)).toBeCloseTo(dot(x, getBackend().avgPool2dBackward(g, p)), 10);
  });
});
