import type { MatmulParams } from '../../backend/backend.js';
import { allocate, type DType, type TypedArray } from '../../tensor/dtype.js';

/**
 * Batched matrix product, the plain way: for each row of op(A), accumulate a·row(op(B)) into the
 * output row (i-p-j order, so the inner loop runs along contiguous memory when B is not
 * transposed). When B is transposed, its rows are the columns we need: dot products instead.
 */
export function matmul(a: TypedArray, b: TypedArray, p: MatmulParams, outDtype: DType): TypedArray {
  const { batch, m, n, k, transA, transB, strideA, strideB } = p;
  const out = allocate(outDtype, batch * m * n);
  for (let bt = 0; bt < batch; bt++) {
    const offA = bt * strideA;
    const offB = bt * strideB;
    const offC = bt * m * n;
    // A(i, q) sits at offA + i·ai + q·aq; B(q, j) at offB + q·bq + j·bj.
    const ai = transA ? 1 : k;
    const aq = transA ? m : 1;
    if (!transB) {
      for (let i = 0; i < m; i++) {
        const row = offC + i * n;
        for (let q = 0; q < k; q++) {
          const aiq = a[offA + i * ai + q * aq];
          const rowB = offB + q * n;
          for (let j = 0; j < n; j++) out[row + j] += aiq * b[rowB + j];
        }
      }
    } else {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const rowB = offB + j * k;
          let s = 0;
          for (let q = 0; q < k; q++) s += a[offA + i * ai + q * aq] * b[rowB + q];
          out[offC + i * n + j] = s;
        }
      }
    }
  }
  return out;
}
