import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Generator, Tensor, avgPool1d, avgPool2d, conv1d, conv2d, manualSeed, maxPool1d, maxPool2d, nn, randn, tensor,
  type DType,
} from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';
import type { FixtureTensor } from '../helpers/pytorch-fixtures.js';

describe('nn.Conv1d / nn.Conv2d', () => {
  it('hold weight [outC, inC/groups, ...kernel] and bias [outC], in that order', () => {
    const conv = new nn.Conv2d(4, 6, [3, 2], { groups: 2 });
    expect(conv.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight', [6, 2, 3, 2]], ['bias', [6]]]);
    expect(new nn.Conv1d(3, 5, 4, { bias: false }).namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight', [5, 3, 4]]]);
    expect(new nn.Conv2d(1, 2, 3, { dtype: 'float64' }).weight.dtype).toBe('float64');
  });

  it('start from PyTorch\'s default: U(±1/√fanIn) for weight and bias, fanIn = inC/groups · kernel', () => {
    const conv = new nn.Conv2d(8, 64, 3, { groups: 2, generator: new Generator(1) });
    const bound = 1 / Math.sqrt(4 * 9);
    for (const p of [conv.weight, conv.bias as Tensor]) {
      const values = Array.from(p.data);
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      // Uniform on (−b, b): the extremes come close to the bound and the variance is b²/3.
      expect(Math.max(...values)).toBeGreaterThan(0.9 * bound);
      expect(Math.min(...values)).toBeLessThan(-0.9 * bound);
    }
    const w = Array.from(conv.weight.data);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeGreaterThan(0.9 * bound * bound / 3);
    expect(variance).toBeLessThan(1.1 * bound * bound / 3);
  });

  it('draw from the seeded generator: the same seed gives the same layer', () => {
    manualSeed(5);
    const a = new nn.Conv1d(2, 3, 3);
    manualSeed(5);
    const b = new nn.Conv1d(2, 3, 3);
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.bias?.data ?? [])).toEqual(Array.from(b.bias?.data ?? []));
    expect(Array.from(new nn.Conv1d(2, 3, 3).weight.data)).not.toEqual(Array.from(a.weight.data));
  });

  it('forward is the functional convolution with the layer\'s arguments', () => {
    const x = randn([2, 3, 9, 8]);
    const conv = new nn.Conv2d(3, 4, 3, { stride: [2, 1], padding: [1, 0], dilation: 2 });
    expectAllClose(conv.forward(x), conv2d(x, conv.weight, conv.bias, { stride: [2, 1], padding: [1, 0], dilation: 2 }), { atol: 0 });
    const c1 = new nn.Conv1d(3, 2, 4, { padding: 'same' });
    const x1 = randn([2, 3, 7]);
    expect(c1.forward(x1).shape).toEqual([2, 2, 7]);
    expectAllClose(c1.forward(x1), conv1d(x1, c1.weight, c1.bias, { padding: 'same' }), { atol: 0 });
  });

  it('trains: gradients reach weight and bias', () => {
    const conv = new nn.Conv2d(1, 2, 2);
    conv.forward(randn([3, 1, 4, 4])).square().mean().backward();
    expect(conv.weight.grad?.shape).toEqual([2, 1, 2, 2]);
    expect(conv.bias?.grad?.shape).toEqual([2]);
  });

  it('describe themselves as PyTorch does', () => {
    expect(new nn.Conv2d(1, 8, 3, { padding: 'same' }).extraRepr()).toBe("1, 8, kernelSize=[3, 3], stride=[1, 1], padding='same'");
    expect(new nn.Conv1d(4, 4, 3, { groups: 4, dilation: 2, bias: false }).extraRepr()).toBe('4, 4, kernelSize=3, stride=1, dilation=2, groups=4, bias=false');
  });
});

