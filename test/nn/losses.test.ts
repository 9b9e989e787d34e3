// Every loss against its formula written out here with Math (not through the library's ops).
import { describe, expect, it } from 'vitest';
import { nn, tensor } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';

const F = nn.functional;
const f64 = { dtype: 'float64' } as const;
const i32 = { dtype: 'int32' } as const;
const tight = { atol: 1e-12, rtol: 1e-12 };
const sum = (v: number[]): number => v.reduce((s, x) => s + x, 0);

/** log-softmax of one row, with the max subtracted. */
function logSoftmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const lse = m + Math.log(sum(row.map((v) => Math.exp(v - m))));
  return row.map((v) => v - lse);
}

describe('mseLoss and l1Loss', () => {
  const y = tensor([[1, 2], [3, 4]], f64);
  const t = tensor([[0, 2], [5, 1]], f64);

  it('average, sum or keep the squared errors [1, 0, 4, 9]', () => {
    expectAllClose(F.mseLoss(y, t), 3.5, tight);
    expectAllClose(F.mseLoss(y, t, { reduction: 'sum' }), 14, tight);
    expectAllClose(F.mseLoss(y, t, { reduction: 'none' }), [[1, 0], [4, 9]], tight);
    expectAllClose(new nn.MSELoss({ reduction: 'sum' }).forward(y, t), 14, tight);
  });

  it('average, sum or keep the absolute errors [1, 0, 2, 3]', () => {
    expectAllClose(F.l1Loss(y, t), 1.5, tight);
    expectAllClose(F.l1Loss(y, t, { reduction: 'sum' }), 6, tight);
    expectAllClose(new nn.L1Loss({ reduction: 'none' }).forward(y, t), [[1, 0], [2, 3]], tight);
  });

  it('name both shapes when they differ, and check the reduction and dtype', () => {
    expect(() => F.mseLoss(tensor([[1], [2]]), tensor([1, 2]))).toThrow(/input \(prediction\) shape \[2, 1\] and target shape \[2\] must be equal/);
    expect(() => F.l1Loss(tensor([1]), tensor([1, 2]))).toThrow(/l1Loss: input \(prediction\) shape \[1\] and target shape \[2\]/);
    expect(() => F.mseLoss(y, t, { reduction: 'avg' as 'mean' })).toThrow(/reduction must be 'mean', 'sum' or 'none', got "avg"/);
    expect(() => new nn.MSELoss({ reduction: 'max' as 'sum' })).toThrow(/MSELoss: reduction/);
    expect(() => F.mseLoss(y, tensor([[0, 2], [5, 1]], i32))).toThrow(/target must be a float tensor, got int32/);
  });
});

