import { describe, expect, it } from 'vitest';
import { optim, tensor, type DType, type Tensor } from '../../src/index.js';
import { makeOptimizer, makeProblem, trainStep, trajectories, type Problem, type TrajectoryCase } from './problem.js';

/** A problem whose parameters start where another one's are now. */
function copyProblem(from: Problem, dtype: DType): Problem {
  const p = makeProblem(dtype);
  p.W.data.set(from.W.data);
  p.b.data.set(from.b.data);
  return p;
}

function values(p: Problem): number[] {
  return [...p.W.data, ...p.b.data];
}

describe('optimizer stateDict / loadStateDict', () => {
  // Every fixture variant: stop after 3 steps, restore into a fresh optimizer over a copy of the
  // parameters, and the next 3 steps must be bit for bit those of the uninterrupted run.
  for (const c of trajectories.cases) {
    it(`${c.name}: an optimizer restored mid-run continues identically`, () => {
      const problem = makeProblem('float64');
      const opt = makeOptimizer(c, problem);
      for (let i = 0; i < 3; i++) trainStep(opt, problem);
      const saved = opt.stateDict();
      const resumed = copyProblem(problem, 'float64');
      // A fresh optimizer made with other hyperparameters: the state dict must bring them back.
      const opt2 = makeOptimizer({ ...c, options: { ...c.options, lr: 0.5 } } as TrajectoryCase, resumed);
      opt2.loadStateDict(saved);
      for (let i = 0; i < 3; i++) {
        trainStep(opt, problem);
        trainStep(opt2, resumed);
        expect(values(resumed)).toEqual(values(problem));
      }
    });
  }

  it("lays out PyTorch's format: state by parameter index, groups with params as indices", () => {
    const problem = makeProblem('float64');
    const opt = new optim.Adam([{ params: [problem.W], lr: 0.01 }, { params: [problem.b], amsgrad: true }], { lr: 0.1 });
    trainStep(opt, problem);
    const sd = opt.stateDict();
    expect(sd.paramGroups).toEqual([
      { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [0] },
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [1] },
    ]);
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(Object.keys(sd.state[0]).sort()).toEqual(['expAvg', 'expAvgSq', 'step']);
    expect(Object.keys(sd.state[1]).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    expect(sd.state[1].step).toBe(1);
    expect(sd.state[0].expAvg.shape).toEqual([2, 3]);
  });

  it('is a snapshot: later steps do not change it, and loading copies it', () => {
    const problem = makeProblem('float64');
    const opt = new optim.SGD([problem.W, problem.b], { lr: 0.1, momentum: 0.9 });
    trainStep(opt, problem);
    const sd = opt.stateDict();
    const buffer = Array.from((sd.state[0].momentumBuffer as Tensor).data);
    trainStep(opt, problem);
    expect(Array.from((sd.state[0].momentumBuffer as Tensor).data)).toEqual(buffer);
    sd.paramGroups[0].lr = 7;
    expect(opt.paramGroups[0].lr).toBe(0.1);

    opt.loadStateDict(sd);
    (sd.state[0].momentumBuffer as Tensor).data.fill(42);
    const restored = opt.state.get(problem.W)?.momentumBuffer as Tensor;
    expect(Array.from(restored.data)).toEqual(buffer);
    expect(opt.paramGroups[0].lr).toBe(7);
  });

  it('converts state tensors to the dtype of the parameters it is loaded into', () => {
    const problem = makeProblem('float64');
    const opt = new optim.RMSprop([problem.W, problem.b], { momentum: 0.9, centered: true });
    trainStep(opt, problem);
    const single = makeProblem('float32');
    const opt32 = new optim.RMSprop([single.W, single.b], { momentum: 0.9, centered: true });
    opt32.loadStateDict(opt.stateDict());
    const state = opt32.state.get(single.W) as optim.RmspropState;
    expect([state.squareAvg.dtype, state.gradAvg?.dtype, state.momentumBuffer?.dtype]).toEqual(['float32', 'float32', 'float32']);
    trainStep(opt32, single);
    expect(state.step).toBe(2);
  });

  it('keeps initialLr, which schedulers rely on', () => {
    const problem = makeProblem('float64');
    const opt = new optim.SGD([problem.W], { lr: 0.1 });
    new optim.StepLR(opt, 2);
    const sd = opt.stateDict();
    expect(sd.paramGroups[0].initialLr).toBe(0.1);
    const opt2 = new optim.SGD([makeProblem('float64').W], { lr: 0.3 });
    opt2.loadStateDict(sd);
    expect(opt2.paramGroups[0]).toMatchObject({ lr: 0.1, initialLr: 0.1 });
  });
});

