// A run interrupted and resumed from a checkpoint ends exactly where an uninterrupted run does.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { data, defaultGenerator, fit, Generator, io, manualSeed, nn, optim, randint, randn, type Tensor } from '../../src/index.js';
import { checkpointCallback, loadCheckpoint, saveCheckpoint } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The data do not depend on the seed under test: each run sees the same examples.
const source = new Generator(42);
const dataset = new data.TensorDataset(randn([60, 2], { generator: source }), randint(0, 3, [60], { generator: source }));

type Kind = 'adam+step' | 'sgd+plateau';

/**
 * Everything a training script builds before fit(). Dropout masks and the loader's shuffles
 * draw from the default generator; `loaderSeed` gives the loader a generator of its own.
 */
function build(seed: number, kind: Kind, loaderSeed?: number) {
  manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.BatchNorm1d(16), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(16, 3));
  const optimizer = kind === 'adam+step' ? new optim.Adam(model.parameters(), { lr: 0.02 }) : new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
  const scheduler = kind === 'adam+step' ? new optim.StepLR(optimizer, 2, { gamma: 0.5 }) : new optim.ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5 });
  const generator = loaderSeed === undefined ? undefined : new Generator(loaderSeed);
  const loader = new data.DataLoader(dataset, { batchSize: 16, shuffle: true, generator });
  return { model, optimizer, scheduler, loader, generator };
}

const loss = new nn.CrossEntropyLoss();

function bits(model: nn.Module<never[], unknown>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(model.stateDict())) out[name] = Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length * (t.data.BYTES_PER_ELEMENT / 4)));
  return out;
}

function optimizerBits(optimizer: optim.Optimizer): unknown {
  return JSON.parse(JSON.stringify(optimizer.stateDict(), (_, v: unknown) => (v instanceof Object && 'data' in v ? Array.from((v as Tensor).data) : v)));
}

describe.each<[Kind, number | undefined]>([['adam+step', undefined], ['sgd+plateau', 11]])('resuming %s (loader seed %s)', (kind, loaderSeed) => {
  it('6 epochs straight = 3 epochs, crash, restore into fresh objects, 3 more: bit for bit', () => {
    const straight = build(0, kind, loaderSeed);
    fit(straight.model, straight.loader, { epochs: 6, optimizer: straight.optimizer, scheduler: straight.scheduler, loss });
    const straightRng = { default: defaultGenerator.getState(), loader: straight.generator?.getState() };

    const first = build(0, kind, loaderSeed);
    const path = join(dir, `${kind}.ckpt`);
    const targets = { model: first.model, optimizer: first.optimizer, scheduler: first.scheduler, generators: first.generator ? { loader: first.generator } : undefined };
    const crash = { onEpochEnd: (epoch: number) => { if (epoch === 2) throw new Error('power cut'); } };
    expect(() => fit(first.model, first.loader, {
      epochs: 6, optimizer: first.optimizer, scheduler: first.scheduler, loss, callbacks: [checkpointCallback(path, targets), crash],
    })).toThrow('power cut');

    // A fresh start: other seeds everywhere, so only the checkpoint can make the runs agree.
    const resumed = build(123, kind, loaderSeed === undefined ? undefined : 999);
    expect(bits(resumed.model)).not.toEqual(bits(straight.model));
    const { epoch, version } = loadCheckpoint(path, {
      model: resumed.model, optimizer: resumed.optimizer, scheduler: resumed.scheduler, generators: resumed.generator ? { loader: resumed.generator } : undefined,
    });
    expect(epoch).toBe(3);
    expect(version).toBe(io.VERSION);
    fit(resumed.model, resumed.loader, { epochs: 6, initialEpoch: epoch, optimizer: resumed.optimizer, scheduler: resumed.scheduler, loss });

    expect(bits(resumed.model)).toEqual(bits(straight.model));
    expect(optimizerBits(resumed.optimizer)).toEqual(optimizerBits(straight.optimizer));
    expect(resumed.scheduler.stateDict()).toEqual(straight.scheduler.stateDict());
    expect({ default: defaultGenerator.getState(), loader: resumed.generator?.getState() }).toEqual(straightRng);
    expect(resumed.optimizer.paramGroups[0].lr).toBe(straight.optimizer.paramGroups[0].lr);
  });
});

