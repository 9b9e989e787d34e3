import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Tensor, add, clamp, concat, div, eq, gather, ge, gt, le, lt, matmul, maximum, minimum, mul, ne, pow, scatterAdd, stack, sub, tensor, where,
  type DType, type TensorLike,
} from '../../src/index.js';
import { expectAllClose, type CloseOptions } from './close.js';
import { CONV_CALLS, type ConvFixtureAttrs } from './conv-fixtures.js';

/** A flat tensor as scripts/make-fixtures.py writes it: float64 values unless dtype says int32. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
  dtype?: 'int32';
}

export interface FixtureInput extends FixtureTensor {
  requiresGrad: boolean;
}

/** The union of every op's attributes; each op reads the ones it takes. */
export interface FixtureAttrs extends ConvFixtureAttrs {
  dim?: number | number[] | null;
  keepdim?: boolean;
  scalar?: number;
  side?: 'left' | 'right';
  negativeSlope?: number;
  min?: number | null;
  max?: number | null;
  dim0?: number;
  dim1?: number;
  dims?: number[];
  shape?: number[];
  startDim?: number;
  endDim?: number;
  start?: number | null;
  end?: number | null;
  step?: number;
}

export interface FixtureCase {
  name: string;
  op: string;
  attrs: FixtureAttrs;
  inputs: FixtureInput[];
  output: FixtureTensor;
  /** null for ops without a gradient (comparisons, argmax). */
  upstream: FixtureTensor | null;
  grads: (FixtureTensor | null)[];
}

export function loadFixtures(file: string): FixtureCase[] {
  const text = readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8');
  return (JSON.parse(text) as { cases: FixtureCase[] }).cases;
}

