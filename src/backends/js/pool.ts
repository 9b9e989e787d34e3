import type { AvgPool2dParams, MaxPool2dParams } from '../../backend/backend.js';
import { allocate, dtypeOf, type TypedArray } from '../../tensor/dtype.js';

// Pooling over each [height, width] plane of [planes, height, width] (planes = batch·channels).
// Window (p, q) starts at (p·strideH − padH, q·strideW − padW); positions in the padding are
// skipped (max pooling pads with −∞, average pooling with zeros).

/**
 * The largest value of each window and its index in the plane (ih·width + iw, PyTorch's
 * convention). The first maximum wins a tie; a NaN wins over numbers, so NaN propagates.
 */
export function maxPool2d(x: TypedArray, p: MaxPool2dParams): { values: TypedArray; argmax: Int32Array } {
  const { planes, height, width, kernelH, kernelW, outH, outW } = p;
  const values = allocate(dtypeOf(x), planes * outH * outW);
  const argmax = new Int32Array(planes * outH * outW);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * height * width;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * p.strideH - p.padH;
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = ow * p.strideW - p.padW;
        let best = -Infinity;
        let at = -1;
        for (let i = 0; i < kernelH; i++) {
          const ih = h0 + i * p.dilationH;
          if (ih < 0 || ih >= height) continue;
          for (let j = 0; j < kernelW; j++) {
            const iw = w0 + j * p.dilationW;
            if (iw < 0 || iw >= width) continue;
            const v = x[base + ih * width + iw];
            if (at < 0 || v > best || v !== v) {
              best = v;
              at = ih * width + iw;
            }
          }
        }
        values[o] = best;
        argmax[o] = at;
      }
    }
  }
  return { values, argmax };
}

/** Zeros of [planes, height, width] with each upstream value added at its window's argmax. */
export function maxPool2dBackward(g: TypedArray, argmax: Int32Array, p: MaxPool2dParams): TypedArray {
  const { planes, height, width, outH, outW } = p;
  const dx = allocate(dtypeOf(g), planes * height * width);
  const plane = height * width;
  const out = outH * outW;
  for (let k = 0; k < planes; k++) {
    for (let o = 0; o < out; o++) dx[k * plane + argmax[k * out + o]] += g[k * out + o];
  }
  return dx;
}

/**
 * One window's rows [h0, h1) and columns [w0, w1) inside the input, and its divisor: the window's
 * size clipped to the padded input (countIncludePad), or only its positions inside the input.
 * Windows are clipped at size + pad, as PyTorch does, so a ceil-mode window that runs past the
 * padding does not count the part beyond it.
 */
function avgWindow(p: AvgPool2dParams, oh: number, ow: number): [number, number, number, number, number] {
  let h0 = oh * p.strideH - p.padH;
  let w0 = ow * p.strideW - p.padW;
  let h1 = Math.min(h0 + p.kernelH, p.height + p.padH);
  let w1 = Math.min(w0 + p.kernelW, p.width + p.padW);
  const padded = (h1 - h0) * (w1 - w0);
  h0 = Math.max(h0, 0);
  w0 = Math.max(w0, 0);
  h1 = Math.min(h1, p.height);
  w1 = Math.min(w1, p.width);
  const divisor = p.countIncludePad ? padded : (h1 - h0) * (w1 - w0);
  return [h0, h1, w0, w1, divisor];
}

/** The mean of each window (an empty window gives 0). */
export function avgPool2d(x: TypedArray, p: AvgPool2dParams): TypedArray {
  const { planes, height, width, outH, outW } = p;
  const y = allocate(dtypeOf(x), planes * outH * outW);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * height * width;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, o++) {
        const [h0, h1, w0, w1, divisor] = avgWindow(p, oh, ow);
        if (h0 >= h1 || w0 >= w1) continue;
        let s = 0;
        for (let ih = h0; ih < h1; ih++) {
          for (let iw = w0; iw < w1; iw++) s += x[base + ih * width + iw];
        }
        y[o] = s / divisor;
      }
    }
  }
  return y;
}

/** The adjoint of avgPool2d: each upstream value shared out over its window, divided alike. */
export function avgPool2dBackward(g: TypedArray, p: AvgPool2dParams): TypedArray {
  const { planes, height, width, outH, outW } = p;
  const dx = allocate(dtypeOf(g), planes * height * width);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * height * width;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, o++) {
        const [h0, h1, w0, w1, divisor] = avgWindow(p, oh, ow);
        const share = g[o] / divisor;
        for (let ih = h0; ih < h1; ih++) {
          for (let iw = w0; iw < w1; iw++) dx[base + ih * width + iw] += share;
        }
      }
    }
  }
  return dx;
}
