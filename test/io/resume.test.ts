// fit(…, { resumeFrom }): a run interrupted after 3 of 6 epochs and resumed from its checkpoint
// into freshly built objects ends bit for bit where the uninterrupted run does, with a seeded
// shuffling DataLoader (whose generator fit() saves and restores itself), dropout and a scheduler.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { data, defaultGenerator, fit, Generator, io, manualSeed, nn, optim, randint, randn, type Callback, type Resumable, type Tensor } from '../../src/index.js';
import { checkpointCallback, checkpointFile, save } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The data do not depend on the seeds under test: every run sees the same examples.
const source = new Generator(7);
const dataset = new data.TensorDataset(randn([50, 2], { generator: source }), randint(0, 3, [50], { generator: source }));
const loss = new nn.CrossEntropyLoss();

/** What a training script builds before fit(): weights and dropout from the default generator, shuffles from the loader's seed. */
function build(seed: number, loaderSeed: number | null = seed + 100) {
  manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(2, 12), new nn.BatchNorm1d(12), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(12, 3));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.03 });
  const scheduler = new optim.StepLR(optimizer, 2, { gamma: 0.5 });
  const loader = new data.DataLoader(dataset, { batchSize: 16, shuffle: true, seed: loaderSeed ?? undefined });
  return { model, optimizer, scheduler, loader };
}
type Run = ReturnType<typeof build>;

function bits(model: nn.Module<never[], unknown>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(model.stateDict())) out[name] = Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length * (t.data.BYTES_PER_ELEMENT / 4)));
  return out;
}

function optimizerBits(optimizer: optim.Optimizer): unknown {
  return JSON.parse(JSON.stringify(optimizer.stateDict(), (_, v: unknown) => (v instanceof Object && 'data' in v ? Array.from(new Uint32Array((v as Tensor).data.buffer)) : v)));
}

/** Everything a resumed run could differ in. */
function everything(run: Run): unknown {
  return {
    model: bits(run.model), optimizer: optimizerBits(run.optimizer), scheduler: run.scheduler.stateDict(),
    lr: run.optimizer.paramGroups[0].lr, rng: defaultGenerator.getState(), loader: run.loader.generator.getState(),
  };
}

const crashAfterEpoch3: Callback = { onEpochEnd: (epoch) => { if (epoch === 2) throw new Error('power cut'); } };

/** Trains 3 of 6 epochs, saving a checkpoint after each, and returns what resumes from the last. */
const savers: Record<'file' | 'bytes', (run: Run) => () => Resumable> = {
  file: (run) => {
    const path = join(dir, 'run.ckpt');
    expect(() => fit(run.model, run.loader, {
      epochs: 6, optimizer: run.optimizer, scheduler: run.scheduler, loss,
      callbacks: [checkpointCallback(path, { model: run.model, optimizer: run.optimizer, scheduler: run.scheduler }), crashAfterEpoch3],
    })).toThrow('power cut');
    return () => checkpointFile(path);
  },
  bytes: (run) => {
    let last: Uint8Array = new Uint8Array();
    const save = new io.CheckpointCallback({ model: run.model, optimizer: run.optimizer, scheduler: run.scheduler }, (bytes) => { last = bytes; });
    fit(run.model, run.loader, { epochs: 3, optimizer: run.optimizer, scheduler: run.scheduler, loss, callbacks: [save] });
    return () => io.checkpoint(last);
  },
};

describe.each(['file', 'bytes'] as const)('fit resumeFrom (checkpoint as %s)', (kind) => {
  it('6 epochs straight = 3 epochs, checkpoint, fresh objects, resumeFrom: bit for bit', () => {
    const straight = build(0);
    const straightHistory = fit(straight.model, straight.loader, { epochs: 6, optimizer: straight.optimizer, scheduler: straight.scheduler, loss });
    const expected = everything(straight);

    const resumeFrom = savers[kind](build(0));
    // Other seeds everywhere, so only the checkpoint can make the runs agree.
    const resumed = build(123, 999);
    expect(bits(resumed.model)).not.toEqual(bits(straight.model));
    const from = resumeFrom();
    expect(from.epoch).toBe(3);
    const history = fit(resumed.model, resumed.loader, { epochs: 6, optimizer: resumed.optimizer, scheduler: resumed.scheduler, loss, resumeFrom: from });

    expect(everything(resumed)).toEqual(expected);
    // The epochs it trained are the uninterrupted run's last three, losses and rates alike.
    expect(history.epochs).toEqual(straightHistory.epochs.slice(3));
  });
});

