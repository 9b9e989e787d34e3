import { afterAll, describe, it } from 'vitest';
import type { ConvProductParams } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backends/js/index.js';
import { type DType, type TypedArray } from '../../src/tensor/dtype.js';
import { EPS, FLOAT_DTYPES, ISAS, Rng, addon, expectSame, native, useIsa } from './native-helpers.js';

// The native backend's convolution maps (conv2d, conv2dInput, conv2dWeight: direct kernels at
// stride 1, else a sample at a time through per-thread buffers and the GEMM) against the js
// backend's im2col products, on random geometries with groups, strides, paddings and dilations,
// on every instruction set and on 1, 2 and 3 threads (the weight gradient's per-thread partial
// sums, the direct kernels' split of one sample). The sums run in another
// order, so they agree to the rounding of a dot product: K·eps·Σ|a·b| for a reduction of K terms.

function randomGeometry(rng: Rng): ConvProductParams {
  for (;;) {
    const groups = rng.int(1, 3);
    const kernelH = rng.int(1, 4), kernelW = rng.int(1, 4);
    const dilationH = rng.int(1, 2), dilationW = rng.int(1, 2);
    const strideH = rng.int(1, 3), strideW = rng.int(1, 3);
    const height = rng.int(1, 15), width = rng.int(1, 15);
    const padTop = rng.int(0, kernelH - 1), padLeft = rng.int(0, kernelW - 1);
    const outH = Math.floor((height + 2 * padTop - dilationH * (kernelH - 1) - 1) / strideH) + 1;
    const outW = Math.floor((width + 2 * padLeft - dilationW * (kernelW - 1) - 1) / strideW) + 1;
    if (outH < 1 || outW < 1) continue;
    return {
      batch: rng.int(1, 5), channels: groups * rng.int(1, 4), outChannels: groups * rng.int(1, 5), groups,
      height, width, kernelH, kernelW, outH, outW, strideH, strideW, padTop, padLeft, dilationH, dilationW,
    };
  }
}

const abs = (a: TypedArray): Float64Array => Float64Array.from(a, Math.abs);

function geometry(batch: number, channels: number, outChannels: number, size: number, kernel: number, pad = 0, dilation = 1, groups = 1): ConvProductParams {
  const out = size + 2 * pad - dilation * (kernel - 1);
  return {
    batch, channels, outChannels, groups, height: size, width: size + 3, kernelH: kernel, kernelW: kernel, outH: out, outW: out + 3,
    strideH: 1, strideW: 1, padTop: pad, padLeft: pad, dilationH: dilation, dilationW: dilation,
  };
}

// Stride 1 goes to the direct kernels (conv-direct.cc) up to 2304 terms per output (576 for
// ∂L/∂W). These reach what the random geometries do not: the bench CNN's layers, more output
// channels than a tile holds (8 on AVX-512), rows wider than a tile's positions (48), a sample
// whose tiles and output channels are split over the threads (batch 1), ∂L/∂W's samples summed
// in several runs of planes end to end (57×60, 5 samples: 2 to a run in float32), and the im2col path at
// stride 1 (72·9 terms for ∂L/∂W, 260·9 for all three maps).
const FIXED: readonly ConvProductParams[] = [
  { ...geometry(4, 1, 8, 28, 3), width: 28, outW: 26 },
  { ...geometry(4, 8, 16, 13, 3), width: 13, outW: 11 },
  geometry(3, 13, 21, 9, 3, 1),
  geometry(5, 3, 10, 57, 3, 1),
  geometry(1, 9, 19, 23, 5, 2, 2),
  geometry(1, 12, 6, 17, 3, 1, 1, 3),
  geometry(2, 72, 5, 6, 3, 1),
  geometry(1, 260, 3, 3, 3, 1),
];

