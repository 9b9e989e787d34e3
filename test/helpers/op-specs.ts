import {
  abs, add, argmax, argmin, clamp, clone, concat, div, eq, erf, exp, expand, flatten, gather, ge, gelu, gt, le, leakyRelu,
  log, logSoftmax, lt, matmul, max, maximum, mean, min, minimum, mul, ne, neg, permute, pow, relu, reshape, scatterAdd,
  sigmoid, sign, slice, softmax, sqrt, square, squeeze, stack, sub, sum, tanh, tensor, transpose, unsqueeze, vjp, where,
  type DType, type Shape, type Tensor,
} from '../../src/index.js';
import { reluGrad, sigmoidGrad, tanhGrad } from '../../src/ops/binary.js';
import { CONV_SPECS } from './conv-specs.js';

/**
 * Where a spec's inputs are drawn, so that finite differences see a smooth function:
 * - real: normal, standard or times scale;
 * - range: uniform in [lo, hi] (log and sqrt above 0.1, pow's base positive);
 * - away: normal (times scale), resampled until at least gap from every kink in `from`;
 * - distinct: all elements of all such inputs differ by at least gap (max, min, comparisons).
 */
export type Domain =
  | { kind: 'real'; scale?: number }
  | { kind: 'range'; lo: number; hi: number }
  | { kind: 'away'; from: readonly number[]; gap: number; scale?: number }
  | { kind: 'distinct'; gap: number };

export interface SpecCase<A> {
  shapes: readonly Shape[];
  attrs?: A;
  label?: string;
}

interface SpecBase<A> {
  /** For a primitive, its name in OPS; otherwise a descriptive name of the public composite. */
  name: string;
  kind: 'primitive' | 'composite';
  /** How the public API is called on the inputs (float64, shaped as in the case). */
  call: (xs: readonly Tensor[], attrs: A) => Tensor;
  cases: readonly SpecCase<A>[];
  /** One domain for every input, or one per input. */
  domain: Domain | readonly Domain[];
  note?: string;
}

export type OpSpec<A = unknown> = SpecBase<A> & (
  | {
    differentiable: true;
    /**
     * Twice differentiable everywhere. False for piecewise ops (kinks): gradgradcheck still
     * checks them inside the domain, which keeps off the kinks.
     */
    smooth: boolean;
    /** Linear in its inputs, so gradgradcheck squares the output to make the check non-trivial. */
    linear?: boolean;
    /** A wider finite-difference step, where the op is linear but rounds (casts). */
    eps?: number;
  }
  | { differentiable: false; reason: string }
);

/** Erases a spec's attrs type once its cases and call have been checked against it. */
function spec<A = undefined>(s: OpSpec<A>): OpSpec {
  return s as unknown as OpSpec;
}

const REAL: Domain = { kind: 'real' };
const POSITIVE: Domain = { kind: 'range', lo: 0.1, hi: 3 };
const AWAY0: Domain = { kind: 'away', from: [0], gap: 0.05 };
const DISTINCT: Domain = { kind: 'distinct', gap: 0.1 };

// Elementwise shape sets: 0-d, size-1 dimensions, and broadcasting both ways.
const UNARY: SpecCase<undefined>[] = [[], [5], [2, 3], [1, 4, 1]].map((s) => ({ shapes: [s] }));
const BINARY: SpecCase<undefined>[] = [
  [[2, 3], [2, 3]], [[2, 3], [3]], [[2, 1], [1, 3]], [[], [2, 3]], [[4, 1, 3], [2, 1]], [[1], []], [[], []],
].map((shapes) => ({ shapes }));

function unary(name: string, f: (x: Tensor) => Tensor, domain: Domain, smooth: boolean, note?: string): OpSpec {
  return spec({ name, kind: 'primitive', call: ([x]) => f(x), cases: UNARY, domain, differentiable: true, smooth, note });
}

function binary(name: string, f: (a: Tensor, b: Tensor) => Tensor, domain: Domain | Domain[], smooth: boolean, linear = false): OpSpec {
  return spec({ name, kind: 'primitive', call: ([a, b]) => f(a, b), cases: BINARY, domain, differentiable: true, smooth, linear });
}

