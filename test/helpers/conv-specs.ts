import {
  Generator, avgPool1d, avgPool2d, conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d, noGrad, vjp, zeros,
  type AvgPool1dOptions, type AvgPool2dOptions, type Conv1dOptions, type Conv2dOptions, type ConvTranspose1dOptions,
  type ConvTranspose2dOptions, type MaxPool1dOptions, type MaxPool2dOptions, type Shape, type Tensor,
} from '../../src/index.js';
import type { Domain, OpSpec, SpecCase } from './op-specs.js';

// The convolution and pooling rows of the op-spec table (op-specs.ts spreads them into SPECS).
// Most cases are drawn at random from a fixed seed: sizes, kernels, strides, paddings (numbers,
// pairs, 'same', 'valid'), dilations and groups, so the table covers combinations nobody would
// pick by hand, and the same ones on every run. Each draw is kept only if the function accepts
// it, so a draw never tests an error.

function spec<A>(s: OpSpec<A>): OpSpec {
  return s as unknown as OpSpec;
}

const REAL: Domain = { kind: 'real' };
const DISTINCT: Domain = { kind: 'distinct', gap: 0.1 };

const gen = new Generator(0xc0417);
const pick = <T>(xs: readonly T[]): T => xs[gen.integer(0, xs.length)];
const int = (lo: number, hi: number): number => gen.integer(lo, hi + 1);

/** The shape f gives for zero inputs of these shapes, or null when f rejects them. */
function outShape(f: (xs: readonly Tensor[]) => Tensor, shapes: readonly Shape[]): Shape | null {
  try {
    return noGrad(() => f(shapes.map((s) => zeros(s, { dtype: 'float64' })))).shape;
  } catch {
    return null;
  }
}

function draw<A>(count: number, make: () => SpecCase<A>, f: (xs: readonly Tensor[], a: A) => Tensor): SpecCase<A>[] {
  const cases: SpecCase<A>[] = [];
  while (cases.length < count) {
    const c = make();
    if (outShape((xs) => f(xs, c.attrs as A), c.shapes) !== null) cases.push(c);
  }
  return cases;
}

interface ConvCase<O> { options: O }

/** A random convolution: [N, C, ...size] and [O, C/groups, ...kernel], with a bias half the time. */
function randomConv(dims: 1 | 2): SpecCase<ConvCase<Conv2dOptions>> {
  const groups = pick([1, 1, 2, 3]);
  const inC = groups * pick([1, 2]);
  const outC = groups * pick([1, 2]);
  const kernel = Array.from({ length: dims }, () => int(1, 3));
  const dilation = kernel.map(() => pick([1, 1, 2]));
  const kind = pick(['number', 'pair', 'same', 'valid'] as const);
  const stride = kind === 'same' ? kernel.map(() => 1) : kernel.map(() => pick([1, 2, 3]));
  const pad = kernel.map(() => int(0, 2));
  const padding = kind === 'same' || kind === 'valid' ? kind : kind === 'pair' && dims === 2 ? pad : pad[0];
  const padOf = (d: number): number => (typeof padding === 'string' ? 0 : Array.isArray(padding) ? pad[d] : pad[0]);
  const size = kernel.map((k, d) => Math.max(1, dilation[d] * (k - 1) + 1 - 2 * padOf(d)) + int(0, 3));
  const options: Conv2dOptions = {
    stride: (dims === 2 ? stride : stride[0]) as Conv2dOptions['stride'],
    padding: padding as Conv2dOptions['padding'],
    dilation: (dims === 2 ? dilation : dilation[0]) as Conv2dOptions['dilation'],
    groups,
  };
  const shapes = [[int(1, 2), inC, ...size], [outC, inC / groups, ...kernel]];
  if (gen.random() < 0.5) shapes.push([outC]);
  return { shapes, attrs: { options } };
}

const callConv2d = ([x, w, b]: readonly Tensor[], { options }: ConvCase<Conv2dOptions>): Tensor => conv2d(x, w, b ?? null, options);
const callConv1d = ([x, w, b]: readonly Tensor[], { options }: ConvCase<Conv2dOptions>): Tensor => conv1d(x, w, b ?? null, options as Conv1dOptions);

