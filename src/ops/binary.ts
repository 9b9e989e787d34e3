import type { BinaryOp } from '../backend/backend.js';
import { floatOf, promote, type DType } from '../tensor/dtype.js';
import { broadcastShapes, formatShape } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { defineOp, type OpDef, type Vjp } from './op.js';
import { operand } from './operand.js';

type Result = 'promote' | 'float' | 'mask';

/** Defines a broadcasting elementwise op of two inputs. */
function binaryOp(name: string, kernel: BinaryOp, result: Result, vjp: Vjp<undefined> | 'not-differentiable', local: string): OpDef<undefined> {
  return defineOp({
    name,
    forward: (be, xs) => {
      // Indexing rather than destructuring: this is the hottest path of small graphs.
      const a = xs[0];
      const b = xs[1];
      const shape = broadcastShapes(a.shape, b.shape, name);
      const common = promote(a.dtype, b.dtype);
      const dtype: DType = result === 'mask' ? 'int32' : result === 'float' ? floatOf(common) : common;
      return new Tensor(be.binary(kernel, a.data, a.shape, b.data, b.shape, shape, dtype), shape, dtype);
    },
    vjp,
    local,
  });
}

export const addOp = binaryOp('add', 'add', 'promote', (g) => [g, g], '∂y/∂a = 1, ∂y/∂b = 1 (add distributes)');
export const subOp = binaryOp('sub', 'sub', 'promote', (g, _n, needs) => [g, needs[1] ? g.neg() : null], '∂y/∂a = 1, ∂y/∂b = −1');
// d(ab) = b da + a db: the multiply gate switches its inputs.
export const mulOp = binaryOp('mul', 'mul', 'promote', (g, { inputs: [a, b] }, needs) => [
  needs[0] ? g.mul(b) : null,
  needs[1] ? g.mul(a) : null,
], '∂y/∂a = b, ∂y/∂b = a (mul switches)');
// d(a/b) = da/b − a db/b²
export const divOp = binaryOp('div', 'div', 'float', (g, { inputs: [a, b] }, needs) => [
  needs[0] ? g.div(b) : null,
  needs[1] ? g.mul(a).neg().div(b.mul(b)) : null,
], '∂y/∂a = 1/b, ∂y/∂b = −a/b²');
// d(aᵇ) = b aᵇ⁻¹ da + aᵇ ln(a) db. At a = 0 the formulas give 0·∞ = NaN where the limits are
// 0 (PyTorch's masks): ∂/∂a where b = 0 (a⁰ is constant), ∂/∂b where b ≥ 0 (0ᵇ is flat).
export const powOp = binaryOp('pow', 'pow', 'promote', (g, { inputs: [a, b], output: y }, needs) => [
  needs[0] ? where(eq(b, 0), 0, g.mul(b).mul(a.pow(sub(b, 1)))) : null,
  needs[1] ? where(eq(a, 0).mul(ge(b, 0)), 0, g.mul(y).mul(a.log())) : null,
], '∂y/∂a = b·aᵇ⁻¹, ∂y/∂b = aᵇ·ln a');
// The larger input takes the gradient; a tie splits it evenly (PyTorch's maximum).
export const maximumOp = binaryOp('maximum', 'maximum', 'promote', (g, { inputs: [a, b] }) => {
  const share = gt(a, b).add(eq(a, b).mul(0.5));
  return [g.mul(share), g.mul(sub(1, share))];
}, '∂y/∂a = 1 where a > b (½ on ties), ∂y/∂b the rest (max routes)');
export const minimumOp = binaryOp('minimum', 'minimum', 'promote', (g, { inputs: [a, b] }) => {
  const share = lt(a, b).add(eq(a, b).mul(0.5));
  return [g.mul(share), g.mul(sub(1, share))];
}, '∂y/∂a = 1 where a < b (½ on ties), ∂y/∂b the rest');
// tanh's backward in one kernel: g·(1 − y²) from the upstream g and tanh's output y. It is an op
// of its own, differentiable in both inputs, so createGraph still gives second derivatives.
export const tanhGradOp = binaryOp('tanhGrad', 'tanhGrad', 'float', (gg, { inputs: [g, y] }, needs) => [
  needs[0] ? tanhGrad(gg, y) : null,
  needs[1] ? gg.mul(g).mul(y).mul(-2) : null,
], '∂/∂g = 1 − y², ∂/∂y = −2gy');
// sigmoid's backward: g·y(1 − y).
export const sigmoidGradOp = binaryOp('sigmoidGrad', 'sigmoidGrad', 'float', (gg, { inputs: [g, y] }, needs) => [
  needs[0] ? sigmoidGrad(gg, y) : null,
  needs[1] ? gg.mul(g).mul(sub(1, y.mul(2))) : null,
], '∂/∂g = y(1 − y), ∂/∂y = g(1 − 2y)');
// relu's backward, the gate that passes the upstream gradient g where relu's input x was
// positive and blocks it elsewhere (at 0 too, as PyTorch): one pass instead of a mask and a
// product. It is linear in g; in x it is flat wherever it has a derivative.
export const reluGradOp = binaryOp('reluGrad', 'reluGrad', 'promote', (gg, { inputs: [, x] }, needs) => [
  needs[0] ? reluGrad(gg, x) : null,
  null,
], '∂/∂g = 1 where x > 0 else 0, ∂/∂x = 0');
export const tanhGrad = (g: Tensor, y: Tensor): Tensor => apply(tanhGradOp, [g, y], undefined);
export const reluGrad = (g: Tensor, x: Tensor): Tensor => apply(reluGradOp, [g, x], undefined);
export const sigmoidGrad = (g: Tensor, y: Tensor): Tensor => apply(sigmoidGradOp, [g, y], undefined);
export const eqOp = binaryOp('eq', 'eq', 'mask', 'not-differentiable', '');
export const neOp = binaryOp('ne', 'ne', 'mask', 'not-differentiable', '');
export const ltOp = binaryOp('lt', 'lt', 'mask', 'not-differentiable', '');
export const leOp = binaryOp('le', 'le', 'mask', 'not-differentiable', '');
export const gtOp = binaryOp('gt', 'gt', 'mask', 'not-differentiable', '');
export const geOp = binaryOp('ge', 'ge', 'mask', 'not-differentiable', '');