function comparison(name: string, f: (a: Tensor, b: Tensor) => Tensor): OpSpec {
  return spec({
    name, kind: 'primitive', call: ([a, b]) => f(a, b), cases: BINARY.slice(0, 4), domain: DISTINCT,
    differentiable: false, reason: 'a comparison gives an int32 mask, piecewise constant: no gradient flows through it',
  });
}

interface Dim { dim?: number | number[]; keepdim?: boolean }
// Reductions: everything, one dim both keepdim ways, a negative dim, several dims, 0-d, size-1.
const REDUCE: SpecCase<Dim>[] = [
  { shapes: [[2, 3]], attrs: {} },
  { shapes: [[2, 3]], attrs: { dim: 1 } },
  { shapes: [[2, 3]], attrs: { dim: 0, keepdim: true } },
  { shapes: [[2, 3, 4]], attrs: { dim: -1, keepdim: true } },
  { shapes: [[2, 3, 4]], attrs: { dim: [0, 2] } },
  { shapes: [[2, 3, 4]], attrs: { dim: [-1, 0], keepdim: true } },
  { shapes: [[1, 4]], attrs: { dim: 0 } },
  { shapes: [[]], attrs: {} },
  { shapes: [[]], attrs: { dim: 0, keepdim: true } },
];

function reduction(name: string, kind: 'primitive' | 'composite', f: (x: Tensor, dim?: number | number[], keepdim?: boolean) => Tensor, domain: Domain, smooth: boolean): OpSpec {
  return spec<Dim>({ name, kind, call: ([x], a) => f(x, a.dim, a.keepdim), cases: REDUCE, domain, differentiable: true, smooth, linear: smooth });
}

const SOFTMAX: SpecCase<{ dim: number }>[] = [
  { shapes: [[5]], attrs: { dim: 0 } }, { shapes: [[2, 3]], attrs: { dim: 1 } }, { shapes: [[2, 3]], attrs: { dim: 0 } },
  { shapes: [[2, 3, 4]], attrs: { dim: -2 } }, { shapes: [[1, 3]], attrs: { dim: 0 } }, { shapes: [[]], attrs: { dim: 0 } },
];

type Nested = number | Nested[];
interface Pick { dim: number; index: Nested }

interface Slice { dim: number; start: number | null; end: number | null; step?: number }
const SLICES: SpecCase<Slice>[] = [
  { shapes: [[5]], attrs: { dim: 0, start: 1, end: 4 } },
  { shapes: [[6]], attrs: { dim: 0, start: null, end: null, step: 2 } },
  { shapes: [[3, 5]], attrs: { dim: -1, start: -4, end: -1 } },
  { shapes: [[4, 3]], attrs: { dim: 0, start: 0, end: null, step: 3 } },
  { shapes: [[2, 7, 2]], attrs: { dim: 1, start: 1, end: 100, step: 2 } },
  { shapes: [[4]], attrs: { dim: 0, start: 2, end: 2 }, label: 'empty' },
];
// The shapes of SLICES' results, the upstream gradients of unslice's cases.
const SLICED: Shape[] = [[3], [3], [3, 3], [2, 3], [2, 3, 2]];
const sliceOf = (x: Tensor, a: Slice): Tensor => slice(x, a.dim, a.start, a.end, a.step);

