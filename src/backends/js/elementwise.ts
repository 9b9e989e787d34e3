import type { BinaryOp, UnaryOp } from '../../backend/backend.js';
import { allocate, dtypeOf, type DType, type TypedArray } from '../../tensor/dtype.js';
import { sameShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { expand } from './movement.js';
import { erf, gelu, sigmoid } from './special.js';

export function unary(op: UnaryOp, x: TypedArray, outDtype: DType, param = 0): TypedArray {
  const n = x.length;
  const out = allocate(outDtype, n);
  // One loop per op keeps the dispatch out of the inner loop.
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]; break;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); break;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i]); break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); break;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]); break;
    case 'sign': for (let i = 0; i < n; i++) out[i] = Math.sign(x[i]); break;
    case 'reciprocal': for (let i = 0; i < n; i++) out[i] = 1 / x[i]; break;
    case 'square': for (let i = 0; i < n; i++) out[i] = x[i] * x[i]; break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); break;
    case 'sigmoid': for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]); break;
    case 'relu': for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0; break;
    case 'leakyRelu': for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : param * x[i]; break;
    case 'gelu': for (let i = 0; i < n; i++) out[i] = gelu(x[i]); break;
    case 'erf': for (let i = 0; i < n; i++) out[i] = erf(x[i]); break;
  }
  return out;
}

export function binary(
  op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape, outDtype: DType,
): TypedArray {
  const n = sizeOf(outShape);
  // sa, sb are 1 for an operand laid out like the output, 0 for a single broadcast element.
  let sa = 1;
  let sb = 1;
  if (a.length !== n) {
    if (a.length === 1) sa = 0;
    else a = expand(a, aShape, outShape);
  } else if (!sameShape(aShape, outShape) && a.length > 1) {
    a = expand(a, aShape, outShape);
  }
  if (b.length !== n) {
    if (b.length === 1) sb = 0;
    else b = expand(b, bShape, outShape);
  } else if (!sameShape(bShape, outShape) && b.length > 1) {
    b = expand(b, bShape, outShape);
  }
  const out = allocate(outDtype, n);
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[i * sa] + b[i * sb]; break;
    case 'sub': for (let i = 0; i < n; i++) out[i] = a[i * sa] - b[i * sb]; break;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[i * sa] * b[i * sb]; break;
    case 'div': for (let i = 0; i < n; i++) out[i] = a[i * sa] / b[i * sb]; break;
    case 'pow': for (let i = 0; i < n; i++) out[i] = Math.pow(a[i * sa], b[i * sb]); break;
    case 'maximum': for (let i = 0; i < n; i++) out[i] = Math.max(a[i * sa], b[i * sb]); break;
    case 'minimum': for (let i = 0; i < n; i++) out[i] = Math.min(a[i * sa], b[i * sb]); break;
    case 'eq': for (let i = 0; i < n; i++) out[i] = a[i * sa] === b[i * sb] ? 1 : 0; break;
    case 'ne': for (let i = 0; i < n; i++) out[i] = a[i * sa] !== b[i * sb] ? 1 : 0; break;
    case 'lt': for (let i = 0; i < n; i++) out[i] = a[i * sa] < b[i * sb] ? 1 : 0; break;
    case 'le': for (let i = 0; i < n; i++) out[i] = a[i * sa] <= b[i * sb] ? 1 : 0; break;
    case 'gt': for (let i = 0; i < n; i++) out[i] = a[i * sa] > b[i * sb] ? 1 : 0; break;
    case 'ge': for (let i = 0; i < n; i++) out[i] = a[i * sa] >= b[i * sb] ? 1 : 0; break;
    case 'tanhGrad': for (let i = 0; i < n; i++) { const y = b[i * sb]; out[i] = a[i * sa] * (1 - y * y); } break;
    case 'sigmoidGrad': for (let i = 0; i < n; i++) { const y = b[i * sb]; out[i] = a[i * sa] * y * (1 - y); } break;
    case 'reluGrad': for (let i = 0; i < n; i++) out[i] = b[i * sb] > 0 ? a[i * sa] : 0; break;
  }
  return out;
}

export function where(
  cond: TypedArray, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape, outDtype: DType,
): TypedArray {
  const n = sizeOf(outShape);
  if (!sameShape(condShape, outShape)) cond = expand(cond, condShape, outShape);
  if (!sameShape(aShape, outShape)) a = expand(a, aShape, outShape);
  if (!sameShape(bShape, outShape)) b = expand(b, bShape, outShape);
  const out = allocate(outDtype, n);
  for (let i = 0; i < n; i++) out[i] = cond[i] !== 0 ? a[i] : b[i];
  return out;
}

export function clamp(x: TypedArray, min: number, max: number): TypedArray {
  const n = x.length;
  const out = allocate(dtypeOf(x), n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    out[i] = v < min ? min : v > max ? max : v;
  }
  return out;
}

export function cast(x: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, x.length);
  if (dtype === 'int32') {
    // Truncation toward zero, as PyTorch's float → int conversion.
    for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
  } else {
    out.set(x);
  }
  return out;
}