/** Both operands as tensors: a number takes the dtype of the tensor beside it. */
function pair(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor] {
  if (a instanceof Tensor) return [a, operand(b, a, op)];
  if (b instanceof Tensor) return [operand(a, b, op, 'input'), b];
  throw new TypeError(`${op}: at least one operand must be a Tensor, got ${typeof a} and ${typeof b}`);
}

export const add = (a: TensorLike, b: TensorLike): Tensor => apply(addOp, pair(a, b, 'add'), undefined);
export const sub = (a: TensorLike, b: TensorLike): Tensor => apply(subOp, pair(a, b, 'sub'), undefined);
export const mul = (a: TensorLike, b: TensorLike): Tensor => apply(mulOp, pair(a, b, 'mul'), undefined);
export const div = (a: TensorLike, b: TensorLike): Tensor => apply(divOp, pair(a, b, 'div'), undefined);
export const pow = (a: TensorLike, b: TensorLike): Tensor => apply(powOp, pair(a, b, 'pow'), undefined);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => apply(maximumOp, pair(a, b, 'maximum'), undefined);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => apply(minimumOp, pair(a, b, 'minimum'), undefined);
export const eq = (a: TensorLike, b: TensorLike): Tensor => apply(eqOp, pair(a, b, 'eq'), undefined);
export const ne = (a: TensorLike, b: TensorLike): Tensor => apply(neOp, pair(a, b, 'ne'), undefined);
export const lt = (a: TensorLike, b: TensorLike): Tensor => apply(ltOp, pair(a, b, 'lt'), undefined);
export const le = (a: TensorLike, b: TensorLike): Tensor => apply(leOp, pair(a, b, 'le'), undefined);
export const gt = (a: TensorLike, b: TensorLike): Tensor => apply(gtOp, pair(a, b, 'gt'), undefined);
export const ge = (a: TensorLike, b: TensorLike): Tensor => apply(geOp, pair(a, b, 'ge'), undefined);

/**
 * Chooses elementwise: a where cond is nonzero, else b. All three broadcast together.
 * @example
 * where(x.gt(0), x, x.mul(0.1));   // a leaky ReLU by hand
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(cond instanceof Tensor)) throw new TypeError(`where: condition must be a Tensor, got ${typeof cond}`);
  const [ta, tb] = a instanceof Tensor || b instanceof Tensor ? pair(a, b, 'where') : [operand(a, cond.to('float32'), 'where', 'input'), operand(b, cond.to('float32'), 'where', 'other')];
  return apply(whereOp, [cond, ta, tb], undefined);
}

// The gradient flows to whichever input was chosen; the condition has none.
export const whereOp = defineOp({
  name: 'where',
  forward: (be, [c, a, b]) => {
    const shape = broadcastShapes(broadcastShapes(c.shape, a.shape, 'where'), b.shape, 'where');
    const dtype = promote(a.dtype, b.dtype);
    return new Tensor(be.where(c.data, c.shape, a.data, a.shape, b.data, b.shape, shape, dtype), shape, dtype);
  },
  vjp: (g, { inputs: [c] }, needs) => [null, needs[1] ? where(c, g, 0) : null, needs[2] ? where(c, 0, g) : null],
  local: '∂y/∂a = 1 where chosen, ∂y/∂b = 1 elsewhere',
});

// The gradient passes where min ≤ x ≤ max (bounds included, as PyTorch).
export const clampOp = defineOp<{ min: number; max: number }>({
  name: 'clamp',
  forward: (be, [x], { min, max }) => new Tensor(be.clamp(x.data, min, max), x.shape, x.dtype),
  vjp: (g, { inputs: [x], attrs: { min, max } }) => [g.mul(ge(x, min).mul(le(x, max)))],
  local: '∂y/∂x = 1 if min ≤ x ≤ max else 0',
});

export function clamp(x: Tensor, min: number | null, max: number | null): Tensor {
  if (min === null && max === null) throw new TypeError('clamp: give at least one of min and max');
  for (const [name, v] of [['min', min], ['max', max]] as const) {
    if (v !== null && (typeof v !== 'number' || Number.isNaN(v))) throw new TypeError(`clamp: ${name} must be a number or null, got ${String(v)}`);
  }
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (lo > hi) throw new RangeError(`clamp: min ${lo} is greater than max ${hi}`);
  return apply(clampOp, [x], { min: lo, max: hi });
}

export function assertSameShape(a: Tensor, b: Tensor, op: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${op}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} must be equal`);
  }
}