describe('binaryCrossEntropy', () => {
  const p = [0.9, 0.2, 0.5, 0, 1, 1e-50];
  const t = [1, 0, 0.3, 1, 1, 0];
  // PyTorch clamps each log at −100.
  const clog = (v: number): number => Math.max(Math.log(v), -100);
  const terms = p.map((pi, i) => -(t[i] * clog(pi) + (1 - t[i]) * clog(1 - pi)));

  it('is −[t·log p + (1 − t)·log(1 − p)], with logs clamped at −100', () => {
    const input = tensor(p, f64);
    const target = tensor(t, f64);
    expectAllClose(F.binaryCrossEntropy(input, target, { reduction: 'none' }), terms, tight);
    expect(terms[3]).toBe(100);
    expectAllClose(F.binaryCrossEntropy(input, target), sum(terms) / p.length, tight);
    const w = [1, 2, 0.5, 1, 3, 1];
    expectAllClose(new nn.BCELoss({ weight: tensor(w, f64), reduction: 'sum' }).forward(input, target), sum(terms.map((v, i) => v * w[i])), tight);
  });

  it('gives finite gradients at saturated probabilities 0 and 1', () => {
    const input = tensor([0, 1, 0.25, 0], { ...f64, requiresGrad: true });
    F.binaryCrossEntropy(input, tensor([0, 1, 1, 1], f64), { reduction: 'sum' }).backward();
    // d/dp = (p − t) / (p(1 − p)) = 1/(1 − p) for t = 0 and −1/p for t = 1: 1 at p = 0, −1 at
    // p = 1 (the limits; PyTorch's ε-guarded formula gives 0 exactly there), −4 at p = 0.25.
    // Where the log is clamped (p = 0, t = 1) the loss is flat: 0, where 0/0 would give NaN.
    expectAllClose(input.grad!, [1, -1, -4, 0], tight);
  });

  it('rejects values outside [0, 1]', () => {
    expect(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0]))).toThrow(/element 1 is 1.5/);
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  const x = [-3, -0.5, 0, 2, 50, 800, -800];
  const t = [0, 1, 1, 0.3, 1, 0, 1];
  const logSigmoid = (v: number): number => (v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v)));
  const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

  it('equals −[t·log σ(x) + (1 − t)·log(1 − σ(x))] without overflow at |x| = 800', () => {
    const expected = x.map((v, i) => -(t[i] * logSigmoid(v) + (1 - t[i]) * logSigmoid(-v)));
    const losses = F.binaryCrossEntropyWithLogits(tensor(x, f64), tensor(t, f64), { reduction: 'none' });
    expectAllClose(losses, expected, tight);
    expect(expected[5]).toBe(800);
  });

  it('weights positives by posWeight and elements by weight, with gradient (1 − t)σ − pw·t(1 − σ)', () => {
    const pw = 3;
    const w = [1, 2, 1, 0.5, 1, 1, 2];
    const input = tensor(x, { ...f64, requiresGrad: true });
    const loss = new nn.BCEWithLogitsLoss({ weight: tensor(w, f64), posWeight: tensor([pw], f64) }).forward(input, tensor(t, f64));
    const expected = x.map((v, i) => -w[i] * (pw * t[i] * logSigmoid(v) + (1 - t[i]) * logSigmoid(-v)));
    expectAllClose(loss, sum(expected) / x.length, tight);
    loss.backward();
    const grads = x.map((v, i) => (w[i] * ((1 - t[i]) * sigmoid(v) - pw * t[i] * (1 - sigmoid(v)))) / x.length);
    expectAllClose(input.grad!, grads, tight);
  });

  it('has the true slope σ(0) − t at x = 0', () => {
    const input = tensor([0, 0], { ...f64, requiresGrad: true });
    F.binaryCrossEntropyWithLogits(input, tensor([1, 0], f64), { reduction: 'sum' }).backward();
    expectAllClose(input.grad!, [-0.5, 0.5], tight);
  });
});

