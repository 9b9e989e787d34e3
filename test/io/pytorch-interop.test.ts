// Model files crossing between PyTorch and chainrule, on fixtures from scripts/make-io-fixtures.py.
import { describe, expect, it } from 'vitest';
import { io, nn, noGrad, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';
import { cnn, fixtureBytes, fixtureCase, mlp, oursCnn, oursMlp } from './fixture-models.js';

function evalForward(model: nn.Sequential | ReturnType<typeof io.deserialize>, x: Tensor): Tensor {
  model.eval();
  return noGrad(() => model.forward(x));
}

/** The same file apart from the version that wrote it: header entries, metadata and data bytes. */
function expectSameFile(actual: Uint8Array, expected: Uint8Array): void {
  const a = io.readSafetensorsHeader(actual);
  const e = io.readSafetensorsHeader(expected);
  expect([...a.entries]).toEqual([...e.entries]);
  const { [io.META.version]: va, ...restA } = a.metadata;
  const { [io.META.version]: ve, ...restE } = e.metadata;
  expect(restA).toEqual(restE);
  expect(Buffer.from(actual.subarray(a.dataStart)).equals(Buffer.from(expected.subarray(e.dataStart))), 'tensor data bytes').toBe(true);
  // Written by the same version, the whole file is the same, byte for byte.
  if (va === ve) expect(Buffer.from(actual).equals(Buffer.from(expected)), 'whole file').toBe(true);
}

describe('PyTorch → chainrule', () => {
  it('loads a PyTorch MLP state dict (snake_case buffers, int64 counter) and matches its outputs', () => {
    const model = mlp();
    const result = io.loadWeights(model, fixtureBytes('torch-mlp.safetensors'));
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const bn = model.at(1) as nn.BatchNorm1d;
    expect(bn.numBatchesTracked?.dtype).toBe('int32');
    expect(bn.numBatchesTracked?.item()).toBe(3);
    const { input, output } = fixtureCase('torch-mlp.json');
    expectAllClose(evalForward(model, input), output, { atol: 1e-5, rtol: 1e-5 });
  });

  it('loads a PyTorch CNN (conv, batch norm, pools, GELU) and matches its outputs', () => {
    const model = cnn();
    io.loadWeights(model, fixtureBytes('torch-cnn.safetensors'));
    const { input, output } = fixtureCase('torch-cnn.json');
    expectAllClose(evalForward(model, input), output, { atol: 1e-5, rtol: 1e-5 });
  });

  it('a PyTorch file has no architecture: deserialize says to use loadWeights', () => {
    expect(() => io.deserialize(fixtureBytes('torch-mlp.safetensors'))).toThrow(/without an architecture.*io.loadWeights/s);
  });
});

describe('chainrule → PyTorch', () => {
  it('writes exactly the model file PyTorch loaded, and PyTorch computed the same outputs', () => {
    const committed = fixtureBytes('ours-mlp.safetensors');
    expectSameFile(io.serialize(oursMlp()), committed);
    const model = io.deserialize(committed);
    const { input, output } = fixtureCase('ours-mlp.json');
    expectAllClose(evalForward(model, input), output, { atol: 1e-5, rtol: 1e-5 });
  });

  it('writes exactly the PyTorch-named weights file that torch load_state_dict(strict=True) took', () => {
    const committed = fixtureBytes('ours-cnn.safetensors');
    const model = oursCnn();
    expectSameFile(io.serializeStateDict(model, { names: 'pytorch' }), committed);
    expect([...io.readSafetensorsHeader(committed).entries.keys()]).toContain('1.running_mean');
    const reloaded = cnn();
    io.loadWeights(reloaded, committed);
    const { input, output } = fixtureCase('ours-cnn.json');
    expectAllClose(evalForward(reloaded, input), output, { atol: 1e-5, rtol: 1e-5 });
    expectAllClose(evalForward(model, input), output, { atol: 1e-5, rtol: 1e-5 });
  });
});

describe('the official writer\'s layout', () => {
  it('re-encodes a file from safetensors.torch.save_file byte for byte', () => {
    const bytes = fixtureBytes('layout.safetensors');
    const { tensors, metadata } = io.decodeSafetensors(bytes);
    expect(Object.keys(tensors).sort()).toEqual(['a.bias', 'b.weight', 'counter', 'ids', 'scalar', 'z.empty']);
    expect(tensors.scalar.shape).toEqual([]);
    expect(tensors.scalar.item()).toBe(2.5);
    expect(tensors['z.empty'].shape).toEqual([0, 4]);
    expect(Array.from(tensors.ids.data)).toEqual([0, 1, 2]);
    expect(tensors['a.bias'].dtype).toBe('float64');
    expect(Buffer.from(io.encodeSafetensors(tensors, metadata)).equals(Buffer.from(bytes))).toBe(true);
  });
});
