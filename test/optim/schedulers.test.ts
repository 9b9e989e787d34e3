import { describe, expect, it } from 'vitest';
import { optim, tensor, zeros } from '../../src/index.js';
import { expectAllClose } from '../helpers/close.js';
import { readFixture } from './problem.js';

// Learning-rate sequences against PyTorch 1.13's printed get_last_lr() over 20 steps, for two
// param groups (lr 0.1 and 0.05); ReduceLROnPlateau on a fixed metric sequence.

interface SchedulerCase {
  name: string;
  kind: 'StepLR' | 'ExponentialLR' | 'CosineAnnealingLR' | 'LinearLR' | 'SequentialLR' | 'ReduceLROnPlateau';
  args: Record<string, unknown>;
  metrics?: number[];
  lrs: number[][];
}

const fixtures = readFixture<{ initialLrs: number[]; cases: SchedulerCase[] }>('optim-schedulers.json');

function twoGroups(): optim.SGD {
  const w = zeros([2], { dtype: 'float64', requiresGrad: true });
  const b = zeros([1], { dtype: 'float64', requiresGrad: true });
  return new optim.SGD([{ params: [w] }, { params: [b], lr: 0.05 }], { lr: 0.1 });
}

type Args = Record<string, number>;

function makeScheduler(kind: string, args: Record<string, unknown>, opt: optim.Optimizer): optim.LRScheduler {
  const a = args as Args;
  switch (kind) {
    case 'StepLR': return new optim.StepLR(opt, a.stepSize, { gamma: a.gamma });
    case 'ExponentialLR': return new optim.ExponentialLR(opt, a.gamma);
    case 'CosineAnnealingLR': return new optim.CosineAnnealingLR(opt, a.tMax, { etaMin: a.etaMin });
    case 'LinearLR': return new optim.LinearLR(opt, args);
    default: throw new Error(`no scheduler ${kind}`);
  }
}

function makeSequential(args: Record<string, unknown>, opt: optim.Optimizer): optim.SequentialLR {
  const parts = (args.parts as [string, Record<string, unknown>][]).map(([kind, a]) => makeScheduler(kind, a, opt));
  return new optim.SequentialLR(opt, parts, args.milestones as number[]);
}

/** The scheduler of a case and how to take one step of it. */
function make(c: SchedulerCase, opt: optim.Optimizer): { step: (i: number) => void; getLastLr: () => number[] } {
  if (c.kind === 'ReduceLROnPlateau') {
    const s = new optim.ReduceLROnPlateau(opt, c.args);
    return { step: (i) => s.step((c.metrics as number[])[i]), getLastLr: () => s.getLastLr() };
  }
  const s = c.kind === 'SequentialLR' ? makeSequential(c.args, opt) : makeScheduler(c.kind, c.args, opt);
  return { step: () => s.step(), getLastLr: () => s.getLastLr() };
}

// Same formulas in the same order: only Math.cos and ** may differ from C's in the last bit.
const LR_TOLERANCE = { atol: 1e-17, rtol: 1e-13 };

describe('schedulers against PyTorch', () => {
  it('covers every scheduler', () => {
    expect(new Set(fixtures.cases.map((c) => c.kind)).size).toBe(6);
  });

  for (const c of fixtures.cases) {
    it(c.name, () => {
      const opt = twoGroups();
      const sched = make(c, opt);
      expectAllClose(opt.paramGroups.map((g) => g.lr), c.lrs[0], LR_TOLERANCE);
      for (let i = 1; i < c.lrs.length; i++) {
        opt.step();
        sched.step(i - 1);
        expectAllClose(sched.getLastLr(), c.lrs[i], LR_TOLERANCE);
        expectAllClose(opt.paramGroups.map((g) => g.lr), c.lrs[i], LR_TOLERANCE);
      }
    });
  }
});

describe('scheduler state dicts', () => {
  // Run a case halfway, save, restore into a fresh optimizer and scheduler, and compare the rest.
  for (const c of fixtures.cases) {
    it(`${c.name} resumes where it was saved`, () => {
      const half = 9;
      const opt = twoGroups();
      const sched = c.kind === 'SequentialLR' ? makeSequential(c.args, opt)
        : c.kind === 'ReduceLROnPlateau' ? new optim.ReduceLROnPlateau(opt, c.args) : makeScheduler(c.kind, c.args, opt);
      const stepOf = (s: typeof sched, i: number): void => {
        if (s instanceof optim.ReduceLROnPlateau) s.step((c.metrics as number[])[i]);
        else s.step();
      };
      for (let i = 0; i < half; i++) stepOf(sched, i);
      // Through JSON, as a checkpoint would travel. SGD without gradients has no tensors in its
      // state, and ReduceLROnPlateau's best is finite after these metrics.
      const saved = JSON.parse(JSON.stringify({ opt: opt.stateDict(), sched: sched.stateDict() })) as {
        opt: optim.OptimizerStateDict<optim.SgdOptions, optim.SgdState>;
        sched: never;
      };

      const opt2 = twoGroups();
      const sched2 = c.kind === 'SequentialLR' ? makeSequential(c.args, opt2)
        : c.kind === 'ReduceLROnPlateau' ? new optim.ReduceLROnPlateau(opt2, { ...c.args, patience: 7 }) : makeScheduler(c.kind, c.args, opt2);
      opt2.loadStateDict(saved.opt);
      sched2.loadStateDict(saved.sched);
      expect(sched2.getLastLr()).toEqual(sched.getLastLr());
      for (let i = half; i < c.lrs.length - 1; i++) {
        stepOf(sched2, i);
        expectAllClose(sched2.getLastLr(), c.lrs[i + 1], LR_TOLERANCE);
      }
    });
  }
});