describe('crossEntropy with class labels', () => {
  const logits = [[2, 1, 0.1], [0.5, 2.5, -1], [1, 1, 1], [-1, 0, 3]];
  const lp = logits.map(logSoftmaxRow);
  const input = () => tensor(logits, f64);
  const C = 3;

  it('is the mean of −log softmax(x)[label]', () => {
    const labels = [0, 2, 1, 2];
    const per = labels.map((l, i) => -lp[i][l]);
    expectAllClose(F.crossEntropy(input(), tensor(labels, i32)), sum(per) / 4, tight);
    expectAllClose(F.crossEntropy(input(), tensor(labels, i32), { reduction: 'sum' }), sum(per), tight);
    expectAllClose(new nn.CrossEntropyLoss({ reduction: 'none' }).forward(input(), tensor(labels, i32)), per, tight);
  });

  it('skips ignoreIndex targets, also in the mean', () => {
    const labels = [0, -100, 1, 2];
    const kept = [-lp[0][0], -lp[2][1], -lp[3][2]];
    expectAllClose(F.crossEntropy(input(), tensor(labels, i32)), sum(kept) / 3, tight);
    expectAllClose(F.crossEntropy(input(), tensor(labels, i32), { reduction: 'none' }), [kept[0], 0, kept[1], kept[2]], tight);
    expectAllClose(F.crossEntropy(input(), tensor([0, 1, 1, 2], i32), { ignoreIndex: 1 }), (-lp[0][0] - lp[3][2]) / 2, tight);
  });

  it('with class weights divides the weighted sum by the weights of the targets', () => {
    const w = [0.2, 1, 3];
    const labels = [0, 2, 1, -100];
    const num = -w[0] * lp[0][0] - w[2] * lp[1][2] - w[1] * lp[2][1];
    const den = w[0] + w[2] + w[1];
    expectAllClose(F.crossEntropy(input(), tensor(labels, i32), { weight: tensor(w, f64) }), num / den, tight);
    expectAllClose(new nn.CrossEntropyLoss({ weight: tensor(w, f64), reduction: 'sum' }).forward(input(), tensor(labels, i32)), num, tight);
  });

  it('with label smoothing uses the target (1 − ε)·onehot + ε/C', () => {
    const eps = 0.2;
    const labels = [0, 2, -100, 1];
    const per = labels.map((l, i) => (l === -100 ? 0 : -sum(lp[i].map((v, c) => ((1 - eps) * (c === l ? 1 : 0) + eps / C) * v))));
    expectAllClose(F.crossEntropy(input(), tensor(labels, i32), { labelSmoothing: eps }), sum(per) / 3, tight);
    expectAllClose(F.crossEntropy(input(), tensor(labels, i32), { labelSmoothing: eps, reduction: 'none' }), per, tight);
    expectAllClose(F.crossEntropy(input(), tensor(labels, i32), { labelSmoothing: eps, reduction: 'sum' }), sum(per), tight);
  });

  it('with label smoothing and weights follows PyTorch: both terms over the targets\' weights', () => {
    const eps = 0.1;
    const w = [2, 0.5, 1];
    const labels = [1, 0, 2, 2];
    const den = sum(labels.map((l) => w[l]));
    const nll = sum(labels.map((l, i) => -w[l] * lp[i][l])) / den;
    const smooth = sum(labels.map((_, i) => -sum(lp[i].map((v, c) => w[c] * v)))) / den;
    const expected = (1 - eps) * nll + (eps / C) * smooth;
    expectAllClose(F.crossEntropy(input(), tensor(labels, i32), { weight: tensor(w, f64), labelSmoothing: eps }), expected, tight);
  });

  it('takes [N, C, d] logits with [N, d] labels (class dimension 1)', () => {
    // Sample n, position d has the logits logits3[n][:, d].
    const logits3 = [[[2, 0.5], [1, 2.5], [0.1, -1]], [[1, -1], [1, 0], [1, 3]]];
    const labels = [[0, 2], [1, -100]];
    const rows = [[2, 1, 0.1], [0.5, 2.5, -1], [1, 1, 1], [-1, 0, 3]];
    const flat = [0, 2, 1, -100];
    const per = flat.map((l, i) => (l < 0 ? 0 : -logSoftmaxRow(rows[i])[l]));
    const out = F.crossEntropy(tensor(logits3, f64), tensor(labels, i32), { reduction: 'none' });
    expect(out.shape).toEqual([2, 2]);
    expectAllClose(out, per, tight);
    expectAllClose(F.crossEntropy(tensor(logits3, f64), tensor(labels, i32)), sum(per) / 3, tight);
  });

  it('takes one unbatched sample [C] with a scalar label', () => {
    expectAllClose(F.crossEntropy(tensor(logits[1], f64), tensor(2, i32)), -lp[1][2], tight);
  });

  it('matches nllLoss on logSoftmax, with weights and ignored targets', () => {
    const labels = tensor([2, 0, -100, 1], i32);
    const w = tensor([1, 2, 3], f64);
    const viaNll = new nn.NLLLoss({ weight: w }).forward(input().logSoftmax(1), labels);
    expectAllClose(viaNll, F.crossEntropy(input(), labels, { weight: w }), tight);
    expectAllClose(F.nllLoss(tensor(lp, f64), tensor([0, 1, 2, 0], i32), { reduction: 'sum' }), -lp[0][0] - lp[1][1] - lp[2][2] - lp[3][0], tight);
  });
});