describe('native convolution maps against the js backend', () => {
  const defaultThreads = addon.threads();
  afterAll(() => {
    addon.setThreads(defaultThreads);
    useIsa(ISAS[0]);
  });

  const check = (isa: string, threads: number, p: ConvProductParams, rng: Rng, dtype: DType, withBias: boolean): void => {
    const what = `${isa} ${threads} threads ${dtype} ${JSON.stringify(p)}`;
    const cg = p.channels / p.groups;
    const x = rng.array(dtype, p.batch * p.channels * p.height * p.width);
    const w = rng.array(dtype, p.outChannels * cg * p.kernelH * p.kernelW);
    const g = rng.array(dtype, p.batch * p.outChannels * p.outH * p.outW);
    const eps = EPS[dtype];
    // Each bound: the same map on |a| and |b| in float64, times K·eps.
    const bound = (f: (a: TypedArray, b: TypedArray) => TypedArray, a: TypedArray, b: TypedArray, k: number) => ({
      scale: Float64Array.from(f(abs(a), abs(b)), (v) => v * eps), ulps: 2 * k + 2,
    });
    const taps = cg * p.kernelH * p.kernelW;
    const bias = withBias ? rng.array(dtype, p.outChannels) : null;
    const absBias = bias === null ? null : abs(bias);
    expectSame(native.conv2d(x, w, p, bias), jsBackend.conv2d(x, w, p, bias), `conv2d ${what}${bias === null ? '' : ' with bias'}`,
      bound((a, b) => jsBackend.conv2d(a, b, p, absBias), x, w, taps + 1));
    expectSame(native.conv2dInput(g, w, p), jsBackend.conv2dInput(g, w, p), `conv2dInput ${what}`,
      bound((a, b) => jsBackend.conv2dInput(a, b, p), g, w, (p.outChannels / p.groups) * p.kernelH * p.kernelW));
    const weightBound = bound((a, b) => jsBackend.conv2dWeight(a, b, p), x, g, p.batch * p.outH * p.outW);
    expectSame(native.conv2dWeight(x, g, p), jsBackend.conv2dWeight(x, g, p), `conv2dWeight ${what}`, weightBound);
    // The fused bias gradient: g summed per channel (in T a plane at a time, then in double).
    const fused = native.conv2dWeightAndBias(x, g, p);
    const want = jsBackend.conv2dWeightAndBias(x, g, p);
    expectSame(fused.weight, want.weight, `conv2dWeightAndBias weight ${what}`, weightBound);
    const plane = p.outH * p.outW;
    const absSums = new Float64Array(p.outChannels);
    g.forEach((v, i) => (absSums[Math.floor(i / plane) % p.outChannels] += Math.abs(v)));
    expectSame(fused.bias, want.bias, `conv2dWeightAndBias bias ${what}`, { scale: absSums.map((v) => v * eps), ulps: 2 * plane + 2 });
  };

  for (const isa of ISAS) {
    it(`conv2d, conv2dInput, conv2dWeight on fixed stride-1 geometries (${isa}, 1–3 threads)`, () => {
      useIsa(isa);
      const rng = new Rng(72);
      for (const threads of [1, 2, 3]) {
        addon.setThreads(threads);
        for (const dtype of FLOAT_DTYPES) {
          FIXED.forEach((p, i) => check(isa, threads, p, rng, dtype, i % 2 === 0));
        }
      }
    });

    it(`conv2d, conv2dInput, conv2dWeight on random geometries (${isa}, 1–3 threads)`, () => {
      useIsa(isa);
      const rng = new Rng(71);
      for (const threads of [1, 2, 3]) {
        addon.setThreads(threads);
        for (const dtype of FLOAT_DTYPES) {
          for (let t = 0; t < 25; t++) {
            // Every other case with a bias, which the kernel adds to each sample's outputs.
            check(isa, threads, randomGeometry(rng), rng, dtype, t % 2 === 0);
          }
        }
      }
    });
  }

  it('rejects operands whose sizes do not match the geometry', () => {
    const p = { batch: 2, channels: 2, outChannels: 3, groups: 1, height: 5, width: 5, kernelH: 3, kernelW: 3, outH: 3, outW: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1 };
    const P = Float64Array.from([2, 2, 5, 5, 3, 3, 3, 3, 1, 1, 0, 0, 1, 1, 3, 1]);
    const x = new Float32Array(2 * 2 * 25);
    const w = new Float32Array(3 * 2 * 9);
    let message = '';
    try {
      addon.conv2d(x, w.subarray(1), new Float32Array(p.batch * 3 * 9), P, null);
    } catch (err) {
      message = (err as Error).message;
    }
    if (!/conv2d: sizes or dtypes do not match/.test(message)) throw new Error(`expected a size error, got "${message}"`);
    message = '';
    try {
      addon.conv2d(x, w, new Float32Array(p.batch * 3 * 9), P, new Float32Array(2));
    } catch (err) {
      message = (err as Error).message;
    }
    if (!/conv2d: sizes or dtypes do not match/.test(message)) throw new Error(`expected a size error for a bias of 2 values for 3 channels, got "${message}"`);
  });
});