describe('loadStateDict refuses a state dict that does not fit, and then changes nothing', () => {
  type SD = optim.OptimizerStateDict<optim.AdamOptions, optim.AdamState>;

  function setup(): { opt: optim.Adam; good: SD; problem: Problem } {
    const problem = makeProblem('float64');
    const opt = new optim.Adam([{ params: [problem.W] }, { params: [problem.b], lr: 0.01 }], { lr: 0.1 });
    trainStep(opt, problem);
    return { opt, good: opt.stateDict(), problem };
  }

  function mutated(good: SD, change: (sd: Record<string, unknown> & SD) => void): SD {
    const copy = { state: { ...good.state }, paramGroups: good.paramGroups.map((g) => ({ ...g })) } as Record<string, unknown> & SD;
    change(copy);
    return copy;
  }

  const cases: [string, (sd: Record<string, unknown> & SD) => void, string | RegExp][] = [
    ['too few groups', (sd) => { sd.paramGroups.pop(); }, 'Adam: loadStateDict: the state dict has 1 param groups; this optimizer has 2'],
    ['a group of another size', (sd) => { sd.paramGroups[1].params = [1, 2]; }, "Adam: loadStateDict: paramGroups[1] has 2 params; the optimizer's group has 1"],
    ['a negative lr', (sd) => { sd.paramGroups[1].lr = -1; }, 'Adam: loadStateDict: paramGroups[1].lr must be a finite number ≥ 0; got -1'],
    ['bad betas', (sd) => { sd.paramGroups[0].betas = [0.9, 1]; }, 'Adam: loadStateDict: paramGroups[0].betas[1] must be in [0, 1); got 1'],
    ['a missing hyperparameter', (sd) => { delete (sd.paramGroups[0] as Partial<SD['paramGroups'][0]>).eps; }, 'Adam: loadStateDict: paramGroups[0].eps is missing'],
    ['an unknown hyperparameter', (sd) => { (sd.paramGroups[0] as unknown as Record<string, unknown>).momentum = 0.9; }, "Adam: loadStateDict: paramGroups[0]: unknown key 'momentum'"],
    ['state of another shape', (sd) => { sd.state[1] = { ...sd.state[1], expAvg: tensor([1, 2, 3], { dtype: 'float64' }) }; }, 'Adam: loadStateDict: state[1].expAvg has shape [3]; its parameter has shape [2]'],
    ['a missing state tensor', (sd) => { sd.state[0] = { step: 1 } as optim.AdamState; }, 'Adam: loadStateDict: state[0].expAvg must be a float Tensor'],
    ['a bad step count', (sd) => { sd.state[0] = { ...sd.state[0], step: -1 }; }, 'Adam: loadStateDict: state[0].step must be an integer ≥ 0; got -1'],
    ['an unknown state key', (sd) => { sd.state[0] = { ...sd.state[0], momentumBuffer: tensor([0]) } as optim.AdamState; }, "Adam: loadStateDict: state[0]: unknown key 'momentumBuffer'"],
    ['state of no parameter', (sd) => { sd.state[5] = sd.state[0]; }, 'Adam: loadStateDict: state[5] belongs to no parameter of paramGroups'],
    ['not a state dict', (sd) => { delete (sd as Partial<SD>).state; }, 'Adam: loadStateDict: expected an object { state, paramGroups } as stateDict() returns'],
  ];

  for (const [name, change, message] of cases) {
    it(name, () => {
      const { opt, good, problem } = setup();
      const before = opt.stateDict();
      // A valid change in the first group makes sure nothing is applied before the check fails.
      const bad = mutated(good, (sd) => { sd.paramGroups[0].lr = 0.123; change(sd); });
      expect(() => opt.loadStateDict(bad)).toThrow(message);
      expect(opt.stateDict()).toEqual(before);
      expect(opt.state.get(problem.W)?.step).toBe(1);
    });
  }
});
