import type { Backend, BinaryOp, Conv2dParams, ConvProductParams, MatmulParams, Pool2dParams, UnaryOp } from '../../backend/backend.js';
import { BufferRecycler } from '../../backend/recycler.js';
import { allocate, dtypeOf, type DType, type TypedArray } from '../../tensor/dtype.js';
import { sizeOf, stridesOf, type Shape } from '../../tensor/shape.js';
import { jsBackend } from '../js/index.js';
import { BINARY_CODES, NATIVE_MAX_RANK, REDUCE_CODES, UNARY_CODES, type NativeAddon } from './addon.js';

export { type NativeAddon, type NativeIsa } from './addon.js';

type Kernel = Exclude<keyof Backend, 'name' | 'recycler'>;

/**
 * Kernels this backend hands to the js backend whole, named so that nothing is missing in
 * silence: a kernel added to Backend must be implemented below or listed here, or the build
 * fails. None today; a kernel that arrives before its C++ does goes here.
 */
export const DELEGATED_TO_JS = [] as const satisfies readonly Kernel[];

/**
 * Calls that native kernels hand to js although the kernel is native: arrays too small for a
 * call into C++ to pay (see DEFAULT_THRESHOLDS), and the cases below, which no op of the
 * library produces in practice.
 */
export const DELEGATED_CASES: readonly string[] = [
  'any kernel on arrays below its size threshold (the call into C++ costs more than the loop)',
  `shapes of rank above ${NATIVE_MAX_RANK}`,
  'softmax of int32 arrays',
  'gather and scatterAdd of rank-0 tensors',
];

/**
 * Element counts below which a kernel runs on js: there the fixed cost of a call into C++
 * (≈ 0.2–0.3 µs, plus ≈ 0.3–0.6 µs to move a tiny output array off V8's heap) is more than the js
 * loop takes. Crossovers measured with bench/native-dispatch.js: ≈ 128–256 elements for cheap
 * elementwise ops, reductions and optimizer steps, ≈ 32–64 for exp-like ones and softmax,
 * ≈ 6³ multiply-adds for matmul.
 */
export interface NativeThresholds {
  elementwise: number;
  transcendental: number;
  reduce: number;
  movement: number;
  matmulMacs: number;
  optimizer: number;
}

export const DEFAULT_THRESHOLDS: Readonly<NativeThresholds> = {
  elementwise: 256,
  transcendental: 48,
  reduce: 256,
  movement: 512,
  matmulMacs: 512,
  optimizer: 256,
};

export interface NativeBackendOptions {
  /** Size thresholds (see DEFAULT_THRESHOLDS); zeros send every call to C++, as tests do. */
  thresholds?: Partial<NativeThresholds>;
  /**
   * Makes the output array of a kernel that writes every element, without zeroing it first:
   * zeroing is a pass over memory that the kernel's own pass then repeats (src/node/native.ts
   * gives Node's uninitialised buffers). Outputs that kernels add into are always zeroed.
   */
  allocateUninitialized?: (dtype: DType, size: number) => TypedArray;
  /**
   * Reuse the arrays of a backward pass's dead gradients for later outputs (default true; see
   * backend/recycler.ts). Off, every output is a new array.
   */
  recycle?: boolean;
}

const TRANSCENDENTAL = new Set(['exp', 'log', 'tanh', 'sigmoid', 'gelu', 'erf', 'pow']);

/**
 * The native backend: the kernels of the C++ addon on the tensors' own typed arrays (no copies
 * into or out of C++; outputs are allocated here, as JS typed arrays, and filled there). The
 * addon is passed in, since loading it is Node's business (src/node/native.ts).
 */