describe('pooling layers', () => {
  const x = randn([2, 3, 8, 7]);
  it('call the functions with their arguments and hold no parameters', () => {
    expectAllClose(new nn.MaxPool2d(2).forward(x), maxPool2d(x, 2), { atol: 0 });
    expectAllClose(new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: [1, 2] }).forward(x), maxPool2d(x, 3, { stride: 2, padding: 1, dilation: [1, 2] }), { atol: 0 });
    expectAllClose(new nn.AvgPool2d([2, 3], { stride: 1, countIncludePad: false, padding: 1 }).forward(x), avgPool2d(x, [2, 3], { stride: 1, countIncludePad: false, padding: 1 }), { atol: 0 });
    const x1 = x.flatten(2);
    expectAllClose(new nn.MaxPool1d(3, { ceilMode: true }).forward(x1), maxPool1d(x1, 3, { ceilMode: true }), { atol: 0 });
    expectAllClose(new nn.AvgPool1d(4, { stride: 2 }).forward(x1), avgPool1d(x1, 4, { stride: 2 }), { atol: 0 });
    expect(new nn.MaxPool2d(2).parameters()).toEqual([]);
    expect(new nn.MaxPool2d(2, { stride: 1 }).extraRepr()).toBe('kernelSize=2, stride=1');
  });
});

// ---- A small CNN against PyTorch (scripts/make-conv-fixtures.py) -----------------------------

interface CnnFixture {
  state: Record<string, FixtureTensor>;
  input: FixtureTensor;
  labels: number[];
  output: FixtureTensor;
  evalOutput: FixtureTensor;
  loss: number;
  grads: Record<string, FixtureTensor>;
  runningMean: FixtureTensor;
  runningVar: FixtureTensor;
}

const fixture = (JSON.parse(readFileSync(new URL('../fixtures/conv-nn.json', import.meta.url), 'utf8')) as { cases: CnnFixture[] }).cases[0];

/** conv → BatchNorm2d → ReLU → max pool → grouped conv → average pool → flatten → linear. */
class SmallCnn extends nn.Module {
  conv1 = new nn.Conv2d(2, 4, 3, { padding: 'same' });
  bn = new nn.BatchNorm2d(4);
  conv2 = new nn.Conv2d(4, 6, 3, { groups: 2 });
  fc = new nn.Linear(24, 3);

  forward(x: Tensor): Tensor {
    const h = maxPool2d(this.bn.forward(this.conv1.forward(x)).relu(), 2);
    return this.fc.forward(avgPool2d(this.conv2.forward(h), 2).flatten(1));
  }
}

function load(t: FixtureTensor, dtype: DType): Tensor {
  if (t.dtype === 'int32') return tensor(Int32Array.from(t.data), { shape: t.shape });
  return tensor(dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data), { shape: t.shape });
}

describe('a small CNN against PyTorch: a training-mode forward and backward, then evaluation', () => {
  for (const [dtype, tol] of [['float64', { atol: 1e-10, rtol: 1e-9 }], ['float32', { atol: 1e-5, rtol: 1e-4 }]] as const) {
    it(dtype, () => {
      const model = new SmallCnn().to(dtype);
      const state: nn.StateDict = Object.fromEntries(Object.entries(fixture.state).map(([k, v]) => [k, load(v, dtype)]));
      model.loadStateDict(state);
      const y = model.forward(load(fixture.input, dtype));
      expectAllClose(y, fixture.output.data, tol);
      const loss = nn.functional.crossEntropy(y, tensor(Int32Array.from(fixture.labels)));
      expectAllClose(loss, [fixture.loss], tol);
      loss.backward();
      for (const [name, p] of model.namedParameters()) {
        expect(p.grad, name).not.toBeNull();
        expectAllClose(p.grad as Tensor, fixture.grads[name].data, { atol: tol.atol * 10, rtol: tol.rtol * 10 });
      }
      expectAllClose(model.bn.runningMean as Tensor, fixture.runningMean.data, tol);
      expectAllClose(model.bn.runningVar as Tensor, fixture.runningVar.data, tol);
      // Evaluation normalises with those running statistics.
      model.eval();
      expectAllClose(model.forward(load(fixture.input, dtype)), fixture.evalOutput.data, tol);
    });
  }
});
