import { readFileSync } from 'node:fs';
import { optim, tensor, type DType, type Tensor } from '../../src/index.js';

// The fixed problem of scripts/make-optim-fixtures.py and the optimizers its cases name: what the
// trajectory and state-dict tests share.

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

/** Parameters after one step. */
export interface Point {
  W: number[];
  b: number[];
}

export type OptimizerName = 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';

export interface TrajectoryCase {
  name: string;
  optimizer: OptimizerName;
  /** chainrule's options; with groups, the defaults. */
  options: Record<string, unknown>;
  /** Extra options of W's group and b's group, or null for one group. */
  groups: Record<string, unknown>[] | null;
  float64: Point[];
  float32: Point[];
}

export interface TrajectoryFixtures {
  steps: number;
  problem: Record<'X' | 'Y' | 'W' | 'b', FixtureTensor>;
  cases: TrajectoryCase[];
  scheduled: Omit<TrajectoryCase, 'float32'> & { lrs: number[][] };
}

export function readFixture<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8')) as T;
}

export const trajectories = readFixture<TrajectoryFixtures>('optim-trajectories.json');

function make(t: FixtureTensor, dtype: DType, requiresGrad = false): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data);
  return tensor(data, { shape: t.shape, requiresGrad });
}

/** The least-squares problem of the fixtures: parameters W, b and loss() = mean((X·Wᵀ + b − Y)²). */
export interface Problem {
  W: Tensor;
  b: Tensor;
  loss(): Tensor;
}

export function makeProblem(dtype: DType): Problem {
  const p = trajectories.problem;
  const X = make(p.X, dtype);
  const Y = make(p.Y, dtype);
  const W = make(p.W, dtype, true);
  const b = make(p.b, dtype, true);
  return { W, b, loss: () => X.matmul(W.T).add(b).sub(Y).square().mean() };
}

type AnyParams = Iterable<Tensor> | Iterable<{ params: Tensor[] } & Record<string, unknown>>;

// Options come from JSON, so they are passed through as the constructors' option types.
const MAKERS: Record<OptimizerName, (params: AnyParams, options: Record<string, unknown>) => optim.Optimizer> = {
  SGD: (params, options) => new optim.SGD(params as optim.Params<optim.SgdOptions>, options as unknown as optim.SgdOptions),
  Adam: (params, options) => new optim.Adam(params as optim.Params<optim.AdamOptions>, options),
  AdamW: (params, options) => new optim.AdamW(params as optim.Params<optim.AdamOptions>, options),
  RMSprop: (params, options) => new optim.RMSprop(params as optim.Params<optim.RmspropOptions>, options),
};

/** The case's optimizer over the problem's W and b, grouped as the case says. */
export function makeOptimizer(c: Pick<TrajectoryCase, 'optimizer' | 'options' | 'groups'>, problem: Problem): optim.Optimizer {
  const params: AnyParams = c.groups === null
    ? [problem.W, problem.b]
    : [{ params: [problem.W], ...c.groups[0] }, { params: [problem.b], ...c.groups[1] }];
  return MAKERS[c.optimizer](params, c.options);
}

/** One training step as the fixture script takes it. */
export function trainStep(opt: optim.Optimizer, problem: Problem): void {
  opt.zeroGrad();
  problem.loss().backward();
  opt.step();
}