const CONV2D: SpecCase<ConvCase<Conv2dOptions>>[] = [
  { label: 'same, even kernel, dilated', shapes: [[1, 2, 5, 6], [2, 2, 2, 4], [2]], attrs: { options: { padding: 'same', dilation: [2, 1] } } },
  { label: 'depthwise', shapes: [[2, 3, 5, 4], [3, 1, 3, 3]], attrs: { options: { groups: 3, padding: 1, stride: 2 } } },
  { label: 'unbatched', shapes: [[2, 5, 5], [3, 2, 3, 2], [3]], attrs: { options: { padding: [1, 0] } } },
  { label: 'stride past the kernel', shapes: [[1, 1, 8, 7], [2, 1, 2, 2]], attrs: { options: { stride: 3 } } },
  ...draw(14, () => randomConv(2), callConv2d),
];

const CONV1D: SpecCase<ConvCase<Conv2dOptions>>[] = [
  { label: 'the lecture\'s shape', shapes: [[1, 1, 8], [1, 1, 2]], attrs: { options: {} } },
  { label: 'unbatched, same, even kernel', shapes: [[2, 6], [3, 2, 4], [3]], attrs: { options: { padding: 'same' } } },
  ...draw(10, () => randomConv(1), callConv1d),
];

type TCase = ConvCase<ConvTranspose2dOptions>;
const CONV_T2D: SpecCase<TCase>[] = [
  { shapes: [[2, 2, 3, 3], [2, 3, 3, 3], [3]], attrs: { options: {} } },
  { shapes: [[1, 2, 3, 4], [2, 2, 3, 2]], attrs: { options: { stride: 2, padding: 1, outputPadding: 1 } } },
  { shapes: [[1, 4, 3, 2], [4, 1, 2, 3], [2]], attrs: { options: { stride: [1, 2], groups: 2, dilation: [2, 1] } } },
  { label: 'outputPadding below the dilation', shapes: [[2, 1, 3, 3], [1, 2, 2, 2]], attrs: { options: { dilation: 2, outputPadding: 1 } } },
];
const CONV_T1D: SpecCase<TCase>[] = [
  { shapes: [[2, 3, 4], [3, 2, 3], [2]], attrs: { options: { stride: 2 } } },
  { shapes: [[1, 4, 3], [4, 1, 4]], attrs: { options: { stride: 3, padding: 1, outputPadding: 2, groups: 2 } } },
];

interface PoolCase<O> { kernel: number | [number, number]; options: O }

function randomPool(dims: 1 | 2, max: boolean): SpecCase<PoolCase<MaxPool2dOptions & AvgPool2dOptions>> {
  const kernel = Array.from({ length: dims }, () => pick([1, 2, 2, 3, 3]));
  const stride = gen.random() < 0.3 ? null : kernel.map(() => int(1, 3));
  const padding = kernel.map((k) => int(0, Math.floor(k / 2)));
  const dilation = max ? kernel.map(() => pick([1, 1, 2])) : undefined;
  const size = kernel.map(() => int(2, 6));
  const one = <T>(v: T[]): T | [T, T] => (dims === 1 ? v[0] : [v[0], v[1]]);
  const options = {
    stride: stride === null ? null : one(stride), padding: one(padding), ceilMode: gen.random() < 0.3,
    ...(max ? { dilation: one(dilation as number[]) } : { countIncludePad: gen.random() < 0.6 }),
  } as MaxPool2dOptions & AvgPool2dOptions;
  return { shapes: [[int(1, 2), int(1, 2), ...size]], attrs: { kernel: one(kernel), options } };
}

type Pool = PoolCase<MaxPool2dOptions & AvgPool2dOptions>;
const callMax2d = ([x]: readonly Tensor[], a: Pool): Tensor => maxPool2d(x, a.kernel, a.options);
const callMax1d = ([x]: readonly Tensor[], a: Pool): Tensor => maxPool1d(x, a.kernel as number, a.options as MaxPool1dOptions);
const callAvg2d = ([x]: readonly Tensor[], a: Pool): Tensor => avgPool2d(x, a.kernel, a.options);
const callAvg1d = ([x]: readonly Tensor[], a: Pool): Tensor => avgPool1d(x, a.kernel as number, a.options as AvgPool1dOptions);

const MAX2D = [
  { label: 'unbatched', shapes: [[2, 4, 5]], attrs: { kernel: 2, options: {} } },
  ...draw(8, () => randomPool(2, true), callMax2d),
] as SpecCase<Pool>[];
const AVG2D = [
  { label: 'unbatched', shapes: [[2, 4, 5]], attrs: { kernel: [2, 3], options: { stride: 1, padding: 1, countIncludePad: false } } },
  ...draw(8, () => randomPool(2, false), callAvg2d),
] as SpecCase<Pool>[];
const MAX1D = draw(5, () => randomPool(1, true), callMax1d);
const AVG1D = draw(5, () => randomPool(1, false), callAvg1d);

