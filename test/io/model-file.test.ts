import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultGenerator, io, manualSeed, nn, noGrad, randn, Tensor } from '../../src/index.js';
import { load, loadWeights, save, saveWeights } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One of every registered layer type, some with non-default arguments, nested once. */
function everything(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv1d(2, 3, 3, { padding: 'same', bias: false }),
    new nn.BatchNorm1d(3, { eps: 1e-3, momentum: null }),
    new nn.MaxPool1d(2, { stride: 1, padding: 1, dilation: 1, ceilMode: true }),
    new nn.AvgPool1d(2, { countIncludePad: false }),
    new nn.Flatten(),
    new nn.Sequential(new nn.Linear(6, 4), new nn.LeakyReLU(0.2), new nn.Dropout(0.1)),
    new nn.Sigmoid(), new nn.Tanh(), new nn.GELU({ approximate: 'tanh' }), new nn.ReLU(), new nn.Identity(),
    new nn.Linear(4, 4, { bias: false }), new nn.Softmax(-1), new nn.LogSoftmax(1),
  );
}

function outputs(model: { forward(x: Tensor): Tensor; eval(): unknown }, x: Tensor): Float32Array | Float64Array | Int32Array {
  model.eval();
  return noGrad(() => model.forward(x)).data;
}

describe('serialize / deserialize', () => {
  it('rebuilds every layer type with its arguments and weights: same printout, same outputs', () => {
    manualSeed(1);
    const model = everything();
    noGrad(() => model.forward(randn([4, 2, 4]))); // moves the batch-norm statistics
    const copy = io.deserialize(io.serialize(model));
    expect(copy.toString()).toBe(model.toString());
    expect(io.describeModel(copy)).toEqual(io.describeModel(model));
    const x = randn([5, 2, 4]);
    expect(outputs(copy, x)).toEqual(outputs(model, x));
    const sd = copy.stateDict();
    for (const [name, t] of Object.entries(model.stateDict())) expect(Array.from(sd[name].data), name).toEqual(Array.from(t.data));
  });

  it('keeps float64 models float64, and Conv2d/pool 2-D arguments', () => {
    manualSeed(2);
    const model = new nn.Sequential(new nn.Conv2d(1, 2, [3, 2], { stride: [2, 1], padding: [1, 0], dilation: [1, 2], dtype: 'float64' }),
      new nn.AvgPool2d([2, 1], { stride: null, padding: [1, 0] }), new nn.MaxPool2d(1), new nn.Flatten(0, -1));
    const copy = io.deserialize(io.serialize(model));
    expect(copy.toString()).toBe(model.toString());
    expect(copy.parameters().map((p) => p.dtype)).toEqual(['float64', 'float64']);
    const x = randn([1, 1, 6, 5], { dtype: 'float64' });
    expect(outputs(copy, x)).toEqual(outputs(model, x));
  });

  it('stores the version and architecture as string metadata, with user metadata beside them', () => {
    const bytes = io.serialize(new nn.Linear(2, 3), { metadata: { author: 'ada' } });
    const { metadata } = io.decodeSafetensors(bytes);
    expect(metadata).toEqual({
      author: 'ada', 'chainrule.version': io.VERSION, 'chainrule.content': 'model',
      'chainrule.architecture': '{"type":"Linear","args":[2,3,{"bias":true,"dtype":"float32"}]}',
    });
    expect(() => io.serialize(new nn.Linear(2, 3), { metadata: { 'chainrule.version': 'x' } })).toThrow(/reserved: chainrule.version/);
    expect(() => io.serialize(new nn.Linear(2, 3), { metadata: { n: 1 } as unknown as Record<string, string> })).toThrow(/metadata\['n'\] must be a string/);
  });

  it('VERSION is package.json\'s version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(io.VERSION).toBe(pkg.version);
  });

  it('loading does not advance the seeded default generator', () => {
    const bytes = io.serialize(everything());
    manualSeed(5);
    const before = defaultGenerator.getState();
    io.deserialize(bytes);
    expect(defaultGenerator.getState()).toEqual(before);
  });

  it('refuses an unregistered layer, naming where it is', () => {
    class Twice extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.mul(2);
      }
    }
    class MyLinear extends nn.Linear {}
    expect(() => io.serialize(new nn.Sequential(new nn.ReLU(), new nn.Sequential(new Twice()))))
      .toThrow(/the layer at '1.0' is a Twice, which is not a registered layer type .*io.registerLayer.*serializeStateDict/);
    // A subclass is not saved as its base class: its forward may differ.
    expect(() => io.serialize(new nn.Sequential(new MyLinear(2, 2)))).toThrow(/'0' is a MyLinear, which is not a registered/);
  });

  it('rebuilds a registered layer type of the user\'s', () => {
    class Scale extends nn.Module {
      readonly scale: nn.Parameter;
      constructor(readonly size: number) {
        super();
        this.scale = new nn.Parameter(randn([size]));
      }
      forward(x: Tensor): Tensor {
        return x.mul(this.scale);
      }
    }
    io.registerLayer<Scale>({ type: 'Scale', layer: Scale, args: (m) => [m.size], build: ([size]) => new Scale(size as number) });
    expect(io.layerTypes()).toContain('Scale');
    manualSeed(3);
    const model = new nn.Sequential(new nn.Linear(3, 3), new Scale(3));
    const copy = io.deserialize(io.serialize(model));
    expect((copy as nn.Sequential).at(1)).toBeInstanceOf(Scale);
    const x = randn([2, 3]);
    expect(outputs(copy, x)).toEqual(outputs(model, x));
    expect(() => io.registerLayer({ type: 'Linear', layer: Scale, args: () => [], build: () => new Scale(1) })).toThrow(/'Linear' is already taken/);
  });
});

describe('Node files', () => {
  it('save / load round-trips a model through a file', () => {
    manualSeed(4);
    const model = new nn.Sequential(new nn.Linear(3, 5), new nn.ReLU(), new nn.Linear(5, 2));
    const path = join(dir, 'model.safetensors');
    save(model, path);
    const copy = load(path);
    const x = randn([4, 3]);
    expect(outputs(copy, x)).toEqual(outputs(model, x));
  });

  it('saveWeights with PyTorch names / loadWeights into an existing model', () => {
    manualSeed(5);
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
    const path = join(dir, 'weights.safetensors');
    saveWeights(model, path, { names: 'pytorch' });
    const { entries } = io.readSafetensorsHeader(new Uint8Array(readFileSync(path)));
    expect([...entries.keys()].sort()).toEqual(['0.bias', '0.weight', '1.bias', '1.num_batches_tracked', '1.running_mean', '1.running_var', '1.weight']);
    manualSeed(6);
    const other = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
    loadWeights(other, path);
    const x = randn([4, 2]);
    expect(outputs(other, x)).toEqual(outputs(model, x));
  });

  it('read errors name the file', () => {
    const path = join(dir, 'model.safetensors');
    expect(() => loadWeights(new nn.Linear(9, 9), path)).toThrow(new RegExp(`^${path.replace(/[.\\/]/g, '\\$&')}: loadStateDict: .*unexpected keys: '0.bias'`, 's'));
    expect(() => load(join(dir, 'missing.safetensors'))).toThrow(/ENOENT/);
  });
});
