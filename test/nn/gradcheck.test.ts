// Every layer and loss against central finite differences in float64 (PyTorch's gradcheck
// tolerances), with a random upstream gradient, through the function forms the modules call.
import { describe, expect, it } from 'vitest';
import { describeGradcheck, Generator, gradcheck, manualSeed, nn, rand, randn, tensor, type Tensor } from '../../src/index.js';

const F = nn.functional;
const f64 = { dtype: 'float64' } as const;
const i32 = { dtype: 'int32' } as const;

function expectGradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const report = gradcheck(f, inputs);
  expect(report.ok, describeGradcheck(report, inputs)).toBe(true);
  expect(report.checked).toBe(inputs.reduce((n, x) => n + x.size, 0));
}

/** Normal samples kept at least `gap` away from 0, where relu-like kinks sit. */
function awayFromZero(shape: number[], gap = 0.05): Tensor {
  const t = randn(shape, f64);
  for (let i = 0; i < t.size; i++) if (Math.abs(t.data[i]) < gap) t.data[i] = t.data[i] < 0 ? -gap - 0.1 : gap + 0.1;
  return t;
}

/** Uniform samples in [lo, hi]. */
function uniform(shape: number[], lo: number, hi: number): Tensor {
  return rand(shape, f64).mul(hi - lo).add(lo);
}

describe('gradcheck: layers', () => {
  it('linear, for [N, in], [in] and [N, L, in] inputs, with and without bias', () => {
    manualSeed(1);
    expectGradcheck((x, w, b) => F.linear(x, w, b), [randn([4, 3], f64), randn([2, 3], f64), randn([2], f64)]);
    expectGradcheck((x, w) => F.linear(x, w), [randn([3], f64), randn([2, 3], f64)]);
    expectGradcheck((x, w, b) => F.linear(x, w, b), [randn([2, 3, 4], f64), randn([5, 4], f64), randn([5], f64)]);
  });

  it('the activations', () => {
    manualSeed(2);
    const x = awayFromZero([3, 4]);
    expectGradcheck((t) => new nn.ReLU().forward(t), [x]);
    expectGradcheck((t) => new nn.LeakyReLU(0.2).forward(t), [x]);
    expectGradcheck((t) => new nn.Sigmoid().forward(t), [randn([3, 4], f64)]);
    expectGradcheck((t) => new nn.Tanh().forward(t), [randn([3, 4], f64)]);
    expectGradcheck((t) => new nn.GELU().forward(t), [randn([3, 4], f64)]);
    expectGradcheck((t) => new nn.GELU({ approximate: 'tanh' }).forward(t), [randn([3, 4], f64)]);
    expectGradcheck((t) => new nn.Softmax(1).forward(t), [randn([3, 4], f64)]);
    expectGradcheck((t) => new nn.LogSoftmax(0).forward(t), [randn([3, 4], f64)]);
  });

  it('dropout, with its mask held fixed by a generator seeded per call', () => {
    manualSeed(3);
    expectGradcheck((x) => F.dropout(x, 0.4, true, { generator: new Generator(5) }), [randn([5, 6], f64)]);
  });

  it('batchNorm in training, for [N, C] and [N, C, L], through input, weight and bias', () => {
    manualSeed(4);
    expectGradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [randn([5, 3], f64), randn([3], f64), randn([3], f64)]);
    expectGradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [randn([3, 2, 4], f64), randn([2], f64), randn([2], f64)]);
  });

  it('batchNorm in eval mode, with running statistics', () => {
    manualSeed(5);
    const mean = randn([3], f64);
    const variance = rand([3], f64).add(0.5);
    expectGradcheck((x, w, b) => F.batchNorm(x, mean, variance, { weight: w, bias: b }), [randn([4, 3], f64), randn([3], f64), randn([3], f64)]);
  });

  it('a small model of modules, with respect to its input', () => {
    manualSeed(6);
    const model = new nn.Sequential(
      new nn.Linear(4, 5, { dtype: 'float64' }), new nn.Tanh(), new nn.Flatten(0), new nn.Identity(),
    ).eval();
    expectGradcheck((x) => model.forward(x), [randn([2, 4], f64)]);
  });
});

describe('gradcheck: losses', () => {
  it('mseLoss and l1Loss, through prediction and target, in every reduction', () => {
    manualSeed(7);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectGradcheck((y, t) => F.mseLoss(y, t, { reduction }), [randn([3, 4], f64), randn([3, 4], f64)]);
      // Prediction and target kept apart, away from |y − t|'s kink.
      expectGradcheck((y, t) => F.l1Loss(y, t, { reduction }), [awayFromZero([3, 4]).add(5), randn([3, 4], f64).mul(0.5)]);
    }
  });

  it('binaryCrossEntropy, with a weight', () => {
    manualSeed(8);
    const p = uniform([3, 4], 0.05, 0.95);
    const t = uniform([3, 4], 0, 1);
    expectGradcheck((y, target) => F.binaryCrossEntropy(y, target), [p, t]);
    expectGradcheck((y, target, w) => F.binaryCrossEntropy(y, target, { weight: w, reduction: 'sum' }), [p, t, rand([4], f64)]);
  });

  it('binaryCrossEntropyWithLogits, with weight and posWeight', () => {
    manualSeed(9);
    const x = awayFromZero([3, 4]).mul(3);
    const t = uniform([3, 4], 0, 1);
    expectGradcheck((y, target) => F.binaryCrossEntropyWithLogits(y, target, { reduction: 'none' }), [x, t]);
    expectGradcheck((y, target, w, pw) => F.binaryCrossEntropyWithLogits(y, target, { weight: w, posWeight: pw }), [x, t, rand([3, 1], f64), uniform([4], 0.5, 3)]);
  });

  it('crossEntropy with labels: reductions, weight, ignoreIndex and label smoothing', () => {
    manualSeed(10);
    const labels = tensor([0, 2, -100, 1, 2], i32);
    const x = randn([5, 3], f64).mul(2);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectGradcheck((z) => F.crossEntropy(z, labels, { reduction }), [x]);
      expectGradcheck((z, w) => F.crossEntropy(z, labels, { reduction, weight: w, labelSmoothing: 0.15 }), [x, uniform([3], 0.2, 2)]);
    }
  });

  it('crossEntropy on [N, C, d1, d2] logits', () => {
    manualSeed(11);
    const labels = tensor([[[0, 3], [1, 2]], [[3, 3], [-100, 0]]], i32);
    expectGradcheck((z) => F.crossEntropy(z, labels, { labelSmoothing: 0.1 }), [randn([2, 4, 2, 2], f64)]);
  });

  it('crossEntropy with class probabilities, through logits, targets and weight', () => {
    manualSeed(12);
    const q = rand([4, 3], f64).softmax(1);
    expectGradcheck((z, target) => F.crossEntropy(z, target), [randn([4, 3], f64), q]);
    expectGradcheck((z, target, w) => F.crossEntropy(z, target, { weight: w, labelSmoothing: 0.2, reduction: 'sum' }), [randn([4, 3], f64), q, uniform([3], 0.5, 2)]);
  });

  it('nllLoss, with weight and ignored targets', () => {
    manualSeed(13);
    const labels = tensor([1, -100, 0, 2], i32);
    expectGradcheck((lp, w) => F.nllLoss(lp, labels, { weight: w }), [randn([4, 3], f64), uniform([3], 0.5, 2)]);
    expectGradcheck((lp) => F.nllLoss(lp, tensor([0, 1, 1, 2], i32), { ignoreIndex: 1, reduction: 'sum' }), [randn([4, 3], f64)]);
  });
});