export function createNativeBackend(addon: NativeAddon, options: NativeBackendOptions = {}): Backend {
  const SMALL: NativeThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const make = options.allocateUninitialized ?? allocate;
  const recycler = options.recycle === false ? undefined : new BufferRecycler();
  const fresh = recycler === undefined ? make : (dtype: DType, size: number) => recycler.take(dtype, size, make);
  const zeroed = recycler === undefined ? allocate : (dtype: DType, size: number) => recycler.take(dtype, size, allocate, true);
  // The tiniest arrays, the bulk of a scalar graph's ops, leave after one comparison (the op's
  // class is looked up only between the two thresholds), so dispatch costs js nothing measurable.
  const small = (n: number, op: string): boolean =>
    n < SMALL.transcendental || (n < SMALL.elementwise && !TRANSCENDENTAL.has(op));
  // The parameter block each call fills: shapes, strides, codes, hyperparameters. One per
  // backend; calls are synchronous, so it is never shared by two calls at once.
  let P = new Float64Array(256);
  const params = (length: number): Float64Array => {
    if (length > P.length) P = new Float64Array(Math.max(length, 2 * P.length));
    return P;
  };
  const putShape = (at: number, shape: Shape): number => {
    P[at] = shape.length;
    for (let d = 0; d < shape.length; d++) P[at + 1 + d] = shape[d];
    return at + 1 + shape.length;
  };
  const castTo = (x: TypedArray, dtype: DType): TypedArray => {
    if (dtypeOf(x) === dtype) return x;
    const out = fresh(dtype, x.length);
    addon.cast(x, out);
    return out;
  };

  // permute, expand and slice are one strided copy: out[i…] = x[offset + Σ i_d·strides_d].
  const strided = (x: TypedArray, outShape: Shape, strides: readonly number[], offset: number): TypedArray => {
    const out = fresh(dtypeOf(x), sizeOf(outShape));
    const rank = outShape.length;
    params(2 + 2 * rank);
    P[0] = offset;
    P[1] = rank;
    for (let d = 0; d < rank; d++) {
      P[2 + d] = outShape[d];
      P[2 + rank + d] = strides[d];
    }
    addon.strided(x, out, P);
    return out;
  };

  const jsUnary = jsBackend.unary;
  const jsBinary = jsBackend.binary;
  const nativeUnary = (op: UnaryOp, x: TypedArray, outDtype: DType, param: number): TypedArray => {
    const out = fresh(outDtype, x.length);
    P[0] = UNARY_CODES[op];
    P[1] = param;
    addon.unary(x, out, P);
    return out;
  };
  const nativeBinary = (op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape, outDtype: DType, n: number): TypedArray => {
    const out = fresh(outDtype, n);
    params(4 + 3 * outShape.length);
    P[0] = BINARY_CODES[op];
    putShape(putShape(putShape(1, outShape), aShape), bShape);
    addon.binary(a, b, out, P);
    return out;
  };

  const native: Omit<Backend, 'name' | (typeof DELEGATED_TO_JS)[number]> = {
    // unary and binary carry a scalar graph's every op: their small-array path is kept to a
    // comparison and a call, small enough for V8 to inline into the op that called it.
    unary(op, x, outDtype, param = 0) {
      if (small(x.length, op)) return jsUnary(op, x, outDtype, param);
      return nativeUnary(op, x, outDtype, param);
    },

    binary(op, a, aShape, b, bShape, outShape, outDtype) {
      const n = sizeOf(outShape);
      if (small(n, op) || outShape.length > NATIVE_MAX_RANK) return jsBinary(op, a, aShape, b, bShape, outShape, outDtype);
      return nativeBinary(op, a, aShape, b, bShape, outShape, outDtype, n);
    },

    where(cond, condShape, a, aShape, b, bShape, outShape, outDtype) {
      const n = sizeOf(outShape);
      if (n < SMALL.elementwise || outShape.length > NATIVE_MAX_RANK) {
        return jsBackend.where(cond, condShape, a, aShape, b, bShape, outShape, outDtype);
      }
      const out = fresh(outDtype, n);
      params(4 + 4 * outShape.length);
      putShape(putShape(putShape(putShape(0, outShape), condShape), aShape), bShape);
      addon.where(cond, castTo(a, outDtype), castTo(b, outDtype), out, P);
      return out;
    },

    clamp(x, min, max) {
      if (x.length < SMALL.elementwise) return jsBackend.clamp(x, min, max);
      const out = fresh(dtypeOf(x), x.length);
      P[0] = min;
      P[1] = max;
      addon.clamp(x, out, P);
      return out;
    },

    cast(x, dtype) {
      if (x.length < SMALL.elementwise) return jsBackend.cast(x, dtype);
      const out = fresh(dtype, x.length);
      addon.cast(x, out);
      return out;
    },

    reduce(op, x, shape, axes) {
      if (x.length < SMALL.reduce || axes.length === 0 || shape.length > NATIVE_MAX_RANK) return jsBackend.reduce(op, x, shape, axes);
      const rank = shape.length;
      params(2 + 2 * rank);
      P[0] = REDUCE_CODES[op];
      P[1] = rank;
      let kept = 1;
      for (let d = 0; d < rank; d++) {
        P[2 + d] = shape[d];
        P[2 + rank + d] = 0;
      }
      for (const axis of axes) P[2 + rank + axis] = 1;
      for (let d = 0; d < rank; d++) if (P[2 + rank + d] === 0) kept *= shape[d];
      const out = zeroed(dtypeOf(x), kept);
      addon.reduce(x, out, P);
      return out;
    },

    argReduce(op, x, shape, axis) {
      if (x.length < SMALL.reduce) return jsBackend.argReduce(op, x, shape, axis);
      const [outer, size, inner] = around(shape, axis);
      const out = new Int32Array(outer * inner);
      P[0] = op === 'argmin' ? 1 : 0;
      P[1] = outer;
      P[2] = size;
      P[3] = inner;
      addon.argReduce(x, out, P);
      return out;
    },

    softmax(x, shape, axis, log) {
      if (x.length < SMALL.transcendental || x instanceof Int32Array) return jsBackend.softmax(x, shape, axis, log);
      const [outer, size, inner] = around(shape, axis);
      const out = fresh(dtypeOf(x), x.length);
      P[0] = log ? 1 : 0;
      P[1] = outer;
      P[2] = size;
      P[3] = inner;
      addon.softmax(x, out, P);
      return out;
    },

    matmul(a, b, p: MatmulParams, outDtype) {
      const { batch, m, n, k } = p;
      if (batch * m * n * k < SMALL.matmulMacs) return jsBackend.matmul(a, b, p, outDtype);
      const out = fresh(outDtype, batch * m * n);
      P[0] = batch;
      P[1] = m;
      P[2] = n;
      P[3] = k;
      P[4] = p.transA ? 1 : 0;
      P[5] = p.transB ? 1 : 0;
      P[6] = p.strideA;
      P[7] = p.strideB;
      addon.matmul(castTo(a, outDtype), castTo(b, outDtype), out, P);
      return out;
    },

    permute(x, shape, perm) {
      if (x.length < SMALL.movement || shape.length > NATIVE_MAX_RANK) return jsBackend.permute(x, shape, perm);
      const inStrides = stridesOf(shape);
      return strided(x, perm.map((p) => shape[p]), perm.map((p) => inStrides[p]), 0);
    },

    expand(x, shape, outShape) {
      if (sizeOf(outShape) < SMALL.movement || outShape.length > NATIVE_MAX_RANK) return jsBackend.expand(x, shape, outShape);
      const inStrides = stridesOf(shape);
      const lead = outShape.length - shape.length;
      return strided(x, outShape, outShape.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : inStrides[d - lead])), 0);
    },

    slice(x, shape, begin, step, outShape) {
      if (sizeOf(outShape) < SMALL.movement || shape.length > NATIVE_MAX_RANK) return jsBackend.slice(x, shape, begin, step, outShape);
      const inStrides = stridesOf(shape);
      let offset = 0;
      for (let d = 0; d < shape.length; d++) offset += begin[d] * inStrides[d];
      return strided(x, outShape, inStrides.map((s, d) => s * step[d]), offset);
    },

    unslice(x, sliceShape, begin, step, outShape) {
      if (x.length < SMALL.movement || outShape.length > NATIVE_MAX_RANK) return jsBackend.unslice(x, sliceShape, begin, step, outShape);
      const out = zeroed(dtypeOf(x), sizeOf(outShape));
      const outStrides = stridesOf(outShape);
      const rank = sliceShape.length;
      params(2 + 2 * rank);
      let offset = 0;
      for (let d = 0; d < rank; d++) {
        offset += begin[d] * outStrides[d];
        P[2 + d] = sliceShape[d];
        P[2 + rank + d] = outStrides[d] * step[d];
      }
      P[0] = offset;
      P[1] = rank;
      addon.unslice(x, out, P);
      return out;
    },

    concat(xs, shapes, axis, outDtype) {
      const first = shapes[0];
      let outer = 1;
      for (let d = 0; d < axis; d++) outer *= first[d];
      let inner = 1;
      for (let d = axis + 1; d < first.length; d++) inner *= first[d];
      let total = 0;
      for (const s of shapes) total += s[axis] * inner;
      if (outer * total < SMALL.movement) return jsBackend.concat(xs, shapes, axis, outDtype);
      const out = fresh(outDtype, outer * total);
      params(2 + xs.length);
      P[0] = outer;
      P[1] = xs.length;
      for (let t = 0; t < xs.length; t++) P[2 + t] = shapes[t][axis] * inner;
      addon.concat(xs.map((x) => castTo(x, outDtype)), out, P);
      return out;
    },

    gather(x, shape, index, indexShape, axis) {
      if (index.length < SMALL.movement || shape.length === 0 || shape.length > NATIVE_MAX_RANK) return jsBackend.gather(x, shape, index, indexShape, axis);
      const out = fresh(dtypeOf(x), index.length);
      addon.gather(x, index, out, indexParams(axis, indexShape, shape));
      return out;
    },

    scatterAdd(x, index, indexShape, axis, outShape) {
      if (index.length < SMALL.movement || outShape.length === 0 || outShape.length > NATIVE_MAX_RANK) return jsBackend.scatterAdd(x, index, indexShape, axis, outShape);
      const out = zeroed(dtypeOf(x), sizeOf(outShape));
      addon.scatterAdd(x, index, out, indexParams(axis, indexShape, outShape));
      return out;
    },

    im2col(x, p) {
      const size = p.channels * p.kernelH * p.kernelW * p.batch * p.outH * p.outW;
      if (size < SMALL.movement) return jsBackend.im2col(x, p);
      const out = fresh(dtypeOf(x), size);
      addon.im2col(x, out, convParams(p));
      return out;
    },

    col2im(cols, p) {
      if (cols.length < SMALL.movement) return jsBackend.col2im(cols, p);
      const out = fresh(dtypeOf(cols), p.batch * p.channels * p.height * p.width);
      addon.col2im(cols, out, convParams(p));
      return out;
    },

    conv2d(x, w, p, bias) {
      if (x instanceof Int32Array || convMacs(p) < SMALL.matmulMacs) return jsBackend.conv2d(x, w, p, bias);
      const out = fresh(dtypeOf(x), p.batch * p.outChannels * p.outH * p.outW);
      addon.conv2d(x, w, out, convProductParams(p), bias);
      return out;
    },

    conv2dInput(g, w, p) {
      if (g instanceof Int32Array || convMacs(p) < SMALL.matmulMacs) return jsBackend.conv2dInput(g, w, p);
      const out = fresh(dtypeOf(g), p.batch * p.channels * p.height * p.width);
      addon.conv2dInput(g, w, out, convProductParams(p));
      return out;
    },

    conv2dWeight(x, g, p) {
      if (x instanceof Int32Array || convMacs(p) < SMALL.matmulMacs) return jsBackend.conv2dWeight(x, g, p);
      const out = fresh(dtypeOf(x), p.outChannels * (p.channels / p.groups) * p.kernelH * p.kernelW);
      addon.conv2dWeight(x, g, out, convProductParams(p));
      return out;
    },

    conv2dWeightAndBias(x, g, p) {
      if (x instanceof Int32Array || convMacs(p) < SMALL.matmulMacs) return jsBackend.conv2dWeightAndBias(x, g, p);
      const weight = fresh(dtypeOf(x), p.outChannels * (p.channels / p.groups) * p.kernelH * p.kernelW);
      const bias = fresh(dtypeOf(x), p.outChannels);
      addon.conv2dWeight(x, g, weight, convProductParams(p), bias);
      return { weight, bias };
    },

    maxPool2d(x, p) {
      if (x.length < SMALL.movement) return jsBackend.maxPool2d(x, p);
      const values = fresh(dtypeOf(x), p.planes * p.outH * p.outW);
      const argmax = fresh('int32', values.length) as Int32Array;
      addon.maxPool2d(x, values, argmax, poolParams(p, p.dilationH, p.dilationW));
      return { values, argmax };
    },

    maxPool2dBackward(g, argmax, p) {
      if (g.length < SMALL.movement) return jsBackend.maxPool2dBackward(g, argmax, p);
      const dx = fresh(dtypeOf(g), p.planes * p.height * p.width);
      addon.maxPool2dBackward(g, argmax, dx, poolParams(p, p.dilationH, p.dilationW));
      return dx;
    },

    avgPool2d(x, p) {
      if (x.length < SMALL.movement) return jsBackend.avgPool2d(x, p);
      const y = fresh(dtypeOf(x), p.planes * p.outH * p.outW);
      addon.avgPool2d(x, y, poolParams(p, p.countIncludePad ? 1 : 0, 0));
      return y;
    },

    avgPool2dBackward(g, p) {
      if (g.length < SMALL.movement) return jsBackend.avgPool2dBackward(g, p);
      const dx = fresh(dtypeOf(g), p.planes * p.height * p.width);
      addon.avgPool2dBackward(g, dx, poolParams(p, p.countIncludePad ? 1 : 0, 0));
      return dx;
    },

    sgdStep(p, g, momentumBuf, h) {
      if (p.length < SMALL.optimizer) return jsBackend.sgdStep(p, g, momentumBuf, h);
      P[0] = h.lr;
      P[1] = h.momentum;
      P[2] = h.dampening;
      P[3] = h.weightDecay;
      P[4] = h.nesterov ? 1 : 0;
      P[5] = h.maximize ? 1 : 0;
      P[6] = h.freshBuffer ? 1 : 0;
      addon.sgdStep(p, g, momentumBuf, P);
    },

    adamStep(p, g, expAvg, expAvgSq, maxExpAvgSq, h) {
      if (p.length < SMALL.optimizer) return jsBackend.adamStep(p, g, expAvg, expAvgSq, maxExpAvgSq, h);
      // The scalars that need ** are computed here, exactly as the js kernel computes them.
      P[0] = h.lr / (1 - h.beta1 ** h.step);
      P[1] = h.beta1;
      P[2] = h.beta2;
      P[3] = h.eps;
      P[4] = h.weightDecay;
      P[5] = h.decoupled ? 1 : 0;
      P[6] = h.maximize ? 1 : 0;
      P[7] = Math.sqrt(1 - h.beta2 ** h.step);
      P[8] = 1 - h.lr * h.weightDecay;
      addon.adamStep(p, g, expAvg, expAvgSq, maxExpAvgSq, P);
    },

    rmspropStep(p, g, squareAvg, gradAvg, momentumBuf, h) {
      if (p.length < SMALL.optimizer) return jsBackend.rmspropStep(p, g, squareAvg, gradAvg, momentumBuf, h);
      P[0] = h.lr;
      P[1] = h.alpha;
      P[2] = h.eps;
      P[3] = h.weightDecay;
      P[4] = h.momentum;
      P[5] = h.maximize ? 1 : 0;
      addon.rmspropStep(p, g, squareAvg, gradAvg, momentumBuf, P);
    },
  };

  /** Multiply-adds of one convolution map (all three have the same count). */
  function convMacs(p: ConvProductParams): number {
    return p.batch * p.outChannels * p.outH * p.outW * (p.channels / p.groups) * p.kernelH * p.kernelW;
  }

  function convParams(p: Conv2dParams): Float64Array {
    const fields = [p.batch, p.channels, p.height, p.width, p.kernelH, p.kernelW, p.outH, p.outW, p.strideH, p.strideW, p.padTop, p.padLeft, p.dilationH, p.dilationW];
    for (let i = 0; i < fields.length; i++) P[i] = fields[i];
    return P;
  }

  function convProductParams(p: ConvProductParams): Float64Array {
    convParams(p);
    P[14] = p.outChannels;
    P[15] = p.groups;
    return P;
  }

  // The pooling geometry, then two fields the kinds differ in (max: dilations; average:
  // countIncludePad).
  function poolParams(p: Pool2dParams, extra0: number, extra1: number): Float64Array {
    const fields = [p.planes, p.height, p.width, p.kernelH, p.kernelW, p.outH, p.outW, p.strideH, p.strideW, p.padH, p.padW, extra0, extra1];
    for (let i = 0; i < fields.length; i++) P[i] = fields[i];
    return P;
  }

  function indexParams(axis: number, indexShape: Shape, target: Shape): Float64Array {
    const rank = indexShape.length;
    params(2 + 2 * rank);
    P[0] = axis;
    P[1] = rank;
    for (let d = 0; d < rank; d++) {
      P[2 + d] = indexShape[d];
      P[2 + rank + d] = target[d];
    }
    return P;
  }

  return { name: 'native', recycler, ...native, ...pick(jsBackend, DELEGATED_TO_JS) };
}

/** Splits a shape around one axis into outer × size × inner. */
function around(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape.length === 0 ? 1 : shape[axis], inner];
}

function pick<K extends Kernel>(from: Backend, names: readonly K[]): Pick<Backend, K> {
  const out = {} as Pick<Backend, K>;
  for (const name of names) out[name] = from[name];
  return out;
}
