// Damaged and mismatched files: each fails with an error that names the problem, and a model
// being loaded into is left exactly as it was.
import { describe, expect, it } from 'vitest';
import { io, manualSeed, nn, tensor } from '../../src/index.js';
import { fixtureBytes } from './fixture-models.js';

/** A safetensors file from a header (object or raw text) and data bytes; `length` overrides the length field. */
function craft(header: object | string, data: Uint8Array = new Uint8Array(0), length?: number): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const f32 = (n: number): Uint8Array => new Uint8Array(new Float32Array(n).fill(1).buffer);

function model(): nn.Sequential {
  manualSeed(3);
  return new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Linear(4, 2));
}

function values(m: nn.Sequential): number[][] {
  return Object.values(m.stateDict()).map((t) => Array.from(t.data));
}

describe('damaged safetensors files', () => {
  const good = io.serialize(model());

  it('a file cut short anywhere is refused', () => {
    expect(() => io.decodeSafetensors(good.subarray(0, 5))).toThrow(/5 bytes long, too short for the 8-byte header length/);
    expect(() => io.decodeSafetensors(good.subarray(0, 40))).toThrow(/header length field says \d+ bytes but only 32 follow it.*truncated/);
    expect(() => io.decodeSafetensors(good.subarray(0, good.length - 3))).toThrow(/ends at byte \d+ of the data section, but the file holds only \d+ data bytes \(truncated\?\)/);
  });

  it('a header that is not JSON, or not an object, is refused', () => {
    expect(() => io.decodeSafetensors(craft('{"w": {"dtype": "F32",'))).toThrow(/the header is not valid JSON/);
    expect(() => io.decodeSafetensors(craft('[1, 2]'))).toThrow(/the header must be a JSON object/);
    const notUtf8 = craft('{"w":1}');
    notUtf8[10] = 0xff;
    expect(() => io.decodeSafetensors(notUtf8)).toThrow(/not valid UTF-8/);
  });

  it('a header length beyond the file, or absurdly large, is refused before allocating', () => {
    expect(() => io.decodeSafetensors(craft('{}', new Uint8Array(0), 1000))).toThrow(/says 1000 bytes but only 2 follow it/);
    const huge = craft('{}');
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    expect(() => io.decodeSafetensors(huge)).toThrow(/more than the 100 MB a header may have/);
  });

  it('a header that claims more data than the file has is refused', () => {
    const bytes = craft({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32(2));
    expect(() => io.decodeSafetensors(bytes)).toThrow(/tensor 'w' ends at byte 16 of the data section, but the file holds only 8 data bytes/);
  });

  it('an unsupported or unknown dtype is named', () => {
    expect(() => io.decodeSafetensors(fixtureBytes('torch-bf16.safetensors'))).toThrow(/tensor 'w' has dtype BF16, which chainrule cannot read \(it reads F32, F64, I32 and I64/);
    expect(() => io.decodeSafetensors(craft({ w: { dtype: 'Q7', shape: [1], data_offsets: [0, 4] } }, f32(1)))).toThrow(/tensor 'w' has unknown dtype "Q7"/);
  });

  it('overlapping, backwards, gapped or mis-sized offsets are refused', () => {
    const overlap = craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(3));
    expect(() => io.decodeSafetensors(overlap)).toThrow(/the data of tensors 'a' \(ending at byte 8\) and 'b' \(starting at 4\) overlap/);
    const backwards = craft({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, f32(2));
    expect(() => io.decodeSafetensors(backwards)).toThrow(/data_offsets \[8, 0\], which run backwards/);
    const gap = craft({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2));
    expect(() => io.decodeSafetensors(gap)).toThrow(/bytes 0…4 of the data belong to no tensor/);
    const size = craft({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(2));
    expect(() => io.decodeSafetensors(size)).toThrow(/shape \[3\] of F32 needs 12 bytes, but data_offsets \[0, 8\] span 8/);
    const trailing = craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2));
    expect(() => io.decodeSafetensors(trailing)).toThrow(/4 data bytes after the last tensor that belong to no tensor/);
    const shape = craft({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1));
    expect(() => io.decodeSafetensors(shape)).toThrow(/has shape \[-1\]; expected a list of non-negative integers/);
  });

  it('non-string metadata and out-of-range int64 values are refused', () => {
    expect(() => io.decodeSafetensors(craft({ __metadata__: { epoch: 3 } }))).toThrow(/__metadata__\['epoch'\] must be a string/);
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 40n, true);
    expect(() => io.decodeSafetensors(craft({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, big))).toThrow(/'n' \(I64\) holds 1099511627776 at index 0, outside the int32 range/);
  });
});

describe('state that does not fit the model', () => {
  it('wrong shapes, missing and unexpected names: one error, and the model is unchanged', () => {
    const target = model();
    const before = values(target);
    manualSeed(9);
    const other = new nn.Sequential(new nn.Linear(3, 5), new nn.BatchNorm1d(5), new nn.Linear(5, 2), new nn.Linear(2, 2));
    let message = '';
    try {
      io.loadWeights(target, io.serialize(other));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/unexpected keys: '3.bias', '3.weight'/);
    expect(message).toMatch(/size mismatch for '0.weight': the state dict has shape \[5, 3\], the model \[4, 3\]/);
    expect(message).toMatch(/nothing was changed/);
    expect(values(target)).toEqual(before);
    expect(() => io.loadWeights(target, io.serialize(new nn.Sequential(new nn.Linear(3, 4))))).toThrow(/missing keys: '1.weight', '1.bias', '1.runningMean'/);
    expect(values(target)).toEqual(before);
  });

  it('a dtype mismatch is named, and nothing is loaded', () => {
    const target = model();
    const before = values(target);
    const wide = model().to('float64');
    expect(() => io.loadWeights(target, io.serialize(wide))).toThrow(/dtype mismatch for '0.weight': the state dict has float64, the model float32/);
    expect(values(target)).toEqual(before);
  });

  it('a damaged file leaves the model untouched', () => {
    const target = model();
    const before = values(target);
    const bytes = io.serialize(model());
    expect(() => io.loadWeights(target, bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    expect(values(target)).toEqual(before);
  });

  it('an architecture with an unknown type or bad arguments names the layer', () => {
    const tensors = { '0.weight': tensor([[1]]) };
    const withArchitecture = (spec: object): Uint8Array => io.encodeSafetensors(tensors, { [io.META.architecture]: JSON.stringify(spec) });
    expect(() => io.deserialize(withArchitecture({ type: 'Sequential', args: [], children: [{ type: 'Conv3d', args: [] }] })))
      .toThrow(/architecture at '0': unknown layer type 'Conv3d' \(known: Sequential, Linear/);
    expect(() => io.deserialize(withArchitecture({ type: 'Sequential', args: [], children: [{ type: 'Linear', args: [-1, 2] }] })))
      .toThrow(/architecture at '0': cannot rebuild Linear from arguments \[-1,2\]: Linear: inFeatures must be a non-negative integer/);
    expect(() => io.deserialize(withArchitecture({ type: 'Sequential', args: [], children: [{ type: 'Linear', args: [1, 1, { bias: true, colour: 'red' }] }] })))
      .toThrow(/unknown option\(s\) colour/);
    expect(() => io.deserialize(io.encodeSafetensors(tensors, { [io.META.architecture]: '{oops' }))).toThrow(/the stored architecture is not valid JSON/);
    expect(() => io.deserialize(withArchitecture({ type: 'Sequential', args: [], children: [{ type: 'Linear', args: [1, 2] }] })))
      .toThrow(/the weights do not fit the stored architecture: .*size mismatch for '0.weight'/s);
  });

  it('deserialize refuses things that are not bytes', () => {
    expect(() => io.deserialize('model.safetensors' as unknown as Uint8Array)).toThrow(/expected the file's bytes as a Uint8Array, got string/);
  });
});
