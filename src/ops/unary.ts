import type { UnaryOp } from '../backend/backend.js';
import { floatOf, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { add, gt, reluGrad, sigmoidGrad, tanhGrad, where } from './binary.js';
import { defineOp, type OpDef, type Vjp } from './op.js';
import { zerosLike } from '../tensor/creation.js';

const FLOAT_ONLY = true;

/** Defines an elementwise op of one input. Ops marked float-only give float32 for int32 input. */
function unaryOp<A = undefined>(name: string, kernel: UnaryOp, floatOnly: boolean, vjp: Vjp<A>, local: string, param?: (a: A) => number): OpDef<A> {
  return defineOp<A>({
    name,
    forward: (be, [x], attrs) => {
      const dtype: DType = floatOnly ? floatOf(x.dtype) : x.dtype;
      return new Tensor(be.unary(kernel, x.data, dtype, param ? param(attrs) : 0), x.shape, dtype);
    },
    vjp,
    local,
  });
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const TWO_OVER_SQRT_PI = 1.1283791670955126;

export const negOp = unaryOp('neg', 'neg', !FLOAT_ONLY, (g) => [g.neg()], '∂y/∂x = −1');
// d(eˣ) = eˣ dx: reuse the output rather than recompute it.
export const expOp = unaryOp('exp', 'exp', FLOAT_ONLY, (g, { output: y }) => [g.mul(y)], '∂y/∂x = eˣ = y');
// d(ln x) = dx / x
export const logOp = unaryOp('log', 'log', FLOAT_ONLY, (g, { inputs: [x] }) => [g.div(x)], '∂y/∂x = 1/x');
// d(√x) = dx / (2√x)
export const sqrtOp = unaryOp('sqrt', 'sqrt', FLOAT_ONLY, (g, { output: y }) => [g.div(y.mul(2))], '∂y/∂x = 1/(2√x)');
// d(x²) = 2x dx
export const squareOp = unaryOp('square', 'square', !FLOAT_ONLY, (g, { inputs: [x] }) => [g.mul(x).mul(2)], '∂y/∂x = 2x');
// |x|' = sign(x), taking 0 at the kink as PyTorch does.
export const absOp = unaryOp('abs', 'abs', !FLOAT_ONLY, (g, { inputs: [x] }) => [g.mul(x.sign())], '∂y/∂x = sign(x)');
// sign is flat wherever it is differentiable: its gradient is zero (PyTorch's convention).
export const signOp = unaryOp('sign', 'sign', !FLOAT_ONLY, (_g, { inputs: [x] }) => [zerosLike(x)], '∂y/∂x = 0');
// d(tanh x) = (1 − tanh²x) dx
export const tanhOp = unaryOp('tanh', 'tanh', FLOAT_ONLY, (g, { output: y }) => [tanhGrad(g, y)], '∂y/∂x = 1 − y²');
// σ'(x) = σ(x)(1 − σ(x))
export const sigmoidOp = unaryOp('sigmoid', 'sigmoid', FLOAT_ONLY, (g, { output: y }) => [sigmoidGrad(g, y)], '∂y/∂x = y(1 − y)');
// relu'(x) = 1 for x > 0, else 0 (0 at the kink, as PyTorch).
export const reluOp = unaryOp('relu', 'relu', !FLOAT_ONLY, (g, { inputs: [x] }) => [reluGrad(g, x)], '∂y/∂x = 1 if x > 0 else 0');
// leakyRelu'(x) = 1 for x > 0, else the slope.
export const leakyReluOp = unaryOp<{ negativeSlope: number }>(
  'leakyRelu', 'leakyRelu', FLOAT_ONLY,
  (g, { inputs: [x], attrs }) => [where(gt(x, 0), g, g.mul(attrs.negativeSlope))],
  '∂y/∂x = 1 if x > 0 else α',
  (a) => a.negativeSlope,
);
// erf'(x) = 2/√π · e^(−x²)
export const erfOp = unaryOp('erf', 'erf', FLOAT_ONLY, (g, { inputs: [x] }) => [g.mul(x.mul(x).neg().exp().mul(TWO_OVER_SQRT_PI))], '∂y/∂x = 2/√π e^(−x²)');
// gelu(x) = x Φ(x), so gelu'(x) = Φ(x) + x φ(x), with Φ the normal CDF and φ its density.
export const geluOp = unaryOp('gelu', 'gelu', FLOAT_ONLY, (g, { inputs: [x] }) => {
  const cdf = add(x.mul(SQRT1_2).erf(), 1).mul(0.5);
  const pdf = x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI);
  return [g.mul(cdf.add(x.mul(pdf)))];
}, '∂y/∂x = Φ(x) + x φ(x)');

export const neg = (x: Tensor): Tensor => apply(negOp, [x], undefined);
export const exp = (x: Tensor): Tensor => apply(expOp, [x], undefined);
export const log = (x: Tensor): Tensor => apply(logOp, [x], undefined);
export const sqrt = (x: Tensor): Tensor => apply(sqrtOp, [x], undefined);
export const square = (x: Tensor): Tensor => apply(squareOp, [x], undefined);
export const abs = (x: Tensor): Tensor => apply(absOp, [x], undefined);
export const sign = (x: Tensor): Tensor => apply(signOp, [x], undefined);
export const tanh = (x: Tensor): Tensor => apply(tanhOp, [x], undefined);
export const sigmoid = (x: Tensor): Tensor => apply(sigmoidOp, [x], undefined);
export const relu = (x: Tensor): Tensor => apply(reluOp, [x], undefined);
export const erf = (x: Tensor): Tensor => apply(erfOp, [x], undefined);
export const gelu = (x: Tensor): Tensor => apply(geluOp, [x], undefined);
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
    throw new TypeError(`leakyRelu: negativeSlope must be a finite number, got ${String(negativeSlope)}`);
  }
  return apply(leakyReluOp, [x], { negativeSlope });
}