export const SPECS: readonly OpSpec[] = [
  // Binary elementwise: broadcasting, numbers as operands.
  binary('add', add, REAL, true, true),
  binary('sub', sub, REAL, true, true),
  binary('mul', mul, REAL, true),
  binary('div', div, [REAL, { kind: 'away', from: [0], gap: 0.5 }], true),
  // The fused backward kernels of tanh and sigmoid (g, y) ↦ g·(1 − y²), g·y(1 − y): ops of their own so
  // that second derivatives through tanh and sigmoid stay exact.
  binary('tanhGrad', tanhGrad, REAL, true),
  binary('sigmoidGrad', sigmoidGrad, REAL, true),
  // relu's backward gate: linear in g, flat in x away from its step at 0.
  binary('reluGrad', reluGrad, [REAL, AWAY0], false),
  binary('pow', pow, [{ kind: 'range', lo: 0.5, hi: 2 }, REAL], true),
  binary('maximum', maximum, DISTINCT, false),
  binary('minimum', minimum, DISTINCT, false),
  spec<{ p: number }>({
    name: 'pow (number exponent)', kind: 'composite', call: ([x], { p }) => x.pow(p),
    cases: [2, 3, 0.5, -1.5, 1, 0].map((p) => ({ shapes: [[2, 3]], attrs: { p } })),
    domain: { kind: 'range', lo: 0.5, hi: 2 }, differentiable: true, smooth: true,
  }),
  spec<{ base: number }>({
    name: 'pow (number base)', kind: 'composite', call: ([x], { base }) => pow(base, x),
    cases: [2, 0.5].map((base) => ({ shapes: [[2, 3]], attrs: { base } })), domain: REAL, differentiable: true, smooth: true,
  }),
  spec({
    name: 'number − x and number / x', kind: 'composite', call: ([x, y]) => sub(1.5, x).add(div(2, y)),
    cases: [{ shapes: [[3], [3]] }, { shapes: [[2, 3], []] }], domain: [REAL, { kind: 'away', from: [0], gap: 0.5 }],
    differentiable: true, smooth: true,
  }),
  comparison('eq', eq), comparison('ne', ne), comparison('lt', lt), comparison('le', le), comparison('gt', gt), comparison('ge', ge),
  spec({
    name: 'where', kind: 'primitive', call: ([c, a, b]) => where(gt(c, 0), a, b),
    cases: [[[2, 3], [2, 3], [2, 3]], [[2, 1], [1, 3], [2, 3]], [[3], [2, 3], []], [[], [2], [2]]].map((shapes) => ({ shapes })),
    domain: [AWAY0, REAL, REAL], differentiable: true, smooth: true, linear: true,
    note: 'the condition is gt(c, 0) of a float input, so gradcheck also sees that c gets no gradient',
  }),
  spec<{ chosen: 'a' | 'b' }>({
    name: 'where (number branch)', kind: 'composite',
    call: ([c, x], { chosen }) => (chosen === 'a' ? where(gt(c, 0), x, 0.5) : where(gt(c, 0), -2, x)),
    cases: [{ shapes: [[2, 3], [2, 3]], attrs: { chosen: 'a' } }, { shapes: [[3], [2, 1]], attrs: { chosen: 'b' } }],
    domain: [AWAY0, REAL], differentiable: true, smooth: true, linear: true,
  }),
  spec<{ min: number | null; max: number | null }>({
    name: 'clamp', kind: 'primitive', call: ([x], { min: lo, max: hi }) => clamp(x, lo, hi),
    cases: [
      { shapes: [[3, 4]], attrs: { min: -0.5, max: 0.5 } }, { shapes: [[]], attrs: { min: -0.5, max: 0.5 } },
      { shapes: [[3, 4]], attrs: { min: 0, max: null }, label: 'min only' },
      { shapes: [[3, 4]], attrs: { min: null, max: 0.5 }, label: 'max only' },
    ],
    domain: { kind: 'away', from: [-0.5, 0, 0.5], gap: 0.05 }, differentiable: true, smooth: false,
    note: 'inputs stay off the bounds; gradients at the bounds are pinned in kinks.test.ts',
  }),

  // Unary elementwise.
  unary('neg', neg, REAL, true),
  unary('exp', exp, REAL, true),
  unary('log', log, POSITIVE, true),
  unary('sqrt', sqrt, POSITIVE, true),
  unary('square', square, REAL, true),
  unary('abs', abs, AWAY0, false),
  unary('sign', sign, AWAY0, false, 'differentiable with a zero gradient (PyTorch): gradcheck compares 0 with 0'),
  unary('tanh', tanh, REAL, true),
  unary('sigmoid', sigmoid, { kind: 'real', scale: 3 }, true),
  unary('relu', relu, AWAY0, false),
  unary('erf', erf, REAL, true),
  unary('gelu', gelu, { kind: 'real', scale: 2 }, true),
  spec<{ slope?: number }>({
    name: 'leakyRelu', kind: 'primitive', call: ([x], { slope }) => leakyRelu(x, slope),
    cases: [{ shapes: [[2, 3]], attrs: {} }, { shapes: [[4]], attrs: { slope: 0.2 } }, { shapes: [[]], attrs: { slope: -0.5 } }],
    domain: AWAY0, differentiable: true, smooth: false,
  }),

  // Reductions.
  reduction('sum', 'primitive', sum, REAL, true),
  reduction('mean', 'composite', mean, REAL, true),
  reduction('max', 'primitive', max, DISTINCT, false),
  reduction('min', 'primitive', min, DISTINCT, false),
  spec<{ dim?: number; keepdim?: boolean }>({
    name: 'argmax', kind: 'primitive', call: ([x], a) => argmax(x, a.dim, a.keepdim),
    cases: [{ shapes: [[2, 3]], attrs: {} }, { shapes: [[2, 3]], attrs: { dim: -1, keepdim: true } }], domain: DISTINCT,
    differentiable: false, reason: 'gives int32 indices, piecewise constant in the input',
  }),
  spec<{ dim?: number; keepdim?: boolean }>({
    name: 'argmin', kind: 'primitive', call: ([x], a) => argmin(x, a.dim, a.keepdim),
    cases: [{ shapes: [[2, 3]], attrs: {} }, { shapes: [[2, 3]], attrs: { dim: 0 } }], domain: DISTINCT,
    differentiable: false, reason: 'gives int32 indices, piecewise constant in the input',
  }),
  spec<{ dim: number }>({
    name: 'softmax', kind: 'primitive', call: ([x], { dim }) => softmax(x, dim), cases: SOFTMAX, domain: REAL,
    differentiable: true, smooth: true, note: 'a 0-d input is the composite path (the constant 1)',
  }),
  spec<{ dim: number }>({
    name: 'logSoftmax', kind: 'primitive', call: ([x], { dim }) => logSoftmax(x, dim), cases: SOFTMAX, domain: REAL,
    differentiable: true, smooth: true, note: 'a 0-d input is the composite path (the constant 0)',
  }),

  // Matrix products: the primitive on matrices, then PyTorch's vector and batch forms.
  spec({
    name: 'matmul', kind: 'primitive', call: ([a, b]) => matmul(a, b),
    cases: [[[2, 3], [3, 4]], [[1, 3], [3, 1]], [[3, 1], [1, 2]]].map((shapes) => ({ shapes })),
    domain: REAL, differentiable: true, smooth: true,
  }),
  spec({
    name: 'matmul (vector forms)', kind: 'composite', call: ([a, b]) => matmul(a, b),
    cases: [[[3], [3]], [[3], [3, 4]], [[2, 3], [3]], [[3], [2, 3, 4]], [[2, 2, 3], [3]]].map((shapes) => ({ shapes })),
    domain: REAL, differentiable: true, smooth: true,
  }),
  spec({
    name: 'matmul (batched)', kind: 'composite', call: ([a, b]) => matmul(a, b),
    cases: [
      [[2, 2, 3], [2, 3, 4]], [[2, 3], [4, 3, 2]], [[4, 2, 3], [3, 2]], [[2, 1, 2, 3], [3, 3, 2]],
      [[2, 1, 2, 3], [1, 3, 3, 4]], [[1, 2, 3], [2, 3, 2]],
    ].map((shapes) => ({ shapes })),
    domain: REAL, differentiable: true, smooth: true, note: 'includes batches broadcast as a whole and in part',
  }),

  // Indexing: the index is int32 and fixed per case (repeated entries check that picks add up).
  spec<Pick>({
    name: 'gather', kind: 'primitive', call: ([x], { dim, index }) => gather(x, dim, tensor(index, { dtype: 'int32' })),
    cases: [
      { shapes: [[3, 4]], attrs: { dim: 1, index: [[0, 2], [1, 1], [3, 0]] } },
      { shapes: [[3, 4]], attrs: { dim: 0, index: [[2, 0, 1, 1]] } },
      { shapes: [[2, 3, 2]], attrs: { dim: -1, index: [[[1], [0], [1]], [[0], [0], [1]]] } },
      { shapes: [[5]], attrs: { dim: 0, index: [4, 4, 0] } },
      { shapes: [[3, 4]], attrs: { dim: 1, index: [[3, 3], [0, 1]] }, label: 'index smaller than x off the axis' },
    ],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<Pick & { shape: number[] }>({
    name: 'scatterAdd', kind: 'primitive',
    call: ([src], { dim, index, shape }) => scatterAdd(src, dim, tensor(index, { dtype: 'int32' }), shape),
    cases: [
      { shapes: [[3, 2]], attrs: { dim: 1, index: [[0, 2], [1, 1], [3, 0]], shape: [3, 4] } },
      { shapes: [[3]], attrs: { dim: 0, index: [4, 4, 0], shape: [5] } },
      { shapes: [[2, 2]], attrs: { dim: 1, index: [[3, 3], [0, 1]], shape: [3, 4] }, label: 'index smaller than the output off the axis' },
    ],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),

  // Movement.
  spec<{ shape: number[] }>({
    name: 'reshape', kind: 'primitive', call: ([x], { shape }) => reshape(x, shape),
    cases: [
      { shapes: [[2, 3]], attrs: { shape: [3, 2] } }, { shapes: [[2, 3]], attrs: { shape: [-1] } },
      { shapes: [[]], attrs: { shape: [1, 1] } }, { shapes: [[2, 1, 3]], attrs: { shape: [6, -1] } },
    ],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<{ start?: number; end?: number }>({
    name: 'flatten', kind: 'composite', call: ([x], a) => flatten(x, a.start, a.end),
    cases: [{ shapes: [[2, 3, 4]], attrs: {} }, { shapes: [[2, 3, 4]], attrs: { start: 1 } }, { shapes: [[2, 3, 4]], attrs: { start: 0, end: -2 } }, { shapes: [[]], attrs: {} }],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<{ dim?: number | number[] }>({
    name: 'squeeze', kind: 'composite', call: ([x], { dim }) => squeeze(x, dim),
    cases: [{ shapes: [[1, 3, 1]], attrs: {} }, { shapes: [[1, 3, 1]], attrs: { dim: 0 } }, { shapes: [[1, 3, 1]], attrs: { dim: -1 } }, { shapes: [[1, 3, 1]], attrs: { dim: [0, 2] } }],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<{ dim: number }>({
    name: 'unsqueeze', kind: 'composite', call: ([x], { dim }) => unsqueeze(x, dim),
    cases: [{ shapes: [[2, 3]], attrs: { dim: 0 } }, { shapes: [[2, 3]], attrs: { dim: -1 } }, { shapes: [[2, 3]], attrs: { dim: 1 } }, { shapes: [[]], attrs: { dim: 0 } }],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<{ perm: number[] }>({
    name: 'permute', kind: 'primitive', call: ([x], { perm }) => permute(x, perm),
    cases: [
      { shapes: [[2, 3, 4]], attrs: { perm: [2, 0, 1] } }, { shapes: [[2, 3, 4]], attrs: { perm: [1, 0, 2] } },
      { shapes: [[2, 3, 4]], attrs: { perm: [-1, 0, -2] } }, { shapes: [[2, 1, 3]], attrs: { perm: [2, 1, 0] } },
      { shapes: [[2, 1, 3]], attrs: { perm: [1, 0, 2] }, label: 'moves only a size-1 dimension (a reshape)' },
    ],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<{ d0: number; d1: number }>({
    name: 'transpose', kind: 'composite', call: ([x], { d0, d1 }) => transpose(x, d0, d1),
    cases: [{ shapes: [[2, 3]], attrs: { d0: 0, d1: 1 } }, { shapes: [[2, 3, 4]], attrs: { d0: -1, d1: -3 } }, { shapes: [[2, 3, 4]], attrs: { d0: 1, d1: 1 } }],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<{ form: 'T' | 'mT' }>({
    name: 'T and mT', kind: 'composite', call: ([x], { form }) => (form === 'T' ? x.T : x.mT),
    cases: [
      { shapes: [[2, 3]], attrs: { form: 'T' } }, { shapes: [[2, 3, 4]], attrs: { form: 'T' } }, { shapes: [[5]], attrs: { form: 'T' } },
      { shapes: [[2, 3, 4]], attrs: { form: 'mT' } },
    ],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<{ shape: number[] }>({
    name: 'expand', kind: 'primitive', call: ([x], { shape }) => expand(x, shape),
    cases: [
      { shapes: [[3, 1]], attrs: { shape: [2, 3, 4] } }, { shapes: [[]], attrs: { shape: [2, 2] } },
      { shapes: [[1]], attrs: { shape: [3] } }, { shapes: [[2, 1]], attrs: { shape: [-1, 3] } },
    ],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<Slice>({
    name: 'slice', kind: 'primitive', call: ([x], a) => sliceOf(x, a), cases: SLICES,
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<Slice>({
    name: 'unslice', kind: 'primitive',
    // slice's backward with the upstream gradient w as an input: the result is unslice(w), so
    // gradcheck over w checks unslice's VJP (a slice). gradgradcheck of slice reaches it too.
    call: ([x, w], a) => vjp((t) => sliceOf(t, a), x)[1](w)[0],
    cases: SLICES.slice(0, 5).map((c, i) => ({ ...c, shapes: [c.shapes[0], SLICED[i]] })),
    domain: REAL, differentiable: true, smooth: true, linear: true,
    note: 'internal (no public function): reached as slice\'s backward, and by slice\'s double backward',
  }),
  spec<{ dim: number }>({
    name: 'concat', kind: 'primitive', call: (xs, { dim }) => concat(xs, dim),
    cases: [
      { shapes: [[2, 3], [4, 3]], attrs: { dim: 0 } }, { shapes: [[2, 3], [2, 1], [2, 2]], attrs: { dim: -1 } },
      { shapes: [[1], [3]], attrs: { dim: 0 } }, { shapes: [[2, 1, 2], [2, 3, 2]], attrs: { dim: 1 } },
    ],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<{ dim: number }>({
    name: 'stack', kind: 'composite', call: (xs, { dim }) => stack(xs, dim),
    cases: [
      { shapes: [[2, 3], [2, 3]], attrs: { dim: 0 } }, { shapes: [[2, 3], [2, 3]], attrs: { dim: 2 } },
      { shapes: [[2, 3], [2, 3], [2, 3]], attrs: { dim: -2 } }, { shapes: [[], [], []], attrs: { dim: 0 } },
    ],
    domain: REAL, differentiable: true, smooth: true, linear: true,
  }),
  spec<{ chain: DType[] }>({
    name: 'cast', kind: 'primitive', call: ([x], { chain }) => chain.reduce((t, d) => t.to(d), x),
    cases: [{ shapes: [[2, 3]], attrs: { chain: ['float32'] } }, { shapes: [[3]], attrs: { chain: ['float32', 'float64'] } }],
    domain: REAL, differentiable: true, smooth: true, linear: true, eps: 1e-2,
    note: 'float32 rounds at ~1e-7, which swamps a 1e-6 step; cast is linear (and squared for the second ' +
      'order, where central differences are exact for quadratics), so a 1e-2 step is exact but for rounding',
  }),
  spec({
    name: 'clone', kind: 'primitive', call: ([x]) => clone(x), cases: UNARY, domain: REAL,
    differentiable: true, smooth: true, linear: true,
  }),

  // Convolution and pooling (conv-specs.ts): random geometries from a fixed seed.
  ...CONV_SPECS,
];
