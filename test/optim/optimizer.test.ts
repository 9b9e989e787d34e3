import { describe, expect, it } from 'vitest';
import { optim, tensor, zeros, type Tensor } from '../../src/index.js';
import { makeProblem, trainStep } from './problem.js';

function param(values: number[]): Tensor {
  return tensor(values, { dtype: 'float64', requiresGrad: true });
}

describe('Optimizer', () => {
  it('takes tensors, or param groups whose missing hyperparameters come from the defaults', () => {
    const a = param([1]);
    const b = param([2]);
    const plain = new optim.SGD([a, b], { lr: 0.1 });
    expect(plain.paramGroups).toHaveLength(1);
    expect(plain.paramGroups[0].params).toEqual([a, b]);
    expect(plain.paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });

    const grouped = new optim.SGD([{ params: [a], lr: 0.01 }, { params: b, momentum: 0.9 }], { lr: 0.1 });
    expect(grouped.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.01, 0], [0.1, 0.9]]);
    expect(grouped.paramGroups[1].params).toEqual([b]);
  });

  it('accepts any iterable of tensors, such as a generator', () => {
    const a = param([1]);
    function* params(): Generator<Tensor> { yield a; }
    const opt = new optim.Adam(params());
    expect(opt.paramGroups[0].params).toEqual([a]);
    expect(opt.defaults).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
    expect(new optim.AdamW([a]).defaults.weightDecay).toBe(1e-2);
    expect(new optim.RMSprop([a]).defaults).toMatchObject({ lr: 1e-2, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false });
  });

  it('groups do not share the betas array with the defaults or each other', () => {
    const opt = new optim.Adam([{ params: [param([1])] }, { params: [param([2])] }]);
    opt.paramGroups[0].betas[0] = 0.5;
    expect(opt.paramGroups[1].betas[0]).toBe(0.9);
    expect(opt.defaults.betas[0]).toBe(0.9);
  });

  it('addParamGroup adds a group with its own lr, and refuses a tensor already optimized', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: [b], lr: 0.5 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, momentum: 0.9 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/SGD: paramGroups\[2\]\.params\[0\]: this tensor is already in another param group/);
    expect(opt.paramGroups).toHaveLength(2);
  });

  it('step() updates only parameters that have a gradient, and leaves the others without state', () => {
    const used = param([1, 2]);
    const unused = param([3]);
    const opt = new optim.SGD([used, unused], { lr: 0.5, momentum: 0.9, weightDecay: 0.1 });
    used.mul(used).sum().backward();
    expect(unused.grad).toBeNull();
    opt.step();
    // d = 2·p + 0.1·p; p − 0.5·d
    expect(Array.from(used.data)).toEqual([1 - 0.5 * (2 + 0.1), 2 - 0.5 * (4 + 0.2)]);
    expect(Array.from(unused.data)).toEqual([3]);
    expect(opt.state.has(used)).toBe(true);
    expect(opt.state.has(unused)).toBe(false);
  });

  it('zeroGrad() sets gradients to null; with setToNone: false, to new zero tensors', () => {
    const a = param([1, 2]);
    const opt = new optim.SGD([a], { lr: 0.1 });
    a.sum().backward();
    const g = a.grad as Tensor;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).not.toBe(g);
    expect(Array.from((a.grad as Tensor).data)).toEqual([0, 0]);
    expect(Array.from(g.data)).toEqual([1, 1]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    opt.step();
    expect(Array.from(a.data)).toEqual([1, 2]);
  });

  it('backward() after zeroGrad() gives fresh gradients, not accumulated ones', () => {
    const problem = makeProblem('float64');
    const opt = new optim.SGD([problem.W, problem.b], { lr: 0.1 });
    problem.loss().backward();
    const first = Array.from((problem.W.grad as Tensor).data);
    opt.zeroGrad();
    problem.loss().backward();
    expect(Array.from((problem.W.grad as Tensor).data)).toEqual(first);
  });

  it('step(closure) runs the closure with grad on and returns its result', () => {
    const problem = makeProblem('float64');
    const opt = new optim.Adam([problem.W, problem.b], { lr: 0.1 });
    const before = problem.loss().item();
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = problem.loss();
      l.backward();
      return l;
    });
    expect(loss?.item()).toBe(before);
    expect(problem.loss().item()).toBeLessThan(before);
  });

  it('updates in place: the parameter keeps its identity and storage', () => {
    const problem = makeProblem('float32');
    const storage = problem.W.data;
    const opt = new optim.RMSprop([problem.W, problem.b]);
    trainStep(opt, problem);
    expect(problem.W.data).toBe(storage);
    expect(problem.W.dtype).toBe('float32');
    expect((opt.state.get(problem.W) as optim.RmspropState).squareAvg.dtype).toBe('float32');
  });

  it('a parameter converted to another dtype keeps its state, converted along', () => {
    const problem = makeProblem('float32');
    const opt = new optim.Adam([problem.W, problem.b], { lr: 0.1 });
    trainStep(opt, problem);
    problem.W.replaceData(Float64Array.from(problem.W.data));
    problem.b.replaceData(Float64Array.from(problem.b.data));
    trainStep(opt, problem);
    const state = opt.state.get(problem.W) as optim.AdamState;
    expect(state.step).toBe(2);
    expect(state.expAvg.dtype).toBe('float64');
    expect(problem.W.dtype).toBe('float64');
  });

  it('a float32 gradient of a float64 parameter is converted, not refused', () => {
    const a = param([1, 2]);
    const opt = new optim.SGD([a], { lr: 0.5 });
    a.grad = tensor([2, 4], { dtype: 'float32' });
    opt.step();
    expect(Array.from(a.data)).toEqual([0, 0]);
  });
});

