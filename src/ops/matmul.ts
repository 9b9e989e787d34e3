import { promote } from '../tensor/dtype.js';
import { broadcastShapes, formatShape, sameShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { defineOp } from './op.js';

interface MatmulAttrs {
  transA: boolean;
  transB: boolean;
}

/**
 * The primitive: op(A) · op(B) over broadcast batch dimensions, where op transposes the last two
 * axes when its flag is set. The flags let every gradient be one product with no transposed copy.
 */
export const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  forward: (be, [a, b], { transA, transB }) => {
    const ra = a.ndim;
    const rb = b.ndim;
    const m = a.shape[transA ? ra - 1 : ra - 2];
    const k = a.shape[transA ? ra - 2 : ra - 1];
    const kb = b.shape[transB ? rb - 1 : rb - 2];
    const n = b.shape[transB ? rb - 2 : rb - 1];
    if (k !== kb) {
      throw new RangeError(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (inner dimensions ${k} and ${kb} differ)`);
    }
    const batchA = a.shape.slice(0, ra - 2);
    const batchB = b.shape.slice(0, rb - 2);
    const batchShape = broadcastShapes(batchA, batchB, 'matmul');
    const batch = sizeOf(batchShape);
    // A batch that is broadcast as a whole repeats one matrix (stride 0); a partly broadcast
    // batch is materialised first.
    let ad = a.data;
    let bd = b.data;
    let strideA = sizeOf(batchA) === 1 ? 0 : m * k;
    let strideB = sizeOf(batchB) === 1 ? 0 : k * n;
    if (strideA !== 0 && !sameShape(batchA, batchShape)) {
      ad = be.expand(ad, a.shape, [...batchShape, ...a.shape.slice(ra - 2)]);
      strideA = m * k;
    }
    if (strideB !== 0 && !sameShape(batchB, batchShape)) {
      bd = be.expand(bd, b.shape, [...batchShape, ...b.shape.slice(rb - 2)]);
      strideB = k * n;
    }
    const dtype = promote(a.dtype, b.dtype);
    const data = be.matmul(ad, bd, { batch, m, n, k, transA, transB, strideA, strideB }, dtype);
    return new Tensor(data, [...batchShape, m, n], dtype);
  },
  // C = AB: dA = G Bᵀ, dB = Aᵀ G, each written for the stored (possibly transposed) layout.
  vjp: (g, { inputs: [a, b], attrs: { transA, transB } }, needs) => [
    needs[0] ? (transA ? mm(b, g, transB, true) : mm(g, b, false, !transB)) : null,
    needs[1] ? (transB ? mm(g, a, true, transA) : mm(a, g, !transA, false)) : null,
  ],
  local: '∂(AB)/∂A: G·Bᵀ, ∂(AB)/∂B: Aᵀ·G',
});

function mm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return apply(matmulOp, [a, b], { transA, transB });
}

/**
 * Matrix product with PyTorch's rules: 1-D · 1-D is a dot product, a 1-D operand is treated as a
 * row (left) or column (right) vector and that dimension removed, and leading batch dimensions
 * broadcast.
 * @example
 * matmul(x, w.T);   // [batch, in] · [in, out]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new TypeError('matmul: both operands must be Tensors');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`matmul: both operands need at least one dimension, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const ka = a.shape[a.ndim - 1];
  const kb = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (ka !== kb) {
    throw new RangeError(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (${ka} columns vs ${kb} rows)`);
  }
  const a2 = a.ndim === 1 ? a.reshape(1, ka) : a;
  const b2 = b.ndim === 1 ? b.reshape(kb, 1) : b;
  if (a.ndim > 2 || b.ndim > 2) {
    // The prefix names the operands' full shapes; the rest of the message names their batch parts.
    broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), `matmul: batch dimensions of ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  let y = mm(a2, b2, false, false);
  if (a.ndim === 1) y = y.squeeze(-2);
  if (b.ndim === 1) y = y.squeeze(-1);
  return y;
}

