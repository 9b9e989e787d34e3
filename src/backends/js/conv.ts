import type { Conv2dParams } from '../../backend/backend.js';
import { allocate, dtypeOf, type TypedArray } from '../../tensor/dtype.js';

// Convolution as a matrix product (Caffe's im2col): every window of the input is copied into one
// column, so that y = W · cols is a plain product, and the two gradients are products too:
// cols ← Wᵀ · g (then col2im puts each entry back where it was read) and ∂W = g · colsᵀ.
//
// Column layout: row (c, i, j) for channel c and kernel tap (i, j); column (n, p, q) for sample n
// and output position (p, q). Rows of one channel group are contiguous, so a grouped convolution
// is a batch of products over the groups, and the samples share one product per group.

/**
 * cols[(c·kH + i)·kW + j][(n·outH + p)·outW + q] = x[n, c, p·sH + i·dH − padTop, q·sW + j·dW − padLeft],
 * or 0 where that position falls in the padding.
 */
export function im2col(x: TypedArray, p: Conv2dParams): TypedArray {
  const { batch, channels, height, width, kernelH, kernelW, outH, outW } = p;
  const plane = outH * outW;
  const columns = batch * plane;
  const cols = allocate(dtypeOf(x), channels * kernelH * kernelW * columns);
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kernelH; i++) {
      for (let j = 0; j < kernelW; j++, row++) {
        for (let n = 0; n < batch; n++) {
          const xBase = (n * channels + c) * height * width;
          const colBase = row * columns + n * plane;
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * p.strideH + i * p.dilationH - p.padTop;
            if (ih < 0 || ih >= height) continue;
            const xRow = xBase + ih * width;
            const colRow = colBase + oh * outW;
            for (let ow = 0; ow < outW; ow++) {
              const iw = ow * p.strideW + j * p.dilationW - p.padLeft;
              if (iw >= 0 && iw < width) cols[colRow + ow] = x[xRow + iw];
            }
          }
        }
      }
    }
  }
  return cols;
}

/**
 * The adjoint of im2col: zeros of [batch, channels, height, width], with every column entry added
 * at the input position im2col read it from (overlapping windows add up; padding is dropped).
 */
export function col2im(cols: TypedArray, p: Conv2dParams): TypedArray {
  const { batch, channels, height, width, kernelH, kernelW, outH, outW } = p;
  const plane = outH * outW;
  const columns = batch * plane;
  const x = allocate(dtypeOf(cols), batch * channels * height * width);
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kernelH; i++) {
      for (let j = 0; j < kernelW; j++, row++) {
        for (let n = 0; n < batch; n++) {
          const xBase = (n * channels + c) * height * width;
          const colBase = row * columns + n * plane;
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * p.strideH + i * p.dilationH - p.padTop;
            if (ih < 0 || ih >= height) continue;
            const xRow = xBase + ih * width;
            const colRow = colBase + oh * outW;
            for (let ow = 0; ow < outW; ow++) {
              const iw = ow * p.strideW + j * p.dilationW - p.padLeft;
              if (iw >= 0 && iw < width) x[xRow + iw] += cols[colRow + ow];
            }
          }
        }
      }
    }
  }
  return x;
}
