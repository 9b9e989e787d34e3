// fit / evaluate / predict with the real nn and optim: the loss falls, History holds per-epoch and
// per-batch logs, validation and schedulers are wired in, callbacks run in order, and errors are clear.
import { describe, expect, it } from 'vitest';
import { accuracy, evaluate, fit, nn, optim, predict, Tensor, tensor, type Callback, type Logs } from '../../src/index.js';
import { DataLoader } from '../../src/data/index.js';
import { blobs, classifier, snapshot } from './helpers.js';
import { expectAllClose } from '../helpers/close.js';

const loss = new nn.CrossEntropyLoss();

describe('fit', () => {
  it('lowers the loss and raises the accuracy on separable data', () => {
    const train = blobs(60);
    const model = classifier();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const history = fit(model, new DataLoader(train, { batchSize: 16, shuffle: true, seed: 0 }), { epochs: 8, optimizer, loss, metrics: ['accuracy'] });
    const losses = history.series('loss');
    expect(losses).toHaveLength(8);
    expect(losses[7]).toBeLessThan(losses[0] / 4);
    expect(history.series('accuracy')[7]).toBeGreaterThan(0.95);
    expect(accuracy(predict(model, train.x), train.y)).toBeGreaterThan(0.95);
  });

  it('records each batch, and epoch values as example-weighted means of them', () => {
    const train = blobs(10); // 30 examples: batches of 8, 8, 8, 6
    const model = classifier();
    const history = fit(model, new DataLoader(train, { batchSize: 8 }), {
      epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.05 }), loss, metrics: ['accuracy'],
    });
    expect(history.batches).toHaveLength(2);
    expect(history.batches[0].map((b) => b.size)).toEqual([8, 8, 8, 6]);
    for (let e = 0; e < 2; e++) {
      const batches = history.batches[e];
      const weighted = (k: string): number => batches.reduce((s, b) => s + b[k] * b.size, 0) / 30;
      expect(history.epochs[e].loss).toBeCloseTo(weighted('loss'), 6);
      expect(history.epochs[e].accuracy).toBeCloseTo(weighted('accuracy'), 6);
    }
    expect(history.batchSeries('loss')).toHaveLength(8);
    expect(history.keys).toEqual(['loss', 'accuracy']);
  });

  it('evaluates the validation loader after each epoch in eval mode, as valLoss and valAccuracy', () => {
    const train = blobs(30);
    const val = blobs(20, 7);
    const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(16, 3));
    const modes: boolean[] = [];
    const probe = { onEpochEnd: (): void => { modes.push(model.training); } };
    const history = fit(model, new DataLoader(train, { batchSize: 10 }), {
      epochs: 3, optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }), loss, metrics: ['accuracy'],
      validation: new DataLoader(val, { batchSize: 25 }), callbacks: [probe],
    });
    expect(history.keys).toEqual(['loss', 'accuracy', 'valLoss', 'valAccuracy']);
    // Validation is deterministic (dropout off): the same numbers as evaluate() afterwards.
    const last = history.epochs[2];
    const again = evaluate(model, new DataLoader(val, { batchSize: 7 }), { loss, metrics: ['accuracy'] });
    expect(again.loss).toBeCloseTo(last.valLoss, 5);
    expect(again.accuracy).toBe(last.valAccuracy);
    // Training mode is back after each validation.
    expect(modes).toEqual([true, true, true]);
  });

  it('steps a scheduler once per epoch and logs the rate each epoch used', () => {
    const model = classifier();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const scheduler = new optim.StepLR(optimizer, 2, { gamma: 0.5 });
    const history = fit(model, new DataLoader(blobs(5), { batchSize: 5 }), { epochs: 5, optimizer, loss, scheduler });
    expect(history.series('lr')).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('gives ReduceLROnPlateau the monitored value: valLoss with validation, else loss, or the key asked for', () => {
    const seen: Array<number | undefined> = [];
    const recorder = { step: (metric?: number): void => { seen.push(metric); } };
    const model = classifier();
    const train = new DataLoader(blobs(5), { batchSize: 15 });
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const h1 = fit(model, train, { epochs: 2, optimizer, loss, scheduler: recorder });
    expect(seen).toEqual([undefined, undefined]);
    const h2 = fit(model, train, { epochs: 2, optimizer, loss, scheduler: recorder, schedulerMonitor: 'loss' });
    expect(seen.slice(2)).toEqual(h2.series('loss'));
    expect(h1.epochs).toHaveLength(2);

    // A model whose loss cannot change (its optimizer holds other tensors): the plateau lowers lr.
    const frozen = classifier();
    const idle = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
    const plateau = new optim.ReduceLROnPlateau(idle, { patience: 1, factor: 0.5 });
    const h3 = fit(frozen, train, { epochs: 5, optimizer: idle, loss, scheduler: plateau, validation: train });
    expect(h3.series('lr')).toEqual([0.1, 0.1, 0.1, 0.05, 0.05]);
    expect(() => fit(frozen, train, { epochs: 1, optimizer: idle, loss, scheduler: plateau, schedulerMonitor: 'valLoss' }))
      .toThrow(/schedulerMonitor "valLoss" is not in the epoch logs, which have "loss"/);
  });

  it('calls the hooks in order, with batch and epoch numbers from 0', () => {
    const calls: string[] = [];
    const cb: Callback = {
      onTrainBegin: () => calls.push('trainBegin'),
      onEpochBegin: (e) => calls.push(`epochBegin ${e}`),
      onBatchEnd: (b, logs) => calls.push(`batch ${b} ${logs.size}`),
      onEpochEnd: (e, logs) => calls.push(`epochEnd ${e} ${Object.keys(logs).join(',')}`),
      onTrainEnd: (state) => calls.push(`trainEnd ${state.history.epochs.length}`),
    };
    const model = classifier();
    fit(model, new DataLoader(blobs(3), { batchSize: 5 }), { epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss, callbacks: [cb] });
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0', 'batch 0 5', 'batch 1 4', 'epochEnd 0 loss',
      'epochBegin 1', 'batch 0 5', 'batch 1 4', 'epochEnd 1 loss',
      'trainEnd 2',
    ]);
  });

  it('stops after the epoch in which a callback sets stopTraining', () => {
    const model = classifier();
    const stopper: Callback = { onBatchEnd: (b, _logs, state) => { if (state.epoch === 1 && b === 0) state.stopTraining = true; } };
    const history = fit(model, new DataLoader(blobs(4), { batchSize: 4 }), { epochs: 10, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss, callbacks: [stopper] });
    expect(history.epochs).toHaveLength(2);
    expect(history.batches[1]).toHaveLength(3);
  });

  it('prints an epoch line through verbose', () => {
    const lines: string[] = [];
    const model = classifier();
    fit(model, [[blobs(2).x, blobs(2).y]], { epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss, metrics: ['accuracy'], verbose: (l) => lines.push(l) });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^epoch 2\/2 {2}loss \d\.\d{4} {2}accuracy \d\.\d{4} {2}\d+\.\d s$/);
  });

  it('lets callbacks clean up when training throws, then rethrows', () => {
    const events: string[] = [];
    const model = classifier();
    const broken = (): Tensor => { throw new Error('loss exploded'); };
    expect(() => fit(model, new DataLoader(blobs(2)), {
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: broken,
      callbacks: [{ onTrainError: (e) => events.push((e as Error).message), onTrainEnd: () => events.push('end') }],
    })).toThrow('loss exploded');
    expect(events).toEqual(['loss exploded']);
  });

  it('rejects missing parts and non-scalar losses before training', () => {
    const model = classifier();
    const loader = new DataLoader(blobs(2), { batchSize: 3 });
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const before = snapshot(model.parameters());
    expect(() => fit(model, loader, { optimizer: undefined as never, loss })).toThrow(/options.optimizer must have step\(\) and zeroGrad\(\)/);
    expect(() => fit(model, loader, { optimizer, loss: undefined as never })).toThrow(/options.loss must be a function/);
    expect(() => fit(model, 42 as never, { optimizer, loss })).toThrow(/expected a DataLoader or another iterable/);
    expect(() => fit({} as never, loader, { optimizer, loss })).toThrow(/model must have forward\(x\), train\(\) and eval\(\)/);
    expect(() => fit(model, loader, { optimizer, loss: new nn.CrossEntropyLoss({ reduction: 'none' }) })).toThrow(/the loss must be a scalar .* got shape \[3\]/);
    expect(() => fit(model, [[tensor([1])] as never], { optimizer, loss })).toThrow(/each batch must be \[x, y\]/);
    expect(snapshot(model.parameters())).toEqual(before);
  });
});