describe('Optimizer errors', () => {
  const a = (): Tensor => param([1]);

  it('a bad learning rate is refused, naming the argument and the value', () => {
    expect(() => new optim.SGD([a()], { lr: 0 })).toThrow('SGD: lr must be a positive finite number; got 0');
    expect(() => new optim.SGD([a()], { lr: -0.1 })).toThrow('SGD: lr must be a positive finite number; got -0.1');
    expect(() => new optim.Adam([a()], { lr: Number.NaN })).toThrow('Adam: lr must be a positive finite number; got NaN');
    expect(() => new optim.AdamW([a()], { lr: Infinity })).toThrow('AdamW: lr must be a positive finite number; got Infinity');
    expect(() => new optim.RMSprop([a()], { lr: -1 })).toThrow('RMSprop: lr must be a positive finite number; got -1');
    expect(() => new optim.SGD([{ params: [a()], lr: -1 }], { lr: 0.1 })).toThrow('SGD: paramGroups[0].lr must be a positive finite number; got -1');
    const untyped = optim.SGD as unknown as new (p: Tensor[], o?: object) => optim.SGD;
    expect(() => new untyped([a()])).toThrow('SGD: lr must be a positive finite number; got undefined');
  });

  it('bad betas, momentum, eps and alpha are refused', () => {
    expect(() => new optim.Adam([a()], { betas: [1, 0.999] })).toThrow('Adam: betas[0] must be in [0, 1); got 1');
    expect(() => new optim.Adam([a()], { betas: [0.9, -0.1] })).toThrow('Adam: betas[1] must be in [0, 1); got -0.1');
    expect(() => new optim.Adam([a()], { betas: [0.9] as unknown as [number, number] })).toThrow('Adam: betas must be a pair [beta1, beta2]; got [0.9]');
    expect(() => new optim.Adam([a()], { eps: -1e-8 })).toThrow('Adam: eps must be a finite number ≥ 0; got -1e-8');
    expect(() => new optim.SGD([a()], { lr: 0.1, momentum: -0.5 })).toThrow('SGD: momentum must be a finite number ≥ 0; got -0.5');
    expect(() => new optim.SGD([a()], { lr: 0.1, weightDecay: -1 })).toThrow('SGD: weightDecay must be a finite number ≥ 0; got -1');
    expect(() => new optim.RMSprop([a()], { momentum: Number.NaN })).toThrow('RMSprop: momentum must be a finite number ≥ 0; got NaN');
    expect(() => new optim.RMSprop([a()], { alpha: 1.5 })).toThrow('RMSprop: alpha must be in [0, 1]; got 1.5');
    expect(() => new optim.RMSprop([a()], { centered: 1 as unknown as boolean })).toThrow('RMSprop: centered must be true or false; got 1');
  });

  it('nesterov needs a momentum and zero dampening, as in PyTorch', () => {
    expect(() => new optim.SGD([a()], { lr: 0.1, nesterov: true })).toThrow('SGD: nesterov requires a momentum and zero dampening; got momentum 0, dampening 0');
    expect(() => new optim.SGD([a()], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/nesterov requires/);
    expect(() => new optim.SGD([{ params: [a()], momentum: 0 }], { lr: 0.1, nesterov: true, momentum: 0.9 })).toThrow(/SGD: paramGroups\[0\]\.nesterov requires/);
  });

  it('unknown options and bad params are refused', () => {
    expect(() => new optim.SGD([a()], { lr: 0.1, momentun: 0.9 } as unknown as optim.SgdOptions)).toThrow("SGD: unknown option 'momentun'");
    expect(() => new optim.SGD([{ params: [a()], betas: [0.9, 0.9] } as optim.ParamGroupInput<optim.SgdOptions>], { lr: 0.1 })).toThrow("SGD: paramGroups[0]: unknown option 'betas'");
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow('SGD: got an empty parameter list');
    expect(() => new optim.SGD(a() as unknown as Tensor[], { lr: 0.1 })).toThrow(/params must be an iterable .* single Tensor goes in an array/);
    expect(() => new optim.SGD([tensor([1], { dtype: 'int32' })], { lr: 0.1 })).toThrow('SGD: paramGroups[0].params[0]: only float tensors can be optimized; this one is int32');
    expect(() => new optim.SGD([a().mul(2)], { lr: 0.1 })).toThrow(/params\[0\]: cannot optimize a non-leaf tensor/);
    expect(() => new optim.SGD([a(), 5 as unknown as Tensor], { lr: 0.1 })).toThrow('SGD: paramGroups[0].params[1]: an optimizer can only optimize Tensors; got number');
    expect(() => new optim.SGD([5 as unknown as Tensor], { lr: 0.1 })).toThrow('SGD: paramGroups[0] must be a Tensor or an object { params, ...hyperparameters }');
    const t = a();
    expect(() => new optim.SGD([t, t], { lr: 0.1 })).toThrow(/params\[1\]: this tensor appears twice in the group/);
  });

  it('step() checks every group and gradient before changing any parameter', () => {
    const x = param([1, 2]);
    const y = param([3]);
    const opt = new optim.SGD([{ params: [x] }, { params: [y] }], { lr: 0.1, momentum: 0.9 });
    x.grad = tensor([1, 1], { dtype: 'float64' });
    y.grad = tensor([1, 1], { dtype: 'float64' });
    expect(() => opt.step()).toThrow('SGD: paramGroups[1].params[0] has shape [1] but its grad has shape [2]');
    expect(Array.from(x.data)).toEqual([1, 2]);
    expect(opt.state.size).toBe(0);

    y.grad = tensor([1], { dtype: 'float64' });
    opt.paramGroups[1].momentum = -1;
    expect(() => opt.step()).toThrow('SGD: paramGroups[1].momentum must be a finite number ≥ 0; got -1');
    expect(Array.from(x.data)).toEqual([1, 2]);
  });

  it('step() accepts an lr a scheduler brought to 0, and then leaves parameters as they are', () => {
    const x = param([1, 2]);
    const opt = new optim.Adam([x], { lr: 0.1 });
    opt.paramGroups[0].lr = 0;
    x.grad = tensor([1, 1], { dtype: 'float64' });
    opt.step();
    expect(Array.from(x.data)).toEqual([1, 2]);
    opt.paramGroups[0].lr = -0.1;
    expect(() => opt.step()).toThrow('Adam: paramGroups[0].lr must be a finite number ≥ 0; got -0.1');
  });

  it('zeros() without requiresGrad can be optimized too (it simply never gets a gradient)', () => {
    const z = zeros([2], { dtype: 'float64' });
    const opt = new optim.SGD([z], { lr: 0.1 });
    opt.step();
    expect(Array.from(z.data)).toEqual([0, 0]);
  });
});