type Call = (xs: Tensor[], a: FixtureAttrs) => Tensor;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fixture is missing attribute ${what}`);
  return value;
}

/** A two-operand op; with attrs.scalar, one operand is that JS number (left or right). */
function binary(f: (a: TensorLike, b: TensorLike) => Tensor): Call {
  return (xs, a) => {
    if (a.scalar === undefined) return f(xs[0], xs[1]);
    return a.side === 'left' ? f(a.scalar, xs[0]) : f(xs[0], a.scalar);
  };
}

/** How each fixture op is called through the public API. */
export const CALLS: Record<string, Call> = {
  add: binary(add), sub: binary(sub), mul: binary(mul), div: binary(div), pow: binary(pow),
  maximum: binary(maximum), minimum: binary(minimum),
  eq: binary(eq), ne: binary(ne), lt: binary(lt), le: binary(le), gt: binary(gt), ge: binary(ge),
  where: ([c, x, y], a) => where(c, x, a.scalar === undefined ? y : a.scalar),
  clamp: ([x], a) => clamp(x, a.min ?? null, a.max ?? null),

  neg: ([x]) => x.neg(), exp: ([x]) => x.exp(), log: ([x]) => x.log(), sqrt: ([x]) => x.sqrt(),
  abs: ([x]) => x.abs(), square: ([x]) => x.square(), sign: ([x]) => x.sign(), erf: ([x]) => x.erf(),
  sigmoid: ([x]) => x.sigmoid(), tanh: ([x]) => x.tanh(), relu: ([x]) => x.relu(), gelu: ([x]) => x.gelu(),
  leakyRelu: ([x], a) => (a.negativeSlope === undefined ? x.leakyRelu() : x.leakyRelu(a.negativeSlope)),

  sum: ([x], a) => x.sum(a.dim, a.keepdim), mean: ([x], a) => x.mean(a.dim, a.keepdim),
  max: ([x], a) => x.max(a.dim, a.keepdim), min: ([x], a) => x.min(a.dim, a.keepdim),
  argmax: ([x], a) => x.argmax(a.dim as number | null, a.keepdim),
  argmin: ([x], a) => x.argmin(a.dim as number | null, a.keepdim),
  softmax: ([x], a) => x.softmax(need(a.dim, 'dim') as number),
  logSoftmax: ([x], a) => x.logSoftmax(need(a.dim, 'dim') as number),

  matmul: ([x, y]) => matmul(x, y),

  T: ([x]) => x.T,
  mT: ([x]) => x.mT,
  transpose: ([x], a) => x.transpose(need(a.dim0, 'dim0'), need(a.dim1, 'dim1')),
  permute: ([x], a) => x.permute(...need(a.dims, 'dims')),
  reshape: ([x], a) => x.reshape(need(a.shape, 'shape')),
  flatten: ([x], a) => x.flatten(a.startDim, a.endDim),
  squeeze: ([x], a) => x.squeeze(a.dim ?? undefined),
  unsqueeze: ([x], a) => x.unsqueeze(need(a.dim, 'dim') as number),
  expand: ([x], a) => x.expand(need(a.shape, 'shape')),
  slice: ([x], a) => x.slice(need(a.dim, 'dim') as number, a.start, a.end, a.step),
  concat: (xs, a) => concat(xs, need(a.dim, 'dim') as number),
  stack: (xs, a) => stack(xs, need(a.dim, 'dim') as number),
  clone: ([x]) => x.clone(),
  gather: ([x, index], a) => gather(x, need(a.dim, 'dim') as number, index),
  scatterAdd: ([src, index], a) => scatterAdd(src, need(a.dim, 'dim') as number, index, need(a.shape, 'shape')),
  ...CONV_CALLS,
};

export interface Tolerances {
  forward: CloseOptions;
  grad: CloseOptions;
}

export const FLOAT64: Tolerances = {
  // Both sides compute in double; what is left is rounding in a different order of operations.
  forward: { atol: 1e-10, rtol: 1e-9 },
  grad: { atol: 1e-10, rtol: 1e-9 },
};

export const FLOAT32: Tolerances = {
  // The inputs are float32 values (the script rounds them), so this measures float32 arithmetic
  // against PyTorch's float64; tinygrad's forward atol 1e-6 is tighter than a few roundings allow.
  forward: { atol: 1e-5, rtol: 1e-4 },
  grad: { atol: 1e-4, rtol: 1e-3 },
};

function make(t: FixtureTensor, dtype: DType, requiresGrad = false): Tensor {
  if (t.dtype === 'int32') return tensor(Int32Array.from(t.data), { shape: t.shape });
  const data = dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data);
  return tensor(data, { shape: t.shape, requiresGrad });
}

/** Runs one fixture case in one dtype: the forward value, then every input's gradient. */
export function checkCase(c: FixtureCase, dtype: DType, tol: Tolerances): void {
  const call = CALLS[c.op];
  if (call === undefined) throw new Error(`no call for fixture op '${c.op}'`);
  const xs = c.inputs.map((x) => make(x, dtype, x.requiresGrad));
  const y = call(xs, c.attrs);

  expect(y.shape, 'output shape').toEqual(c.output.shape);
  if (c.output.dtype === 'int32') {
    // Masks and indices are exact: PyTorch's bool/int64 written as 0/1 and indices.
    expect(y.dtype, 'output dtype').toBe('int32');
    expect(Array.from(y.data), 'output').toEqual(c.output.data);
  } else {
    expect(y.dtype, 'output dtype').toBe(dtype);
    expectAllClose(y, c.output.data, tol.forward);
  }
  if (c.upstream === null) return;

  y.backward(make(c.upstream, dtype));
  c.inputs.forEach((input, i) => {
    const want = c.grads[i];
    if (!input.requiresGrad || want === null) return;
    const got = xs[i].grad;
    expect(got, `gradient of input ${i}`).not.toBeNull();
    if (got === null) return;
    expect(got.shape, `shape of the gradient of input ${i}`).toEqual(input.shape);
    expect(got.dtype, `dtype of the gradient of input ${i}`).toBe(dtype);
    expectAllClose(got, want.data, tol.grad);
  });
}

/** One describe per dtype and one `it` per case, so a failure names the op and the case. */
export function describeFixtures(file: string): void {
  const cases = loadFixtures(file);
  describe(`${file} against PyTorch`, () => {
    it('has cases', () => {
      expect(cases.length).toBeGreaterThan(0);
    });
    for (const [dtype, tol] of [['float64', FLOAT64], ['float32', FLOAT32]] as const) {
      describe(dtype, () => {
        for (const c of cases) {
          it(c.name, () => checkCase(c, dtype, tol));
        }
      });
    }
  });
}
