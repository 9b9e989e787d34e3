// How each tensor op is written with scalar ops, for the scalar view: given the scalars of a
// node's inputs (one 0-d tensor per element, row-major), make the scalars of its output with the
// library's own ops, so that the scalar graph is recorded and differentiated by the same engine.
// An op missing here has no scalar form; explain says so rather than guess.
import type { ConvAttrs } from '../ops/conv.js';
import { apply } from '../ops/apply.js';
import type { Node } from '../ops/op.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { sizeOf, stridesOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { unravel } from './names.js';

type Scalars = readonly Tensor[];

export interface Expansion {
  /** The output's scalars from the inputs' scalars. */
  make(node: Node, xs: readonly Scalars[]): Tensor[];
  /** How many scalar nodes make() records, to refuse a graph too large before building any. */
  cost(node: Node): number;
}

function attrs<A>(node: Node): A {
  return node.attrs as A;
}

function dot(index: readonly number[], strides: readonly number[]): number {
  let at = 0;
  for (let d = 0; d < index.length; d++) at += index[d] * strides[d];
  return at;
}

/** For each flat position of `out`, the flat position of the input of shape `shape` that broadcasts to it. */
function broadcastSource(out: Shape, shape: Shape): number[] {
  const lead = out.length - shape.length;
  const strides = stridesOf(shape);
  const source = new Array<number>(sizeOf(out));
  for (let i = 0; i < source.length; i++) {
    const o = unravel(i, out);
    let at = 0;
    for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) at += o[d + lead] * strides[d];
    source[i] = at;
  }
  return source;
}

function zero(dtype: DType): Tensor {
  return new Tensor(allocate(dtype, 1), [], dtype);
}

/** t₀ + t₁ + … added left to right, as the lectures write z = x₁w₁ + x₂w₂ + b. */
function fold(terms: readonly Tensor[], dtype: DType): Tensor {
  if (terms.length === 0) return zero(dtype);
  let acc = terms[0];
  for (let i = 1; i < terms.length; i++) acc = acc.add(terms[i]);
  return acc;
}

/** Positions moved, not computed: no scalar nodes. */
function moved(map: (node: Node) => number[]): Expansion {
  return { make: (node, [x]) => map(node).map((at) => x[at]), cost: () => 0 };
}

// The same op on each element, inputs broadcast: the recorded op itself, applied to scalars.
const elementwise: Expansion = {
  make: (node, xs) => {
    const sources = node.inputs.map((x) => broadcastSource(node.output.shape, x.shape));
    const out: Tensor[] = [];
    for (let i = 0; i < node.output.size; i++) out.push(apply(node.op, xs.map((s, j) => s[sources[j][i]]), node.attrs));
    return out;
  },
  cost: (node) => node.output.size,
};

const identity: Expansion = { make: (_node, [x]) => x.slice(), cost: () => 0 };

// Each output element is the sum of the input elements that reduce onto it.
const sum: Expansion = {
  make: (node, [x]) => {
    const input = node.inputs[0];
    const { axes } = attrs<{ axes: readonly number[] }>(node);
    const kept = stridesOf(input.shape.map((d, k) => (axes.includes(k) ? 1 : d)));
    const groups: Tensor[][] = Array.from({ length: node.output.size }, () => []);
    for (let i = 0; i < input.size; i++) {
      const index = unravel(i, input.shape);
      groups[dot(index.map((v, d) => (axes.includes(d) ? 0 : v)), kept)].push(x[i]);
    }
    return groups.map((terms) => fold(terms, node.output.dtype));
  },
  cost: (node) => node.inputs[0].size,
};

// C[i, j] = Σₖ A[i, k]·B[k, j] per batch: the lectures' z_a = x₁w₁ + x₂w₃.
const matmul: Expansion = {
  make: (node, [A, B]) => {
    const [a, b] = node.inputs;
    const { transA, transB } = attrs<{ transA: boolean; transB: boolean }>(node);
    const [aRows, aCols] = a.shape.slice(-2);
    const [bRows, bCols] = b.shape.slice(-2);
    const m = transA ? aCols : aRows;
    const k = transA ? aRows : aCols;
    const n = transB ? bRows : bCols;
    const batch = node.output.shape.slice(0, -2);
    const batchA = broadcastSource(batch, a.shape.slice(0, -2));
    const batchB = broadcastSource(batch, b.shape.slice(0, -2));
    const out: Tensor[] = [];
    for (let t = 0; t < sizeOf(batch); t++) {
      const offA = batchA[t] * aRows * aCols;
      const offB = batchB[t] * bRows * bCols;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const terms: Tensor[] = [];
          for (let kk = 0; kk < k; kk++) {
            const ai = offA + (transA ? kk * aCols + i : i * aCols + kk);
            const bi = offB + (transB ? j * bCols + kk : kk * bCols + j);
            terms.push(A[ai].mul(B[bi]));
          }
          out.push(fold(terms, node.output.dtype));
        }
      }
    }
    return out;
  },
  cost: (node) => {
    const a = node.inputs[0];
    const k = attrs<{ transA: boolean }>(node).transA ? a.shape[a.ndim - 2] : a.shape[a.ndim - 1];
    return node.output.size * Math.max(1, 2 * k - 1);
  },
};

// ŷᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}, and log ŷᵢ = xᵢ − ln Σⱼ e^{xⱼ}, along the axis.
function softmaxOf(log: boolean): Expansion {
  return {
    make: (node, [x]) => {
      const input = node.inputs[0];
      const { axis } = attrs<{ axis: number }>(node);
      const stride = stridesOf(input.shape)[axis];
      const out = new Array<Tensor>(x.length);
      for (let i = 0; i < input.size; i++) {
        if (unravel(i, input.shape)[axis] !== 0) continue;
        const members = Array.from({ length: input.shape[axis] }, (_, j) => i + j * stride);
        // exp overflows past about 88 (float32): beyond a safe size, shift by the largest value,
        // a constant that changes neither the result nor its gradient. The lectures' small
        // values stay unshifted, so the expansion reads as the formula.
        const top = Math.max(...members.map((at) => input.data[at]));
        const shifted = members.map((at) => (Math.abs(top) > 20 ? x[at].sub(top) : x[at]));
        const e = shifted.map((s) => s.exp());
        const total = fold(e, node.output.dtype);
        const lse = log ? total.log() : null;
        members.forEach((at, j) => { out[at] = lse === null ? e[j].div(total) : shifted[j].sub(lse); });
      }
      return out;
    },
    cost: (node) => 4 * node.output.size,
  };
}

// y[n, o, p, q] = Σ_{c, i, j} x[n, c, p·s + i·d − pad, q·s + j·d − pad]·w[o, c, i, j] (+ b[o]),
// taps in the zero padding left out; the bias is the last term, as the backend adds it last.
const conv2d: Expansion = {
  make: (node, [X, Wt, B]) => {
    const [x, w] = node.inputs;
    const a = attrs<ConvAttrs>(node);
    const [N, , H, Wd] = x.shape;
    const [O, Cg, kH, kW] = w.shape;
    const perGroup = O / a.groups;
    const xs = stridesOf(x.shape);
    const ws = stridesOf(w.shape);
    const out: Tensor[] = [];
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        const g = Math.floor(o / perGroup);
        for (let p = 0; p < a.outSize[0]; p++) {
          for (let q = 0; q < a.outSize[1]; q++) {
            const terms: Tensor[] = [];
            for (let c = 0; c < Cg; c++) {
              for (let i = 0; i < kH; i++) {
                for (let j = 0; j < kW; j++) {
                  const h = p * a.stride[0] + i * a.dilation[0] - a.padding[0];
                  const v = q * a.stride[1] + j * a.dilation[1] - a.padding[1];
                  if (h < 0 || h >= H || v < 0 || v >= Wd) continue;
                  terms.push(X[dot([n, g * Cg + c, h, v], xs)].mul(Wt[dot([o, c, i, j], ws)]));
                }
              }
            }
            if (B !== undefined) terms.push(B[o]);
            out.push(fold(terms, node.output.dtype));
          }
        }
      }
    }
    return out;
  },
  cost: (node) => {
    const w = node.inputs[1];
    return node.output.size * (Math.max(1, 2 * (w.size / w.shape[0]) - 1) + (node.inputs.length > 2 ? 1 : 0));
  },
};

const slice = moved((node) => {
  const { begin, step } = attrs<{ begin: readonly number[]; step: readonly number[] }>(node);
  const strides = stridesOf(node.inputs[0].shape);
  return Array.from({ length: node.output.size }, (_, i) => dot(unravel(i, node.output.shape).map((v, d) => begin[d] + v * step[d]), strides));
});

const permute = moved((node) => {
  const { perm } = attrs<{ perm: readonly number[] }>(node);
  const strides = stridesOf(node.inputs[0].shape);
  return Array.from({ length: node.output.size }, (_, i) => {
    const o = unravel(i, node.output.shape);
    const index = new Array<number>(o.length);
    perm.forEach((p, d) => { index[p] = o[d]; });
    return dot(index, strides);
  });
});

const gather = moved((node) => {
  const [input, index] = node.inputs;
  const { axis } = attrs<{ axis: number }>(node);
  const strides = stridesOf(input.shape);
  return Array.from({ length: index.size }, (_, i) => {
    const at = unravel(i, index.shape);
    at[axis] = index.data[i];
    return dot(at, strides);
  });
});

// A broadcast copies: the scalars are shared, and the engine adds their gradients (the copy gate).
const expand = moved((node) => broadcastSource(node.output.shape, node.inputs[0].shape));

const concat: Expansion = {
  make: (node, xs) => {
    const { axis } = attrs<{ axis: number }>(node);
    const starts: number[] = [];
    let at = 0;
    for (const x of node.inputs) { starts.push(at); at += x.shape[axis]; }
    return Array.from({ length: node.output.size }, (_, i) => {
      const o = unravel(i, node.output.shape);
      let j = starts.length - 1;
      while (starts[j] > o[axis]) j--;
      o[axis] -= starts[j];
      return xs[j][dot(o, stridesOf(node.inputs[j].shape))];
    });
  },
  cost: () => 0,
};

const ELEMENTWISE_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'where', 'clamp', 'tanhGrad', 'sigmoidGrad', 'reluGrad',
  'neg', 'exp', 'log', 'sqrt', 'square', 'abs', 'sign', 'tanh', 'sigmoid', 'relu', 'leakyRelu', 'erf', 'gelu', 'cast',
];

/** The scalar form of each op that has one, by op name. */
export const EXPANSIONS: ReadonlyMap<string, Expansion> = new Map<string, Expansion>([
  ...ELEMENTWISE_OPS.map((op): [string, Expansion] => [op, elementwise]),
  ['reshape', identity], ['clone', identity], ['expand', expand], ['permute', permute], ['slice', slice], ['concat', concat], ['gather', gather],
  ['sum', sum], ['matmul', matmul], ['softmax', softmaxOf(false)], ['logSoftmax', softmaxOf(true)], ['conv2d', conv2d],
]);