describe('evaluate and predict', () => {
  it('evaluate averages the loss over examples and computes the metrics, without changing the model', () => {
    const ds = blobs(10);
    const model = classifier();
    const before = snapshot(model.parameters());
    const logs: Logs = evaluate(model, new DataLoader(ds, { batchSize: 7 }), { loss, metrics: ['accuracy'] });
    const whole = loss.forward(model.forward(ds.x), ds.y).item();
    expect(logs.loss).toBeCloseTo(whole, 5);
    expect(logs.accuracy).toBeCloseTo(accuracy(model.forward(ds.x), ds.y), 10);
    expect(snapshot(model.parameters())).toEqual(before);
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    expect(evaluate(model, new DataLoader(ds))).toEqual({});
  });

  it('predict runs in eval mode without a graph, in batches, and restores the mode', () => {
    const ds = blobs(10);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Dropout(0.9), new nn.Linear(8, 3));
    model.train();
    const out = predict(model, ds.x, { batchSize: 4 });
    expect(out.shape).toEqual([30, 3]);
    expect(out.requiresGrad).toBe(false);
    expect(model.training).toBe(true);
    // Dropout off: the same as one eval-mode pass over everything, and as predicting a loader
    // (to rounding: on the native backend a product of 30 rows and one of 4 may take different
    // kernels, whose float32 sums round differently in the last place).
    model.eval();
    const once = model.forward(ds.x);
    expectAllClose(out, once, { atol: 1e-6, rtol: 1e-6 });
    expectAllClose(predict(model, new DataLoader(ds, { batchSize: 11 })), once, { atol: 1e-6, rtol: 1e-6 });
    expect(model.training).toBe(false);
    expect(() => predict(model, ds.x, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(() => predict(model, [])).toThrow(/the loader gave no batches/);
  });

  it('works with a hand-written model and loss function (the structural interfaces)', () => {
    const w = tensor([[0.5], [-0.5]], { requiresGrad: true });
    let mode = 'train';
    const model = {
      forward: (x: Tensor): Tensor => x.matmul(w),
      parameters: (): Tensor[] => [w],
      train: (): void => { mode = 'train'; },
      eval: (): void => { mode = 'eval'; },
    };
    const optimizer = new optim.SGD([w], { lr: 0.1 });
    const x = tensor([[1, 2], [3, 1], [0, 1], [2, 2]]);
    const y = x.matmul(tensor([[2], [1]])); // the target weights (2, 1)
    const mse = (out: Tensor, t: Tensor): Tensor => out.sub(t).square().mean();
    const history = fit(model, [[x, y]], { epochs: 100, optimizer, loss: mse });
    expect(history.series('loss')[99]).toBeLessThan(1e-4);
    expect(Array.from(w.data).map((v) => Math.round(v * 100) / 100)).toEqual([2, 1]);
    predict(model, x);
    expect(mode).toBe('eval');
  });
});
