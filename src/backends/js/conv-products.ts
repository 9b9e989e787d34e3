import type { ConvProductParams } from '../../backend/backend.js';
import { dtypeOf, type TypedArray } from '../../tensor/dtype.js';
import { col2im, im2col } from './conv.js';
import { matmul } from './matmul.js';
import { permute } from './movement.js';
import { reduce } from './reduce.js';

// The three convolution maps as matrix products over im2col's columns, per channel group
// (G groups of Cg = C/G input and Og = O/G output channels, taps = Cg·kH·kW, P = outH·outW):
//
//   y     = W · cols                [Og, taps] · [taps, N·P]   then samples first: [N, O, P]
//   ∂L/∂W = g · colsᵀ               [Og, N·P] · [N·P, taps]    the correlation of x with g
//   ∂L/∂x = col2im(Wᵀ · g)          [taps, Og] · [Og, N·P]     the full convolution of g with w flipped
//
// The columns put every sample's positions side by side, so each group is one product for the
// whole batch; g and y are [N, O, P], hence the swaps of their two leading axes.

/** [first, second, plane] → [second, first, plane]; nothing to move when either count is 1. */
function swapLeading(data: TypedArray, first: number, second: number, plane: number): TypedArray {
  return first === 1 || second === 1 ? data : permute(data, [first, second, plane], [1, 0, 2]);
}

function sizes(p: ConvProductParams): { plane: number; columns: number; outG: number; taps: number } {
  const plane = p.outH * p.outW;
  return { plane, columns: p.batch * plane, outG: p.outChannels / p.groups, taps: (p.channels / p.groups) * p.kernelH * p.kernelW };
}

export function conv2d(x: TypedArray, w: TypedArray, p: ConvProductParams, bias: TypedArray | null): TypedArray {
  const { plane, columns, outG, taps } = sizes(p);
  const cols = im2col(x, p);
  const y = swapLeading(
    matmul(w, cols, { batch: p.groups, m: outG, n: columns, k: taps, transA: false, transB: false, strideA: outG * taps, strideB: taps * columns }, dtypeOf(x)),
    p.outChannels, p.batch, plane,
  );
  if (bias !== null) {
    for (let n = 0; n < p.batch; n++) {
      for (let o = 0; o < p.outChannels; o++) {
        const b = bias[o];
        const row = (n * p.outChannels + o) * plane;
        for (let i = row; i < row + plane; i++) y[i] += b;
      }
    }
  }
  return y;
}

export function conv2dInput(g: TypedArray, w: TypedArray, p: ConvProductParams): TypedArray {
  const { plane, columns, outG, taps } = sizes(p);
  const gT = swapLeading(g, p.batch, p.outChannels, plane);
  const cols = matmul(w, gT, { batch: p.groups, m: taps, n: columns, k: outG, transA: true, transB: false, strideA: outG * taps, strideB: outG * columns }, dtypeOf(g));
  return col2im(cols, p);
}

export function conv2dWeight(x: TypedArray, g: TypedArray, p: ConvProductParams): TypedArray {
  const { plane, columns, outG, taps } = sizes(p);
  const cols = im2col(x, p);
  const gT = swapLeading(g, p.batch, p.outChannels, plane);
  return matmul(gT, cols, { batch: p.groups, m: outG, n: taps, k: columns, transA: false, transB: true, strideA: outG * columns, strideB: taps * columns }, dtypeOf(x));
}

/** conv2dWeight, and g summed per output channel over samples and positions (the reduction g.sum([0, 2, 3]) runs). */
export function conv2dWeightAndBias(x: TypedArray, g: TypedArray, p: ConvProductParams): { weight: TypedArray; bias: TypedArray } {
  const bias = reduce('sum', g, [p.batch, p.outChannels, p.outH * p.outW], [0, 2]);
  return { weight: conv2dWeight(x, g, p), bias };
}
