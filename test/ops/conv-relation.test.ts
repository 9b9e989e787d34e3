import { describe, expect, it } from 'vitest';
import { Generator, concat, conv1d, conv2d, randn, stack, zeros, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

// The lecture's statement, checked on random geometries: the backward pass of a convolution is
// made of convolutions. With y = conv2d(x, w) (stride s, padding p, dilation d, groups G) and an
// upstream gradient g shaped like y,
//   ∂L/∂w = the correlation of x with g: conv2d with g as the kernel, whose taps are s apart
//           (dilation s) and whose windows step d (stride d), over channel-swapped operands;
//   ∂L/∂x = the full convolution of g with the flipped kernel: g with s − 1 zeros between its
//           elements, padded by d(k − 1) − p, correlated with w reversed in space and with its
//           in/out channels swapped within each group.
// Autograd computes both with im2col/col2im (src/ops/conv.ts); here they are rebuilt from the
// public conv2d alone and compared.

const f64 = { dtype: 'float64' as const };

/** Reverses dimension dim. */
function flip(t: Tensor, dim: number): Tensor {
  const n = t.shape[dim];
  return concat(Array.from({ length: n }, (_, i) => t.slice(dim, n - 1 - i, n - i)), dim);
}

/** Puts s − 1 zeros between consecutive elements along dim. */
function dilate(t: Tensor, dim: number, s: number): Tensor {
  if (s === 1) return t;
  const n = t.shape[dim];
  const spread = stack([t, ...Array.from({ length: s - 1 }, () => zeros(t.shape, f64))], dim + 1);
  const shape = t.shape.slice();
  shape[dim] = n * s;
  return spread.reshape(shape).slice(dim, 0, (n - 1) * s + 1);
}

/** Zeros before and after along dim; a negative amount cuts instead. */
function pad(t: Tensor, dim: number, before: number, after: number): Tensor {
  let out = t.slice(dim, Math.max(0, -before), t.shape[dim] - Math.max(0, -after));
  const block = (k: number): Tensor => {
    const shape = out.shape.slice();
    shape[dim] = k;
    return zeros(shape, f64);
  };
  if (before > 0) out = concat([block(before), out], dim);
  if (after > 0) out = concat([out, block(after)], dim);
  return out;
}

interface Geometry { n: number; inC: number; outC: number; groups: number; size: number[]; kernel: number[]; stride: number[]; padding: number[]; dilation: number[] }

function inputGradient(g: Tensor, w: Tensor, q: Geometry): Tensor {
  let full = g;
  for (let d = 0; d < 2; d++) {
    const dim = d + 2;
    full = dilate(full, dim, q.stride[d]);
    const before = q.dilation[d] * (q.kernel[d] - 1) - q.padding[d];
    // Enough after to reach the input's size (the rows a stride skipped get zero gradient).
    const after = q.size[d] - full.shape[dim] - before + q.dilation[d] * (q.kernel[d] - 1);
    full = pad(full, dim, before, after);
  }
  // [O, C/G, kH, kW] → [C, O/G, kH, kW]: swap in and out channels within each group.
  const G = q.groups;
  const swapped = w.reshape(G, q.outC / G, q.inC / G, q.kernel[0], q.kernel[1]).transpose(1, 2).reshape(q.inC, q.outC / G, q.kernel[0], q.kernel[1]);
  return conv2d(full, flip(flip(swapped, 2), 3), null, { dilation: [q.dilation[0], q.dilation[1]], groups: G });
}

function weightGradient(x: Tensor, g: Tensor, q: Geometry): Tensor {
  const G = q.groups;
  const [h, wd] = q.size;
  // Samples become channels, channels become samples, grouped so that group i's input channels
  // meet group i's output gradients: x' [C/G, G·N, H, W], g' [O, N, Ho, Wo].
  const xs = x.reshape(q.n, G, q.inC / G, h, wd).permute(2, 1, 0, 3, 4).reshape(q.inC / G, G * q.n, h, wd);
  const gs = g.transpose(0, 1);
  const corr = conv2d(xs, gs, null, {
    stride: [q.dilation[0], q.dilation[1]], dilation: [q.stride[0], q.stride[1]], padding: [q.padding[0], q.padding[1]], groups: G,
  });
  // A strided forward may leave input rows unread; the correlation then has extra trailing taps.
  return corr.slice(2, 0, q.kernel[0]).slice(3, 0, q.kernel[1]).transpose(0, 1);
}

function randomGeometry(gen: Generator): Geometry {
  const pick = <T>(xs: T[]): T => xs[gen.integer(0, xs.length)];
  const groups = pick([1, 1, 2]);
  const kernel = [pick([1, 2, 3]), pick([1, 2, 3])];
  const dilation = [pick([1, 2]), pick([1, 2])];
  const padding = kernel.map((k) => gen.integer(0, k + 1));
  const stride = [pick([1, 2, 3]), pick([1, 2])];
  const size = kernel.map((k, d) => Math.max(1, dilation[d] * (k - 1) + 1 - 2 * padding[d]) + gen.integer(0, 4));
  return { n: pick([1, 2]), inC: groups * pick([1, 2]), outC: groups * pick([1, 2]), groups, size, kernel, stride, padding, dilation };
}

describe('the backward pass of a convolution is a convolution', () => {
  const gen = new Generator(2002);
  for (let i = 0; i < 12; i++) {
    const q = randomGeometry(gen);
    it(`conv2d ${JSON.stringify(q)}`, () => {
      const x = randn([q.n, q.inC, ...q.size], { ...f64, generator: gen, requiresGrad: true });
      const w = randn([q.outC, q.inC / q.groups, ...q.kernel], { ...f64, generator: gen, requiresGrad: true });
      const y = conv2d(x, w, null, {
        stride: [q.stride[0], q.stride[1]], padding: [q.padding[0], q.padding[1]], dilation: [q.dilation[0], q.dilation[1]], groups: q.groups,
      });
      const g = randn(y.shape, { ...f64, generator: gen });
      y.backward(g);
      expectAllClose(x.grad as Tensor, inputGradient(g, w.detach(), q), { atol: 1e-12, rtol: 1e-12 });
      expectAllClose(w.grad as Tensor, weightGradient(x.detach(), g, q), { atol: 1e-12, rtol: 1e-12 });
    });
  }

  it('conv1d: the same relations in one dimension (stride 2, padding 1, dilation 2)', () => {
    const x = randn([2, 3, 11], { ...f64, generator: gen, requiresGrad: true });
    const w = randn([2, 3, 3], { ...f64, generator: gen, requiresGrad: true });
    const y = conv1d(x, w, null, { stride: 2, padding: 1, dilation: 2 });
    const g = randn(y.shape, { ...f64, generator: gen });
    y.backward(g);
    const q: Geometry = { n: 2, inC: 3, outC: 2, groups: 1, size: [1, 11], kernel: [1, 3], stride: [1, 2], padding: [0, 1], dilation: [1, 2] };
    const as2d = (t: Tensor): Tensor => t.unsqueeze(2);
    expectAllClose((x.grad as Tensor).unsqueeze(2), inputGradient(as2d(g), as2d(w.detach()), q), { atol: 1e-12 });
    expectAllClose((w.grad as Tensor).unsqueeze(2), weightGradient(as2d(x.detach()), as2d(g), q), { atol: 1e-12 });
    expect(x.grad?.shape).toEqual([2, 3, 11]);
  });
});