describe('scheduler arguments', () => {
  const opt = (): optim.SGD => twoGroups();

  it('are checked, naming the argument and value, before the lrs change', () => {
    const o = opt();
    expect(() => new optim.StepLR(o, 0)).toThrow(/StepLR: stepSize must be an integer ≥ 1; got 0/);
    expect(() => new optim.StepLR(o, 2.5)).toThrow(/stepSize/);
    expect(() => new optim.StepLR(o, 3, { gamma: -1 })).toThrow(/StepLR: gamma must be a positive finite number; got -1/);
    expect(() => new optim.ExponentialLR(o, Number.NaN)).toThrow(/ExponentialLR: gamma .* got NaN/);
    expect(() => new optim.CosineAnnealingLR(o, 0)).toThrow(/CosineAnnealingLR: tMax/);
    expect(() => new optim.CosineAnnealingLR(o, 10, { etaMin: -1 })).toThrow(/etaMin/);
    expect(() => new optim.LinearLR(o, { startFactor: 0 })).toThrow(/LinearLR: startFactor must be in \(0, 1\]; got 0/);
    expect(() => new optim.LinearLR(o, { endFactor: 1.5 })).toThrow(/endFactor/);
    expect(() => new optim.LinearLR(o, { totalIters: 0 })).toThrow(/totalIters/);
    expect(() => new optim.ReduceLROnPlateau(o, { factor: 1 })).toThrow(/ReduceLROnPlateau: factor must be less than 1; got 1/);
    expect(() => new optim.ReduceLROnPlateau(o, { mode: 'maximum' as 'max' })).toThrow(/mode must be one of 'min', 'max'; got "maximum"/);
    expect(() => new optim.ReduceLROnPlateau(o, { minLr: [0.1] })).toThrow(/minLr must be a list of 2 learning rates/);
    expect(() => new optim.ReduceLROnPlateau(o, { patience: -1 })).toThrow(/patience/);
    expect(o.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.05]);
    expect(o.paramGroups.every((g) => g.initialLr === undefined)).toBe(true);
  });

  it('SequentialLR checks its parts and milestones', () => {
    const o = opt();
    const a = new optim.LinearLR(o);
    const b = new optim.ExponentialLR(o, 0.9);
    expect(() => new optim.SequentialLR(o, [a, b], [])).toThrow(/milestones must be a list of 1 epochs/);
    expect(() => new optim.SequentialLR(o, [a, b, new optim.StepLR(o, 2)], [4, 4])).toThrow(/milestones\[1\] must be greater than/);
    expect(() => new optim.SequentialLR(o, [a, new optim.StepLR(opt(), 2)], [3])).toThrow(/schedulers\[1\] belongs to another optimizer/);
    const plateau = new optim.ReduceLROnPlateau(o) as unknown as optim.LRScheduler;
    expect(() => new optim.SequentialLR(o, [a, plateau], [3])).toThrow(/schedulers\[1\] must be an LRScheduler/);
  });

  it('a scheduler refuses to step after addParamGroup changed the group count', () => {
    const o = opt();
    const s = new optim.StepLR(o, 2);
    o.addParamGroup({ params: [zeros([1], { dtype: 'float64' })] });
    expect(() => s.step()).toThrow(/StepLR: the optimizer has 3 param groups but had 2/);
  });

  it('ReduceLROnPlateau takes a one-element tensor as the metric, and NaN counts as a bad epoch', () => {
    const o = opt();
    const s = new optim.ReduceLROnPlateau(o, { patience: 0 });
    s.step(tensor([2]));
    expect(s.getLastLr()).toEqual([0.1, 0.05]);
    s.step(Number.NaN);
    expectAllClose(s.getLastLr(), [0.01, 0.005], { atol: 0, rtol: 1e-15 });
    expect(() => s.step(tensor([1, 2]))).toThrow(/item/);
  });

  it('ReduceLROnPlateau resumes from JSON before any metric, where best = Infinity became null', () => {
    const s = new optim.ReduceLROnPlateau(opt(), { patience: 0 });
    const json = JSON.parse(JSON.stringify(s.stateDict())) as optim.ReduceLROnPlateauStateDict;
    expect(json.best).toBeNull();
    const o2 = opt();
    const s2 = new optim.ReduceLROnPlateau(o2, { patience: 5 });
    s2.loadStateDict(json);
    s2.step(1);
    s2.step(1);
    expectAllClose(s2.getLastLr(), [0.01, 0.005], { atol: 0, rtol: 1e-15 });
    expect(() => s2.loadStateDict({ ...json, best: Number.NaN })).toThrow('ReduceLROnPlateau: loadStateDict: best must be a number (or null for none yet); got NaN');
  });

  it('loadStateDict refuses a malformed state and changes nothing', () => {
    const o = opt();
    const s = new optim.StepLR(o, 2);
    s.step();
    const good = s.stateDict();
    expect(() => s.loadStateDict({ ...good, baseLrs: [0.1] })).toThrow(/StepLR: loadStateDict: baseLrs must be a list of 2 learning rates/);
    expect(() => s.loadStateDict({ ...good, options: { stepSize: 0, gamma: 0.1 } })).toThrow(/options.stepSize must be an integer ≥ 1; got 0/);
    expect(() => s.loadStateDict({ ...good, lastEpoch: 1.5 })).toThrow(/lastEpoch/);
    expect(() => s.loadStateDict({ ...good, extra: 1 } as typeof good)).toThrow(/unknown key 'extra'/);
    expect(s.stateDict()).toEqual(good);
  });
});