/** A pooling case with the upstream gradient of its output appended, for the backward ops. */
function withUpstream(cases: readonly SpecCase<Pool>[], f: (xs: readonly Tensor[], a: Pool) => Tensor): SpecCase<Pool>[] {
  return cases.slice(0, 5).map((c) => ({ ...c, shapes: [...c.shapes, outShape((xs) => f(xs, c.attrs as Pool), c.shapes) as Shape] }));
}

/** conv2dWeight's inputs: the conv's input and the gradient of its output; the weight shape rides along. */
interface WeightCase { options: Conv2dOptions; weight: Shape }
const WEIGHT: SpecCase<WeightCase>[] = CONV2D.slice(0, 6).map((c) => {
  const [x, w] = c.shapes;
  const options = (c.attrs as ConvCase<Conv2dOptions>).options;
  const y = outShape(([a, b]) => conv2d(a, b, null, options), [x, w]) as Shape;
  return { label: c.label, shapes: [x, y], attrs: { options, weight: w } };
});

export const CONV_SPECS: readonly OpSpec[] = [
  spec<ConvCase<Conv2dOptions>>({
    name: 'conv2d', kind: 'primitive', call: callConv2d, cases: CONV2D, domain: REAL, differentiable: true, smooth: true,
    note: 'bilinear in (x, w): gradgradcheck exercises convTranspose2d and conv2dWeight as its VJPs',
  }),
  spec<ConvCase<Conv2dOptions>>({ name: 'conv1d', kind: 'composite', call: callConv1d, cases: CONV1D, domain: REAL, differentiable: true, smooth: true }),
  spec<TCase>({
    name: 'convTranspose2d', kind: 'primitive', call: ([x, w, b], { options }) => convTranspose2d(x, w, b ?? null, options),
    cases: CONV_T2D, domain: REAL, differentiable: true, smooth: true,
  }),
  spec<TCase>({
    name: 'convTranspose1d', kind: 'composite', call: ([x, w, b], { options }) => convTranspose1d(x, w, b ?? null, options as ConvTranspose1dOptions),
    cases: CONV_T1D, domain: REAL, differentiable: true, smooth: true,
  }),
  spec<WeightCase>({
    name: 'conv2dWeight', kind: 'primitive',
    // conv2d's weight gradient with the output gradient g as an input: gradcheck over (x, g).
    call: ([x, g], { options, weight }) => vjp((w) => conv2d(x, w, null, options), zeros(weight, { dtype: 'float64' }))[1](g)[0],
    cases: WEIGHT, domain: REAL, differentiable: true, smooth: true,
    note: 'internal (no public function): reached as conv2d\'s weight gradient',
  }),
  spec<Pool>({ name: 'maxPool2d', kind: 'primitive', call: callMax2d, cases: MAX2D, domain: DISTINCT, differentiable: true, smooth: false, linear: true }),
  spec<Pool>({ name: 'maxPool1d', kind: 'composite', call: callMax1d, cases: MAX1D, domain: DISTINCT, differentiable: true, smooth: false, linear: true }),
  spec<Pool>({
    name: 'maxPool2dBackward', kind: 'primitive',
    call: ([x, g], a) => vjp((t) => callMax2d([t], a), x)[1](g)[0],
    cases: withUpstream(MAX2D, callMax2d), domain: [DISTINCT, REAL], differentiable: true, smooth: false, linear: true,
    note: 'internal: maxPool2d\'s VJP, with the upstream gradient as an input; x only moves the argmax, so its gradient is 0',
  }),
  spec<Pool>({ name: 'avgPool2d', kind: 'primitive', call: callAvg2d, cases: AVG2D, domain: REAL, differentiable: true, smooth: true, linear: true }),
  spec<Pool>({ name: 'avgPool1d', kind: 'composite', call: callAvg1d, cases: AVG1D, domain: REAL, differentiable: true, smooth: true, linear: true }),
  spec<Pool>({
    name: 'avgPool2dBackward', kind: 'primitive',
    call: ([x, g], a) => vjp((t) => callAvg2d([t], a), x)[1](g)[0],
    cases: withUpstream(AVG2D, callAvg2d), domain: REAL, differentiable: true, smooth: true, linear: true,
    note: 'internal: avgPool2d\'s VJP, with the upstream gradient as an input',
  }),
];
