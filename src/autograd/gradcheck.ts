import { enableGrad, noGrad } from '../ops/grad-mode.js';
import { Generator } from '../tensor/random.js';
import { formatShape, stridesOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { gradients } from './backward.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Allowed |analytic − numeric| ≤ atol + rtol·|numeric| (defaults 1e-5 and 1e-3, PyTorch's). */
  atol?: number;
  rtol?: number;
  /** Seed of the random upstream gradient (default 0). */
  seed?: number;
}

export interface GradcheckReport {
  ok: boolean;
  /** The largest |analytic − numeric| over all checked elements. */
  maxAbsError: number;
  /** Where the check was worst, relative to its tolerance. */
  worst: { input: number; index: number[]; analytic: number; numeric: number } | null;
  /** How many elements were compared. */
  checked: number;
}

/**
 * Compares the analytic gradient of f with central finite differences, element by element, for a
 * random upstream gradient v (so it checks vᵀJ, not only the sum). Inputs should be float64.
 * @example
 * const report = gradcheck((a, b) => a.mul(b).tanh(), [randn([3], {dtype: 'float64'}), randn([3], {dtype: 'float64'})]);
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`gradcheck: inputs[${i}] is not a Tensor`);
    if (x.dtype !== 'float64') throw new TypeError(`gradcheck: inputs[${i}] is ${x.dtype}; finite differences need float64 inputs`);
  });
  const xs = inputs.map((x) => x.detach().requiresGrad_(true));
  const y = f(...xs);
  const generator = new Generator(options.seed ?? 0);
  const v = new Tensor(new Float64Array(y.size).map(() => generator.normal()), y.shape, 'float64');
  const analytic = y.requiresGrad
    ? gradients([y], xs, [v], { allowUnused: true })
    : xs.map(() => null);

  // Numeric: perturb one element at a time (in place, then restored) and difference vᵀf.
  const project = (): number => {
    const out = noGrad(() => f(...xs));
    let s = 0;
    for (let i = 0; i < out.size; i++) s += out.data[i] * v.data[i];
    return s;
  };
  let maxAbsError = 0;
  let worstRatio = -1;
  let worst: GradcheckReport['worst'] = null;
  let checked = 0;
  xs.forEach((x, which) => {
    const strides = stridesOf(x.shape);
    const a = analytic[which];
    for (let j = 0; j < x.size; j++) {
      const saved = x.data[j];
      x.data[j] = saved + eps;
      const plus = project();
      x.data[j] = saved - eps;
      const minus = project();
      x.data[j] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const got = a === null ? 0 : a.data[j];
      const err = Math.abs(got - numeric);
      const ratio = Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(numeric));
      maxAbsError = Math.max(maxAbsError, Number.isNaN(err) ? Infinity : err);
      checked++;
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = { input: which, index: strides.map((s, d) => Math.floor(j / s) % x.shape[d]), analytic: got, numeric };
      }
    }
  });
  return { ok: worstRatio <= 1, maxAbsError, worst, checked };
}

/** A one-line account of a report, for test failures and logs. */
export function describeGradcheck(report: GradcheckReport, inputs: readonly Tensor[]): string {
  if (report.worst === null) return `gradcheck: nothing to check (${report.checked} elements)`;
  const w = report.worst;
  return `gradcheck ${report.ok ? 'passed' : 'FAILED'}: max |analytic − numeric| = ${report.maxAbsError.toExponential(3)}; ` +
    `worst at input ${w.input} ${formatShape(inputs[w.input].shape)} index [${w.index.join(', ')}]: analytic ${w.analytic}, numeric ${w.numeric}`;
}

/**
 * Checks second derivatives: gradchecks the map xs ↦ Σᵢ uᵢ·∂(vᵀf)/∂xᵢ, whose analytic gradient
 * runs backward through a backward pass recorded with createGraph.
 */
export function gradgradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const generator = new Generator((options.seed ?? 0) + 1);
  const probe = noGrad(() => f(...inputs.map((x) => x.detach())));
  const v = new Tensor(new Float64Array(probe.size).map(() => generator.normal()), probe.shape, 'float64');
  const us = inputs.map((x) => new Tensor(new Float64Array(x.size).map(() => generator.normal()), x.shape, 'float64'));
  const firstOrder = (...xs: Tensor[]): Tensor => enableGrad(() => {
    const y = f(...xs);
    const gs = gradients([y], xs, [v], { createGraph: true, allowUnused: true });
    let total = xs[0].sum().mul(0);
    for (let i = 0; i < gs.length; i++) {
      const g = gs[i];
      if (g !== null) total = total.add(g.mul(us[i]).sum());
    }
    return total;
  });
  return gradcheck(firstOrder, inputs, options);
}
