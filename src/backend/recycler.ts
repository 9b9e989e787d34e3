import { ARRAY_TYPES, type DType, type TypedArray } from '../tensor/dtype.js';

/**
 * What a backend offers the backward pass so that the memory of its dead gradients is used again
 * (Backend.recycler). The engine brackets a pass with begin() and end(); the backend notes every
 * array it allocates in between, and end() gets back those whose buffers nothing can reach.
 */
export interface Recycler {
  /**
   * Starts noting the arrays this backend allocates. False when a pass is already noting: a
   * nested pass recycles nothing, and neither does the pass around it (the inner one may have
   * given its arrays to tensors the outer one cannot see).
   */
  begin(): boolean;
  /**
   * Stops noting. With `live` (the buffers still reachable from what the pass hands out: .grad
   * fields, returned gradients), every noted array outside it is free for later allocations;
   * with null, none is.
   */
  end(live: ReadonlySet<ArrayBufferLike> | null): void;
  /** Whether end() would have anything to give back: the engine skips collecting `live` if not. */
  readonly noted: boolean;
}

export interface RecyclerLimits {
  /** Arrays smaller than this are neither noted nor kept: V8's own young allocations serve them well. */
  minBytes: number;
  /** The most bytes kept free at once; arrays beyond it are left to the garbage collector. */
  maxBytes: number;
  /** The most free buffers kept of one size. */
  perSize: number;
}

export const DEFAULT_RECYCLER_LIMITS: Readonly<RecyclerLimits> = { minBytes: 16384, maxBytes: 256 * 1024 * 1024, perSize: 8 };

/**
 * Why this pays: the garbage collector frees a training step's arrays only at its next collection,
 * so each step's activations and gradients land at new addresses, tens of megabytes apart, and
 * every kernel reads and writes memory that has left the caches. Handing the next step the
 * buffers this backward pass just dropped keeps a step's working set in cache, as PyTorch's
 * caching allocator does with freed blocks. Only buffers allocated during the pass are candidates,
 * so no array that existed before it (activations, parameters, a user's gradient) is ever reused.
 */
export class BufferRecycler implements Recycler {
  private readonly limits: RecyclerLimits;
  private noting: TypedArray[] | null = null;
  private spoiled = false;
  /** Free buffers by byte length, the most recently freed (warmest) last. */
  private readonly free = new Map<number, ArrayBuffer[]>();
  private freeBytes = 0;

  constructor(limits: Partial<RecyclerLimits> = {}) {
    this.limits = { ...DEFAULT_RECYCLER_LIMITS, ...limits };
  }

  get noted(): boolean {
    return this.noting !== null && this.noting.length > 0;
  }

  /** Bytes held for reuse now. */
  get heldBytes(): number {
    return this.freeBytes;
  }

  begin(): boolean {
    if (this.noting !== null) {
      this.spoiled = true;
      return false;
    }
    this.noting = [];
    this.spoiled = false;
    return true;
  }

  end(live: ReadonlySet<ArrayBufferLike> | null): void {
    const noted = this.noting;
    this.noting = null;
    if (noted === null || live === null || this.spoiled) return;
    const { maxBytes, perSize } = this.limits;
    for (const a of noted) {
      const buffer = a.buffer;
      if (live.has(buffer) || !(buffer instanceof ArrayBuffer)) continue;
      const bytes = buffer.byteLength;
      if (this.freeBytes + bytes > maxBytes) continue;
      let list = this.free.get(bytes);
      if (list === undefined) this.free.set(bytes, (list = []));
      if (list.length >= perSize) continue;
      list.push(buffer);
      this.freeBytes += bytes;
    }
  }

  /**
   * An array of `size` elements: a free buffer of exactly its byte length if there is one, else
   * `make`'s. A free buffer's contents are stale unless `zero` (for kernels that add into their
   * output rather than write every element). Noted while a pass runs, whichever it is.
   */
  take(dtype: DType, size: number, make: (dtype: DType, size: number) => TypedArray, zero = false): TypedArray {
    const Type = ARRAY_TYPES[dtype];
    const bytes = size * Type.BYTES_PER_ELEMENT;
    if (bytes < this.limits.minBytes) return make(dtype, size);
    const buffer = this.free.get(bytes)?.pop();
    let out: TypedArray;
    if (buffer === undefined) {
      out = make(dtype, size);
    } else {
      this.freeBytes -= bytes;
      out = new Type(buffer, 0, size);
      if (zero) out.fill(0);
    }
    // Only an array that owns its whole buffer can be handed on later.
    if (this.noting !== null && out.byteOffset === 0 && out.buffer.byteLength === bytes) this.noting.push(out);
    return out;
  }

  /** Lets the garbage collector have every free buffer. */
  clear(): void {
    this.free.clear();
    this.freeBytes = 0;
  }
}