describe('crossEntropy with class probabilities', () => {
  const logits = [[2, 1, 0.1], [0.5, 2.5, -1]];
  const q = [[0.7, 0.2, 0.1], [0, 0.5, 0.5]];
  const lp = logits.map(logSoftmaxRow);

  it('is −Σ q·log softmax(x), averaged over samples', () => {
    const per = q.map((row, i) => -sum(row.map((v, c) => v * lp[i][c])));
    expectAllClose(F.crossEntropy(tensor(logits, f64), tensor(q, f64)), sum(per) / 2, tight);
    expectAllClose(F.crossEntropy(tensor(logits, f64), tensor(q, f64), { reduction: 'none' }), per, tight);
  });

  it('with weights and smoothing: −Σ w·q′·log p with q′ = (1 − ε)q + ε/C, still averaged over samples', () => {
    const w = [1, 2, 0.5];
    const eps = 0.3;
    const per = q.map((row, i) => -sum(row.map((v, c) => w[c] * ((1 - eps) * v + eps / 3) * lp[i][c])));
    expectAllClose(F.crossEntropy(tensor(logits, f64), tensor(q, f64), { weight: tensor(w, f64), labelSmoothing: eps }), sum(per) / 2, tight);
  });

  it('agrees with class labels given as one-hot rows', () => {
    const labels = tensor([1, 0], i32);
    const onehot = F.oneHot(labels, 3).to('float64');
    expectAllClose(F.crossEntropy(tensor(logits, f64), onehot), F.crossEntropy(tensor(logits, f64), labels), tight);
  });
});

describe('classification loss errors', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);

  it('name an out-of-range label and the number of classes', () => {
    expect(() => F.crossEntropy(x, tensor([0, 3], i32))).toThrow(/class label 3 at \[1\] is out of range for 3 classes \(expected 0 to 2, or ignoreIndex -100\)/);
    expect(() => F.crossEntropy(x, tensor([-1, 0], i32))).toThrow(/class label -1 at \[0\] is out of range for 3 classes/);
    expect(() => new nn.NLLLoss().forward(x, tensor([5, 0], i32))).toThrow(/nllLoss: class label 5 at \[0\] is out of range for 3 classes/);
  });

  it('explain labels of the wrong dtype', () => {
    expect(() => F.crossEntropy(x, tensor([0, 1]))).toThrow(/class labels must be an int32 tensor, got float32 \(convert with target.to\('int32'\)\); class probabilities instead need the input's shape \[2, 3\]/);
    expect(() => F.nllLoss(x, tensor([0, 1], f64))).toThrow(/nllLoss: class labels must be an int32 tensor, got float64/);
  });

  it('name both shapes when the target does not fit', () => {
    expect(() => F.crossEntropy(x, tensor([0, 1, 2], i32))).toThrow(/target shape \[3\] does not match input shape \[2, 3\]: expected class labels of shape \[2\] or class probabilities of shape \[2, 3\]/);
    expect(() => F.crossEntropy(x, tensor([[0.5, 0.5]]))).toThrow(/target shape \[1, 2\] does not match input shape \[2, 3\]/);
  });

  it('check the weight, the smoothing and the input', () => {
    expect(() => F.crossEntropy(x, tensor([0, 1], i32), { weight: tensor([1, 2]) })).toThrow(/weight must have one entry per class, shape \[3\], got \[2\]/);
    expect(() => F.crossEntropy(x, tensor([0, 1], i32), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be in \[0, 1\], got 1.5/);
    expect(() => F.crossEntropy(tensor([[1, 2]], i32), tensor([0], i32))).toThrow(/input must be a float tensor, got int32/);
    expect(() => F.crossEntropy(tensor(1), tensor(0, i32))).toThrow(/input must have a class dimension/);
  });
});

describe('oneHot', () => {
  it('makes int32 rows with a 1 at each label', () => {
    const y = F.oneHot(tensor([[0, 2], [1, 0]], i32), 3);
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([2, 2, 3]);
    expect(y.toArray()).toEqual([[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [1, 0, 0]]]);
    expect(F.oneHot(tensor([1, 3], i32)).shape).toEqual([2, 4]);
  });

  it('rejects bad labels', () => {
    expect(() => F.oneHot(tensor([0, 3], i32), 3)).toThrow(/class label 3 is out of range for 3 classes/);
    expect(() => F.oneHot(tensor([0, 1]), 3)).toThrow(/labels must be an int32 tensor/);
  });
});

