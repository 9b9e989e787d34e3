import type { TypedArray } from './dtype.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

export type NestedArray = number | NestedArray[];

export function toNested(data: TypedArray, shape: Shape): NestedArray {
  if (shape.length === 0) return data[0];
  const build = (dim: number, offset: number): NestedArray[] => {
    const size = shape[dim];
    const out = new Array<NestedArray>(size);
    if (dim === shape.length - 1) {
      for (let i = 0; i < size; i++) out[i] = data[offset + i];
      return out;
    }
    let stride = 1;
    for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
    for (let i = 0; i < size; i++) out[i] = build(dim + 1, offset + i * stride);
    return out;
  };
  return build(0, 0);
}

/** tensor([[1, 2], [3, 4]], dtype=float64, requiresGrad) — values shortened past 6 per row. */
export function formatTensor(t: Tensor): string {
  const fmt = (v: number): string => (t.dtype === 'int32' ? String(v) : Number.isInteger(v) ? `${v}.` : String(Number(v.toPrecision(6))));
  const show = (dim: number, offset: number): string => {
    if (t.shape.length === 0) return fmt(t.data[0]);
    const size = t.shape[dim];
    let stride = 1;
    for (let d = dim + 1; d < t.shape.length; d++) stride *= t.shape[d];
    const idx = size > 6 ? [0, 1, 2, -1, size - 3, size - 2, size - 1] : [...Array(size).keys()];
    const parts = idx.map((i) => (i < 0 ? '…' : dim === t.shape.length - 1 ? fmt(t.data[offset + i]) : show(dim + 1, offset + i * stride)));
    return `[${parts.join(', ')}]`;
  };
  const extras = [t.dtype !== 'float32' ? `dtype=${t.dtype}` : '', t.gradFn ? `gradFn=${t.gradFn.op.name}` : t.requiresGrad ? 'requiresGrad' : '']
    .filter((s) => s !== '');
  return `tensor(${show(0, 0)}${extras.length > 0 ? ', ' + extras.join(', ') : ''})`;
}
