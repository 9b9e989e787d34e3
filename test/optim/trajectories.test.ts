import { describe, expect, it } from 'vitest';
import { optim, type DType } from '../../src/index.js';
import { expectAllClose, type CloseOptions } from '../helpers/close.js';
import { makeOptimizer, makeProblem, trainStep, trajectories } from './problem.js';

// Each optimizer variant against PyTorch 1.13 on the fixture's least-squares problem: the
// parameters after every step. In float64 only the order of roundings differs (measured: 4e-16
// at worst), so 1e-10 leaves room. In float32 PyTorch rounds after every tensor op while the fused
// kernel rounds once per stored value: measured 1e-6 at worst on parameters of size ~1, a few ulps.
const TOLERANCE: Record<DType, CloseOptions> = {
  float64: { atol: 1e-10, rtol: 1e-10 },
  float32: { atol: 5e-6, rtol: 1e-5 },
  int32: {},
};

describe('optimizer trajectories against PyTorch', () => {
  it('has cases for every optimizer', () => {
    const names = new Set(trajectories.cases.map((c) => c.optimizer));
    expect([...names].sort()).toEqual(['Adam', 'AdamW', 'RMSprop', 'SGD']);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    describe(dtype, () => {
      for (const c of trajectories.cases) {
        it(c.name, () => {
          const problem = makeProblem(dtype);
          const opt = makeOptimizer(c, problem);
          const expected = c[dtype];
          expect(expected.length).toBe(trajectories.steps);
          expected.forEach((point, step) => {
            trainStep(opt, problem);
            expect(problem.W.dtype).toBe(dtype);
            expectAllClose(problem.W.data, point.W, TOLERANCE[dtype]);
            expectAllClose(problem.b.data, point.b, TOLERANCE[dtype]);
            if (step === 0) expect(opt.state.size, 'state for W and b').toBe(2);
          });
        });
      }
    });
  }

  it('Adam under SequentialLR(LinearLR, CosineAnnealingLR) uses the lr each step was given', () => {
    const c = trajectories.scheduled;
    const problem = makeProblem('float64');
    const opt = makeOptimizer(c, problem);
    const warmup = new optim.LinearLR(opt, { startFactor: 0.2, totalIters: 2 });
    const cosine = new optim.CosineAnnealingLR(opt, 3, { etaMin: 0.01 });
    const sched = new optim.SequentialLR(opt, [warmup, cosine], [2]);
    c.float64.forEach((point, step) => {
      trainStep(opt, problem);
      sched.step();
      expectAllClose(sched.getLastLr(), c.lrs[step], { atol: 0, rtol: 1e-14 });
      expectAllClose(problem.W.data, point.W, TOLERANCE.float64);
      expectAllClose(problem.b.data, point.b, TOLERANCE.float64);
    });
  });
});
