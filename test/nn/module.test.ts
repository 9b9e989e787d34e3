import { describe, expect, it } from 'vitest';
import { manualSeed, nn, ones, tensor, zeros, type Tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 3);
  act = new nn.ReLU();
  bn = new nn.BatchNorm1d(3);
  scale = new nn.Parameter(ones([1]));
  fc2 = new nn.Linear(3, 2, { bias: false });
  notRegistered = zeros([2]);

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.bn.forward(this.act.forward(this.fc1.forward(x))).mul(this.scale));
  }
}

describe('Module registration and names', () => {
  it('finds parameters assigned as properties, in declaration order, with dotted names', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual(['scale', 'fc1.weight', 'fc1.bias', 'bn.weight', 'bn.bias', 'fc2.weight']);
    expect(net.parameters()).toHaveLength(6);
    expect(net.parameters()[0]).toBe(net.scale);
    expect(net.parameters(false)).toEqual([net.scale]);
    expect(net.namedParameters('model').map(([n]) => n)[1]).toBe('model.fc1.weight');
  });

  it('names Sequential children 0, 1, … as PyTorch does', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh(), new nn.Linear(3, 1));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.length).toBe(3);
    expect(seq.at(-1)).toBe(seq.at(2));
    expect([...seq].map((m) => m.constructor.name)).toEqual(['Linear', 'Tanh', 'Linear']);
    expect(() => seq.at(3)).toThrow(/index 3 is out of range for 3 modules/);
  });

  it('keeps numeric order past nine modules', () => {
    const seq = new nn.Sequential(...Array.from({ length: 12 }, () => new nn.Linear(1, 1, { bias: false })));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(Array.from({ length: 12 }, (_, i) => `${i}.weight`));
  });

  it('lists buffers, children and modules', () => {
    const net = new Net();
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['bn.runningMean', 'bn.runningVar', 'bn.numBatchesTracked']);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'bn', 'fc2']);
    expect(net.children()[0]).toBe(net.fc1);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'fc1', 'act', 'bn', 'fc2']);
    expect(net.modules()[0]).toBe(net);
    // A plain tensor property is neither a parameter nor a buffer (as in PyTorch).
    expect(net.buffers()).not.toContain(net.notRegistered);
  });

  it('counts a shared module or parameter once', () => {
    const shared = new nn.Linear(2, 2);
    const seq = new nn.Sequential(shared, new nn.ReLU(), shared);
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias']);
    expect(seq.namedModules().map(([n]) => n)).toEqual(['', '0', '1']);
    // stateDict, like PyTorch's, lists it under every name.
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('registers explicitly, and a null parameter or buffer leaves nothing', () => {
    class M extends nn.Module {
      constructor() {
        super();
        this.registerParameter('w', new nn.Parameter(zeros([2])));
        this.registerParameter('b', null);
        this.registerBuffer('stat', ones([2]));
        this.registerBuffer('empty', null);
        this.registerModule('inner', new nn.Linear(1, 1));
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new M();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['w', 'inner.weight', 'inner.bias']);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['stat']);
    expect(Object.keys(m.stateDict())).toEqual(['w', 'stat', 'inner.weight', 'inner.bias']);
    expect(() => m.registerBuffer('a.b', ones([1]))).toThrow(/without '\.'/);
    expect(() => m.registerBuffer('forward', ones([1]))).toThrow(/already an attribute/);
    expect(() => m.registerParameter('p', ones([1]) as unknown as nn.Parameter)).toThrow(/must be an nn.Parameter/);
  });

  it('makes Parameters that require grad, share storage, and are float only', () => {
    const t = tensor([1, 2, 3]);
    const p = new nn.Parameter(t);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p.data).toBe(t.data);
    expect(new nn.Parameter(t, false).requiresGrad).toBe(false);
    expect(() => new nn.Parameter(tensor([1], { dtype: 'int32' }))).toThrow(/only float tensors can be parameters; got int32/);
  });

  it('prints like PyTorch', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3, { bias: false }), new nn.Softmax(1));
    expect(seq.toString()).toBe('Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=false)\n  (1): Softmax(dim=1)\n)');
  });
});

