// fit()'s side of resumeFrom, with a hand-written Resumable: the training layer knows only that
// interface (io implements it), so any object with an epoch and restore() works.
import { describe, expect, it } from 'vitest';
import { defaultGenerator, fit, Generator, nn, optim, type Resumable, type ResumeTargets, type TrainState } from '../../src/index.js';
import { DataLoader } from '../../src/data/index.js';
import { blobs, classifier } from './helpers.js';

const loss = new nn.CrossEntropyLoss();

describe('fit resumeFrom', () => {
  it('restores before any callback, with the loader generator, and trains the epochs left', () => {
    const model = classifier();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const scheduler = new optim.StepLR(optimizer, 1);
    const loader = new DataLoader(blobs(5), { batchSize: 4, shuffle: true, seed: 3 });
    const events: string[] = [];
    let seen: ResumeTargets | undefined;
    const from: Resumable = { epoch: 2, restore: (targets) => { seen = targets; events.push('restore'); } };
    let state: TrainState | undefined;
    const history = fit(model, loader, {
      epochs: 5, optimizer, scheduler, loss, resumeFrom: from,
      callbacks: [{ onTrainBegin: (s) => { state = s; events.push('begin'); }, onEpochBegin: (e) => { events.push(`epoch ${e}`); } }],
    });
    expect(events).toEqual(['restore', 'begin', 'epoch 2', 'epoch 3', 'epoch 4']);
    expect(history.epochs).toHaveLength(3);
    expect(seen?.model).toBe(model);
    expect(seen?.optimizer).toBe(optimizer);
    expect(seen?.scheduler).toBe(scheduler);
    expect(seen?.generators).toEqual({ loader: loader.generator });
    expect(seen?.generators.loader).toBe(loader.generator);
    expect(state?.generators).toBe(seen?.generators);
  });

  it('names no loader generator when the loader shuffles with the default one or is a plain array', () => {
    const model = classifier();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const targets: ResumeTargets[] = [];
    const from: Resumable = { epoch: 0, restore: (t) => { targets.push(t); } };
    const shared = new DataLoader(blobs(5), { batchSize: 4, shuffle: true });
    expect(shared.generator).toBe(defaultGenerator);
    fit(model, shared, { epochs: 1, optimizer, loss, resumeFrom: from });
    fit(model, [...shared], { epochs: 1, optimizer, loss, resumeFrom: from });
    const own = new Generator(9);
    fit(model, new DataLoader(blobs(5), { batchSize: 4, generator: own }), { epochs: 1, optimizer, loss, resumeFrom: from });
    expect(targets.map((t) => t.generators)).toEqual([{}, {}, { loader: own }]);
  });

  it('checks the epoch before restoring', () => {
    const model = classifier();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    let restored = 0;
    const at = (epoch: number): Resumable => ({ epoch, restore: () => { restored++; } });
    const loader = new DataLoader(blobs(5), { batchSize: 4 });
    expect(() => fit(model, loader, { epochs: 3, optimizer, loss, resumeFrom: at(4) })).toThrow(/fit: resumeFrom holds a run that had completed 4 epochs, more than epochs = 3/);
    expect(() => fit(model, loader, { epochs: 3, optimizer, loss, resumeFrom: at(1.5) })).toThrow(/resumeFrom.epoch must be a non-negative integer, got 1.5/);
    expect(() => fit(model, loader, { epochs: 3, optimizer, loss, resumeFrom: at(1), initialEpoch: 1 })).toThrow(/pass either initialEpoch or resumeFrom/);
    expect(restored).toBe(0);
    expect(fit(model, loader, { epochs: 3, optimizer, loss, resumeFrom: at(3) }).epochs).toEqual([]);
    expect(restored).toBe(1);
  });
});