describe('fit resumeFrom errors', () => {
  /** A 3-epoch checkpoint of build(seed), as bytes. */
  function saved(seed: number, loaderSeed?: number | null): Uint8Array {
    const run = build(seed, loaderSeed);
    let bytes: Uint8Array = new Uint8Array();
    fit(run.model, run.loader, { epochs: 3, optimizer: run.optimizer, scheduler: run.scheduler, loss, callbacks: [new io.CheckpointCallback({ model: run.model, optimizer: run.optimizer, scheduler: run.scheduler }, (b) => { bytes = b; })] });
    return bytes;
  }

  it('refuses a checkpoint beyond epochs, before changing anything; at epochs it trains nothing', () => {
    const bytes = saved(1);
    const run = build(2);
    const before = everything(run);
    expect(() => fit(run.model, run.loader, { epochs: 2, optimizer: run.optimizer, scheduler: run.scheduler, loss, resumeFrom: io.checkpoint(bytes) }))
      .toThrow(/fit: resumeFrom holds a run that had completed 3 epochs, more than epochs = 2/);
    expect(everything(run)).toEqual(before);
    expect(() => fit(run.model, run.loader, { epochs: 6, initialEpoch: 3, optimizer: run.optimizer, scheduler: run.scheduler, loss, resumeFrom: io.checkpoint(bytes) }))
      .toThrow(/pass either initialEpoch or resumeFrom/);
    expect(() => fit(run.model, run.loader, { epochs: 6, optimizer: run.optimizer, loss, resumeFrom: {} as Resumable })).toThrow(/options.resumeFrom must be a checkpoint/);

    const history = fit(run.model, run.loader, { epochs: 3, optimizer: run.optimizer, scheduler: run.scheduler, loss, resumeFrom: io.checkpoint(bytes) });
    expect(history.epochs).toEqual([]);
    expect(everything(run)).not.toEqual(before); // restored, then nothing left to train
  });

  it('refuses a checkpoint that does not fit the model, naming it, and changes nothing', () => {
    const path = join(dir, 'other.ckpt');
    const other = build(3);
    const wide = new nn.Sequential(new nn.Linear(2, 5), new nn.Linear(5, 3));
    const wideOptimizer = new optim.Adam(wide.parameters());
    const wideScheduler = new optim.StepLR(wideOptimizer, 2);
    fit(wide, other.loader, { epochs: 1, optimizer: wideOptimizer, scheduler: wideScheduler, loss, callbacks: [checkpointCallback(path, { model: wide, optimizer: wideOptimizer, scheduler: wideScheduler })] });

    const run = build(4);
    fit(run.model, run.loader, { epochs: 1, optimizer: run.optimizer, scheduler: run.scheduler, loss });
    const before = everything(run);
    const began: number[] = [];
    const watch: Callback = { onTrainBegin: () => began.push(1), onTrainError: () => began.push(-1) };
    expect(() => fit(run.model, run.loader, { epochs: 4, optimizer: run.optimizer, scheduler: run.scheduler, loss, callbacks: [watch], resumeFrom: checkpointFile(path) }))
      .toThrow(new RegExp(`^${literal(path)}: io\\.checkpoint: model: .*the checkpoint was not applied`, 's'));
    expect(everything(run)).toEqual(before);
    expect(began).toEqual([]);

    // A file that is no checkpoint fails when read, naming the file.
    const modelFile = join(dir, 'model.safetensors');
    save(wide, modelFile);
    expect(() => checkpointFile(modelFile)).toThrow(new RegExp(`^${literal(modelFile)}: io\\.checkpoint: this file is not a checkpoint`));
  });

  it('refuses state the resumed run would drop or lack: loader generator, scheduler', () => {
    const seeded = saved(5);
    const unseeded = saved(5, null);

    // The saved loader had a generator of its own; this one draws from the default generator.
    const plain = build(6, null);
    const plainBefore = everything(plain);
    expect(() => fit(plain.model, plain.loader, { epochs: 6, optimizer: plain.optimizer, scheduler: plain.scheduler, loss, resumeFrom: io.checkpoint(seeded) }))
      .toThrow(/io\.checkpoint: the checkpoint holds the state of generator 'loader', which nothing here restores into: the saved run's training loader had a generator of its own/);
    expect(everything(plain)).toEqual(plainBefore);

    // And the other way round.
    const run = build(6);
    const before = everything(run);
    expect(() => fit(run.model, run.loader, { epochs: 6, optimizer: run.optimizer, scheduler: run.scheduler, loss, resumeFrom: io.checkpoint(unseeded) }))
      .toThrow(/io\.checkpoint: generator 'loader' is not in the checkpoint/);
    // A scheduler's state with no scheduler to take it.
    expect(() => fit(run.model, run.loader, { epochs: 6, optimizer: run.optimizer, loss, resumeFrom: io.checkpoint(seeded) }))
      .toThrow(/io\.checkpoint: the checkpoint holds scheduler state but no scheduler was given/);
    expect(everything(run)).toEqual(before);
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
