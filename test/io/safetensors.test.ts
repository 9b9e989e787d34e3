import { describe, expect, it } from 'vitest';
import { io, randint, randn, tensor, zeros } from '../../src/index.js';

describe('safetensors encoding', () => {
  it('round-trips float32, float64 and int32 tensors bit for bit, with shapes and metadata', () => {
    const tensors = {
      w: randn([3, 4]), d: randn([2, 2], { dtype: 'float64' }), i: randint(-5, 5, [7]),
      s: tensor(Number.MIN_VALUE, { dtype: 'float64' }), e: zeros([2, 0, 3]), nan: tensor([NaN, -0, Infinity]),
    };
    const bytes = io.encodeSafetensors(tensors, { note: 'ü ✓' });
    const { tensors: back, metadata } = io.decodeSafetensors(bytes);
    expect(metadata).toEqual({ note: 'ü ✓' });
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].dtype, name).toBe(t.dtype);
      expect(back[name].shape, name).toEqual(t.shape);
      expect(new Uint8Array(back[name].data.buffer), name).toEqual(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
  });

  it('pads the header to 8 bytes and puts wider dtypes first, so every tensor is aligned', () => {
    const bytes = io.encodeSafetensors({ a: tensor([1], { dtype: 'int32' }), b: tensor([1, 2, 3]), c: tensor([1], { dtype: 'float64' }) });
    const { entries, dataStart } = io.readSafetensorsHeader(bytes);
    expect(dataStart % 8).toBe(0);
    expect([...entries].map(([name, e]) => [name, e.dtype, e.dataOffsets])).toEqual([['c', 'F64', [0, 8]], ['b', 'F32', [8, 20]], ['a', 'I32', [20, 24]]]);
  });

  it('reads from a view at any byte offset (a Node Buffer slice, a region of a larger file)', () => {
    const bytes = io.encodeSafetensors({ w: randn([5]) });
    const host = new Uint8Array(bytes.length + 3);
    host.set(bytes, 3);
    const { tensors } = io.decodeSafetensors(host.subarray(3));
    expect(tensors.w.data).toEqual(io.decodeSafetensors(bytes).tensors.w.data);
    expect(io.decodeSafetensors(Buffer.from(bytes)).tensors.w.data).toEqual(tensors.w.data);
  });

  it('keeps a tensor named __proto__ as an entry, not a prototype', () => {
    const map = new Map([['__proto__', tensor([1, 2])]]);
    const { tensors } = io.decodeSafetensors(io.encodeSafetensors(map));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
  });

  it('refuses bad arguments with the name of what is wrong', () => {
    expect(() => io.encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(/"__metadata__" cannot name a tensor/);
    expect(() => io.encodeSafetensors({ w: [1, 2] as unknown as ReturnType<typeof tensor> })).toThrow(/'w' must be a Tensor, got object/);
    expect(() => io.encodeSafetensors({}, { n: 2 } as unknown as Record<string, string>)).toThrow(/metadata\['n'\] must be a string/);
  });
});