describe('checkpoint contents', () => {
  it('keeps Infinity, NaN and −0 in scheduler state, and extra data with tensors', () => {
    const run = build(1, 'sgd+plateau');
    const before = run.scheduler.stateDict();
    expect((before as { best: number }).best).toBe(Infinity);
    const extra = { note: 'x', values: [NaN, -0, -Infinity, 0.1], best: randn([2]) };
    const path = join(dir, 'special.ckpt');
    saveCheckpoint(path, { model: run.model, optimizer: run.optimizer, scheduler: run.scheduler, epoch: 0, extra });
    const other = build(2, 'sgd+plateau');
    other.scheduler.step(1); // so that restoring has something to undo
    const restored = loadCheckpoint(path, { model: other.model, optimizer: other.optimizer, scheduler: other.scheduler });
    expect(other.scheduler.stateDict()).toEqual(before);
    const back = restored.extra as typeof extra;
    expect(back.note).toBe('x');
    expect(Object.is(back.values[1], -0)).toBe(true);
    expect(back.values).toEqual([NaN, -0, -Infinity, 0.1]);
    expect(Array.from(back.best.data)).toEqual(Array.from(extra.best.data));
  });

  it('restores all or nothing: a part that does not fit leaves every part as it was', () => {
    const run = build(3, 'adam+step');
    fit(run.model, run.loader, { epochs: 1, optimizer: run.optimizer, scheduler: run.scheduler, loss });
    const bytes = io.serializeCheckpoint({ model: run.model, optimizer: run.optimizer, scheduler: run.scheduler, epoch: 1 });

    const other = build(4, 'adam+step');
    fit(other.model, other.loader, { epochs: 1, optimizer: other.optimizer, loss });
    // The model and optimizer fit; the scheduler is of another kind, so its state does not.
    const wrongScheduler = new optim.ExponentialLR(other.optimizer, 0.5);
    const snapshot = { model: bits(other.model), optimizer: optimizerBits(other.optimizer), scheduler: wrongScheduler.stateDict(), rng: defaultGenerator.getState() };
    expect(() => io.restoreCheckpoint(bytes, { model: other.model, optimizer: other.optimizer, scheduler: wrongScheduler }))
      .toThrow(/restoreCheckpoint: scheduler: .*(the checkpoint was not applied)/s);
    expect(bits(other.model)).toEqual(snapshot.model);
    expect(optimizerBits(other.optimizer)).toEqual(snapshot.optimizer);
    expect(wrongScheduler.stateDict()).toEqual(snapshot.scheduler);
    expect(defaultGenerator.getState()).toEqual(snapshot.rng);

    // A model of another shape fails first, naming the mismatch.
    const small = new nn.Sequential(new nn.Linear(2, 3));
    expect(() => io.restoreCheckpoint(bytes, { model: small })).toThrow(/restoreCheckpoint: model: .*unexpected keys/s);
    // Asking for a part the checkpoint does not hold.
    const weightsOnly = io.serializeCheckpoint({ model: run.model, epoch: 1 });
    expect(() => io.restoreCheckpoint(weightsOnly, { model: other.model, optimizer: other.optimizer })).toThrow(/a optimizer was given but the checkpoint holds no optimizer state/);
    expect(() => io.restoreCheckpoint(io.serialize(small), { model: small })).toThrow(/this file is not a checkpoint/);
  });

  it('the callback saves every n epochs and after the last, naming files by {epoch}', () => {
    const run = build(5, 'adam+step');
    const pattern = join(dir, 'every-{epoch}.ckpt');
    fit(run.model, run.loader, { epochs: 5, optimizer: run.optimizer, loss, callbacks: [checkpointCallback(pattern, { model: run.model }, { every: 2 })] });
    expect([1, 2, 3, 4, 5].map((e) => existsSync(join(dir, `every-${e}.ckpt`)))).toEqual([false, true, false, true, true]);
    expect(() => checkpointCallback(pattern, { model: run.model }, { every: 0 })).toThrow(/every must be a positive integer/);
  });

  it('fit() checks initialEpoch, and starting at epochs trains nothing', () => {
    const run = build(6, 'adam+step');
    const before = bits(run.model);
    expect(() => fit(run.model, run.loader, { epochs: 2, initialEpoch: 3, optimizer: run.optimizer, loss })).toThrow(/initialEpoch must be an integer in \[0, epochs = 2\], got 3/);
    const history = fit(run.model, run.loader, { epochs: 2, initialEpoch: 2, optimizer: run.optimizer, loss });
    expect(history.epochs).toEqual([]);
    expect(bits(run.model)).toEqual(before);
  });

  it('refuses state it cannot store', () => {
    const model = new nn.Linear(1, 1);
    expect(() => io.serializeCheckpoint({ model, epoch: -1 })).toThrow(/epoch \(epochs completed\) must be a non-negative integer/);
    expect(() => io.serializeCheckpoint({ model, epoch: 0, extra: { when: new Date() } })).toThrow(/cannot store a Date at extra.when/);
    expect(() => io.serializeCheckpoint({ model, epoch: 0, extra: { $tensor: 'x' } })).toThrow(/key '\$tensor' at extra starts with '\$'/);
  });
});
