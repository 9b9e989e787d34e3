import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/index.js';
import { CALLS, loadFixtures } from '../helpers/pytorch-fixtures.js';

const FILES = ['ops-elementwise.json', 'ops-reduce.json', 'ops-matmul.json', 'ops-movement.json', 'conv-ops.json'];

// Primitives with no fixture of their own, and why that is enough.
const NOT_IN_FIXTURES: Record<string, string> = {
  unslice: "slice's VJP: every slice case's gradient runs it",
  cast: 'a dtype conversion, with nothing of PyTorch to compare beyond rounding',
  tanhGrad: "tanh's VJP: every tanh case's gradient runs it",
  sigmoidGrad: "sigmoid's VJP: every sigmoid case's gradient runs it",
  reluGrad: "relu's VJP: every relu case's gradient runs it",
  conv2dWeight: "conv2d's weight gradient: every conv1d/conv2d case's weight gradient runs it",
  maxPool2dBackward: "maxPool2d's VJP: every max-pooling case's gradient runs it",
  avgPool2dBackward: "avgPool2d's VJP: every average-pooling case's gradient runs it",
};

// Public functions that are compositions of primitives, checked by name as well.
const COMPOSITES = ['mean', 'square', 'T', 'mT', 'transpose', 'flatten', 'squeeze', 'unsqueeze', 'stack', 'conv1d', 'convTranspose1d', 'maxPool1d', 'avgPool1d'];

describe('PyTorch fixtures cover every op', () => {
  const cases = FILES.flatMap((f) => loadFixtures(f));
  const ops = new Set(cases.map((c) => c.op));

  it('every primitive in OPS has cases', () => {
    const missing = Object.keys(OPS).filter((name) => !ops.has(name) && !(name in NOT_IN_FIXTURES));
    expect(missing).toEqual([]);
  });

  it('every composite public op has cases', () => {
    expect(COMPOSITES.filter((name) => !ops.has(name))).toEqual([]);
  });

  it('every fixture op maps to a call', () => {
    expect([...ops].filter((op) => !(op in CALLS))).toEqual([]);
  });

  it('every differentiable op has gradient cases', () => {
    const withGrads = new Set(cases.filter((c) => c.upstream !== null && c.grads.some((g) => g !== null)).map((c) => c.op));
    const differentiable = [...ops].filter((op) => !(op in OPS) || OPS[op].vjp !== 'not-differentiable');
    expect(differentiable.filter((op) => !withGrads.has(op))).toEqual([]);
  });

  it('case names are unique', () => {
    for (const f of FILES) {
      const names = loadFixtures(f).map((c) => c.name);
      expect(new Set(names).size, f).toBe(names.length);
    }
  });
});
