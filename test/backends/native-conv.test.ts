import { describe, expect, it } from 'vitest';
import type { AvgPool2dParams, Conv2dParams, MaxPool2dParams } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backends/js/index.js';
import { DTYPES, FLOAT_DTYPES, ISAS, Rng, addon, expectSame, native, useIsa } from './native-helpers.js';

// im2col/col2im and 2-D pooling of the native backend against the js backend, on random
// geometries (strides, paddings, dilations, odd sizes): the same arithmetic in the same order,
// so bit for bit.

function randomConv(rng: Rng): Conv2dParams {
  for (;;) {
    const kernelH = rng.int(1, 4), kernelW = rng.int(1, 4);
    const dilationH = rng.int(1, 2), dilationW = rng.int(1, 2);
    const strideH = rng.int(1, 3), strideW = rng.int(1, 3);
    const height = rng.int(1, 17), width = rng.int(1, 17);
    const padTop = rng.int(0, kernelH - 1), padLeft = rng.int(0, kernelW - 1);
    const outH = Math.floor((height + 2 * padTop - dilationH * (kernelH - 1) - 1) / strideH) + 1;
    const outW = Math.floor((width + 2 * padLeft - dilationW * (kernelW - 1) - 1) / strideW) + 1;
    if (outH < 1 || outW < 1) continue;
    return { batch: rng.int(1, 3), channels: rng.int(1, 5), height, width, kernelH, kernelW, outH, outW, strideH, strideW, padTop, padLeft, dilationH, dilationW };
  }
}

function randomPool(rng: Rng): MaxPool2dParams & AvgPool2dParams {
  for (;;) {
    const kernelH = rng.int(1, 4), kernelW = rng.int(1, 4);
    const strideH = rng.int(1, 3), strideW = rng.int(1, 3);
    const height = rng.int(1, 20), width = rng.int(1, 20);
    const padH = rng.int(0, Math.floor(kernelH / 2)), padW = rng.int(0, Math.floor(kernelW / 2));
    const ceil = rng.next() < 0.3;
    const round = ceil ? Math.ceil : Math.floor;
    let outH = round((height + 2 * padH - kernelH) / strideH) + 1;
    let outW = round((width + 2 * padW - kernelW) / strideW) + 1;
    // PyTorch's ceil-mode rule: the last window must start inside the input or its left padding.
    if (ceil && (outH - 1) * strideH >= height + padH) outH--;
    if (ceil && (outW - 1) * strideW >= width + padW) outW--;
    if (outH < 1 || outW < 1) continue;
    return { planes: rng.int(1, 12), height, width, kernelH, kernelW, outH, outW, strideH, strideW, padH, padW, dilationH: 1, dilationW: 1, countIncludePad: rng.next() < 0.5 };
  }
}