describe('Module state', () => {
  it('switches train/eval everywhere', () => {
    const net = new Net();
    expect(net.training && net.bn.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.bn.training).toBe(false);
  });

  it('zeroGrad sets every .grad to null', () => {
    const net = new Net();
    net.forward(tensor([[1, 2, 3, 4], [0, 1, 0, 1]])).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('requiresGrad_(false) freezes the parameters', () => {
    const lin = new nn.Linear(2, 2).requiresGrad_(false);
    expect(lin.parameters().every((p) => !p.requiresGrad)).toBe(true);
    expect(lin.forward(ones([1, 2])).requiresGrad).toBe(false);
  });

  it("to('float64') converts parameters, buffers and gradients in place, keeping identity", () => {
    manualSeed(3);
    const net = new Net();
    net.forward(tensor([[1, 2, 3, 4], [0, 1, 0, 1]])).sum().backward();
    const params = net.parameters();
    const before = params.map((p) => Array.from(p.data));
    const runningMean = net.bn.runningMean!;
    expect(net.to('float64')).toBe(net);
    expect(net.parameters()).toEqual(params);
    params.forEach((p, i) => {
      expect(p).toBe(params[i]);
      expect(p.dtype).toBe('float64');
      expect(p.data).toBeInstanceOf(Float64Array);
      expect(p.grad!.dtype).toBe('float64');
      expect(Array.from(p.data)).toEqual(before[i]);
    });
    expect(net.bn.runningMean).toBe(runningMean);
    expect(runningMean.dtype).toBe('float64');
    expect(net.bn.numBatchesTracked!.dtype).toBe('int32');
    // The converted model runs in float64 end to end.
    expect(net.forward(tensor([[1, 2, 3, 4], [0, 1, 0, 1]], { dtype: 'float64' })).dtype).toBe('float64');
    expect(() => net.to('int32')).toThrow(/only float dtypes/);
  });

  it('round-trips a state dict into a fresh model', () => {
    manualSeed(1);
    const a = new Net();
    a.forward(tensor([[1, 2, 3, 4], [4, 3, 2, 1]]));   // moves BatchNorm's running statistics
    manualSeed(2);
    const b = new Net();
    const sd = a.stateDict();
    expect(Object.keys(sd)).toEqual([
      'scale', 'fc1.weight', 'fc1.bias', 'bn.weight', 'bn.bias', 'bn.runningMean', 'bn.runningVar', 'bn.numBatchesTracked', 'fc2.weight',
    ]);
    const weightOfB = b.fc1.weight;
    expect(b.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.fc1.weight).toBe(weightOfB);   // loaded in place
    for (const [name, t] of Object.entries(b.stateDict())) expectAllClose(t, sd[name], { atol: 0, rtol: 0 });
    expect(b.bn.numBatchesTracked!.item()).toBe(1);
    a.eval();
    b.eval();
    const x = tensor([[0.5, -1, 2, 0]]);
    expectAllClose(b.forward(x), a.forward(x), { atol: 0, rtol: 0 });
  });

  it('returns copies in stateDict', () => {
    const lin = new nn.Linear(2, 2);
    const sd = lin.stateDict();
    expect(sd.weight.data).not.toBe(lin.weight.data);
    sd.weight.data[0] = 123;
    expect(lin.weight.data[0]).not.toBe(123);
    expect(sd.weight.requiresGrad).toBe(false);
  });

  it('reports missing, unexpected and mis-shaped entries in one error and changes nothing', () => {
    const net = new Net();
    const before = net.stateDict();
    const sd = net.stateDict();
    delete sd['fc1.bias'];
    sd['fc3.weight'] = zeros([1]);
    sd['fc2.weight'] = zeros([3, 2]);
    sd['scale'] = ones([1]).mul(7);   // valid, but must not be applied either
    sd['fc1.weight'] = zeros([3, 4], { dtype: 'float64' });
    let message = '';
    try {
      net.loadStateDict(sd);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/missing keys: 'fc1\.bias'/);
    expect(message).toMatch(/unexpected keys: 'fc3\.weight'/);
    expect(message).toMatch(/size mismatch for 'fc2\.weight': the state dict has shape \[3, 2\], the model \[2, 3\]/);
    expect(message).toMatch(/dtype mismatch for 'fc1\.weight': the state dict has float64, the model float32/);
    expect(message).toMatch(/nothing was changed/);
    for (const [name, t] of Object.entries(net.stateDict())) expectAllClose(t, before[name], { atol: 0, rtol: 0 });
  });

  it('with strict: false loads what matches and reports the rest, but still rejects wrong shapes', () => {
    const lin = new nn.Linear(2, 2);
    const result = lin.loadStateDict({ weight: ones([2, 2]), extra: ones([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expectAllClose(lin.weight, [[1, 1], [1, 1]]);
    expect(() => lin.loadStateDict({ weight: ones([2, 3]) }, { strict: false })).toThrow(/size mismatch for 'weight'/);
    expect(() => lin.loadStateDict({ weight: [[1, 2], [3, 4]] as unknown as Tensor, bias: ones([2]) })).toThrow(/'weight' is an Array, not a Tensor/);
  });

  it('accepts a Map', () => {
    const lin = new nn.Linear(1, 1);
    lin.loadStateDict(new Map([['weight', tensor([[2]])], ['bias', tensor([3])]]));
    expectAllClose(lin.forward(tensor([[5]])), [[13]]);
  });

  it('apply visits every module, children first', () => {
    const seq = new nn.Sequential(new nn.Linear(1, 1), new nn.Sequential(new nn.ReLU()));
    const seen: string[] = [];
    seq.apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['Linear', 'ReLU', 'Sequential', 'Sequential']);
  });
});
