/** A tensor's shape: sizes of its dimensions, outermost first. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Row-major strides of a contiguous tensor. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * NumPy/PyTorch broadcasting: align trailing dimensions; each pair must be equal or contain a 1.
 * `op` names the operation in the error.
 */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  if (sameShape(a, b)) return a as number[];
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together ` +
        `(dimension ${i} of the result: ${da} vs ${db}; sizes must match or be 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Turns a possibly negative dimension into its index, or throws naming the op and the rank. */
export function normalizeDim(dim: number, rank: number, op: string, argName = 'dim'): number {
  if (!Number.isInteger(dim) || dim < -Math.max(rank, 1) || dim >= Math.max(rank, 1)) {
    throw new RangeError(`${op}: ${argName} ${dim} is out of range for a tensor of rank ${rank} (expected an integer in [${-Math.max(rank, 1)}, ${Math.max(rank, 1) - 1}])`);
  }
  return dim < 0 ? dim + Math.max(rank, 1) : dim;
}

export function assertShape(shape: unknown, argName = 'shape'): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${argName}: expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new TypeError(`${argName}: expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
  }
  return shape.slice();
}