describe('native convolution and pooling kernels', () => {
  it('im2col and col2im on random geometries', () => {
    const rng = new Rng(51);
    for (const dtype of DTYPES) {
      for (let t = 0; t < 60; t++) {
        const p = randomConv(rng);
        const x = rng.array(dtype, p.batch * p.channels * p.height * p.width);
        const what = `${dtype} ${JSON.stringify(p)}`;
        const cols = native.im2col(x, p);
        expectSame(cols, jsBackend.im2col(x, p), `im2col ${what}`);
        const g = rng.array(dtype, cols.length);
        expectSame(native.col2im(g, p), jsBackend.col2im(g, p), `col2im ${what}`);
      }
    }
  });

  it('max pooling (values, argmax, and its backward) with ties and NaN', () => {
    const rng = new Rng(52);
    for (const dtype of FLOAT_DTYPES) {
      for (let t = 0; t < 60; t++) {
        const p = randomPool(rng);
        const x = rng.array(dtype, p.planes * p.height * p.width, -2, 2);
        for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2) / 2; // ties
        if (t % 5 === 0) x[rng.int(0, x.length - 1)] = NaN;
        const what = `${dtype} ${JSON.stringify(p)}`;
        const got = native.maxPool2d(x, p);
        const want = jsBackend.maxPool2d(x, p);
        expectSame(got.values, want.values, `maxPool2d values ${what}`);
        expectSame(got.argmax, want.argmax, `maxPool2d argmax ${what}`);
        const g = rng.array(dtype, want.values.length);
        expectSame(native.maxPool2dBackward(g, want.argmax, p), jsBackend.maxPool2dBackward(g, want.argmax, p), `maxPool2dBackward ${what}`);
      }
    }
  });

  // The float32 vector kernels (native/pool-2x2.cc) on every instruction set and on 1–3 threads:
  // rows shorter and longer than a vector, odd sizes, a thread range ending mid-array. Backward
  // is given the forward's argmax, and also one pointing outside its window (the general loop's
  // fallback), and gradients of −0.
  it('2×2 max pooling at stride 2 (its own fast loops) with ties, NaN and odd sizes, every path', () => {
    const rng = new Rng(54);
    const threads = addon.threads();
    try {
      for (const isa of ISAS) {
        useIsa(isa);
        for (let t = 0; t < 36; t++) {
          addon.setThreads(1 + (t % 3));
          const dtype = FLOAT_DTYPES[t % 6 === 5 ? 1 : 0];
          const height = rng.int(2, 15), width = t % 3 === 0 ? rng.int(30, 70) : rng.int(2, 30);
          const p = { planes: rng.int(1, 9), height, width, kernelH: 2, kernelW: 2, outH: Math.floor(height / 2), outW: Math.floor(width / 2), strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 };
          const x = rng.array(dtype, p.planes * height * width, -2, 2);
          for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i]); // many ties
          for (let k = 0; k < t % 4; k++) x[rng.int(0, x.length - 1)] = NaN;
          const what = `${isa} ${dtype} ${JSON.stringify(p)}`;
          const got = native.maxPool2d(x, p);
          const want = jsBackend.maxPool2d(x, p);
          expectSame(got.values, want.values, `maxPool2d values ${what}`);
          expectSame(got.argmax, want.argmax, `maxPool2d argmax ${what}`);
          const g = rng.array(dtype, want.values.length);
          g[rng.int(0, g.length - 1)] = -0;
          expectSame(native.maxPool2dBackward(g, want.argmax, p), jsBackend.maxPool2dBackward(g, want.argmax, p), `maxPool2dBackward ${what}`);
          const stray = want.argmax.slice();
          stray[rng.int(0, stray.length - 1)] = rng.int(0, height * width - 1);
          expectSame(native.maxPool2dBackward(g, stray, p), jsBackend.maxPool2dBackward(g, stray, p), `maxPool2dBackward, an argmax out of its window, ${what}`);
        }
      }
    } finally {
      addon.setThreads(threads);
      useIsa(addon.bestIsa());
    }
  });

  it('average pooling and its backward, counting padding or not', () => {
    const rng = new Rng(53);
    for (const dtype of FLOAT_DTYPES) {
      for (let t = 0; t < 60; t++) {
        const p = randomPool(rng);
        const x = rng.array(dtype, p.planes * p.height * p.width);
        const what = `${dtype} ${JSON.stringify(p)}`;
        const y = native.avgPool2d(x, p);
        expectSame(y, jsBackend.avgPool2d(x, p), `avgPool2d ${what}`);
        const g = rng.array(dtype, y.length);
        expectSame(native.avgPool2dBackward(g, p), jsBackend.avgPool2dBackward(g, p), `avgPool2dBackward ${what}`);
      }
    }
  });

  it('a conv layer trains alike on both backends', async () => {
    const { manualSeed, nn, randn, setBackend } = await import('../../src/index.js');
    await import('../../src/node/native.js');
    const out: Record<string, number[]> = {};
    for (const name of ['js', 'native']) {
      setBackend(name);
      manualSeed(3);
      const model = new nn.Sequential(new nn.Conv2d(2, 6, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(6, 4, 3), new nn.AvgPool2d(2));
      const x = randn([4, 2, 14, 14]);
      const y = model.forward(x);
      y.square().sum().backward();
      out[name] = [...Array.from(y.data), ...Array.from(model.parameters()[0].grad!.data)];
    }
    setBackend('js');
    expect(out.native.length).toBe(out.js.length);
    for (let i = 0; i < out.js.length; i++) expect(Math.abs(out.native[i] - out.js[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(out.js[i])));
  });
});
