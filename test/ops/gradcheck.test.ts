import { describe, expect, it } from 'vitest';
import { OPS, describeGradcheck, gradcheck } from '../../src/index.js';
import { SPECS } from '../helpers/op-specs.js';
import { TOLERANCE, caseLabel, caseSeed, opsReached, specInputs } from '../helpers/spec-inputs.js';

describe('the op-spec table', () => {
  const primitives = SPECS.filter((s) => s.kind === 'primitive');

  it('has a spec for every primitive in OPS, so a new op cannot escape the checks', () => {
    const named = new Set(primitives.map((s) => s.name));
    expect(Object.keys(OPS).filter((name) => !named.has(name))).toEqual([]);
  });

  it('names only ops that exist, once each, with a case for each spec', () => {
    expect(primitives.filter((s) => !(s.name in OPS)).map((s) => s.name)).toEqual([]);
    expect(new Set(SPECS.map((s) => s.name)).size).toBe(SPECS.length);
    expect(SPECS.filter((s) => s.cases.length === 0).map((s) => s.name)).toEqual([]);
  });

  it('gives a domain to every input of every case', () => {
    for (const s of SPECS) {
      if (!Array.isArray(s.domain)) continue;
      for (const c of s.cases) expect(c.shapes.length, `${s.name} ${caseLabel(c)}`).toBe(s.domain.length);
    }
  });

  it('agrees with the registry on which primitives are differentiable', () => {
    for (const s of primitives) {
      expect(s.differentiable, s.name).toBe(OPS[s.name].vjp !== 'not-differentiable');
    }
  });

  it('gives a reason for every op that is not differentiable', () => {
    for (const s of SPECS) {
      if (!s.differentiable) expect(s.reason.length, s.name).toBeGreaterThan(10);
    }
  });

  // A spec that called the wrong function would otherwise pass while checking nothing.
  it.each(primitives.filter((s) => s.differentiable).map((s) => [s.name, s] as const))('%s: some case records that op', (_name, s) => {
    const reached = s.cases.some((c, i) => opsReached(s.call(specInputs(s, c, caseSeed(s, i)).map((x) => x.requiresGrad_()), c.attrs)).has(s.name));
    expect(reached).toBe(true);
  });
});

for (const s of SPECS) {
  describe(`gradcheck ${s.name}`, () => {
    s.cases.forEach((c, i) => {
      if (s.differentiable) {
        it(caseLabel(c), () => {
          const inputs = specInputs(s, c, caseSeed(s, i));
          const report = gradcheck((...xs) => s.call(xs, c.attrs), inputs, { ...TOLERANCE, eps: s.eps ?? TOLERANCE.eps, seed: caseSeed(s, i) });
          expect(report.ok, describeGradcheck(report, inputs)).toBe(true);
        });
      } else {
        it(`${caseLabel(c)}: records no graph`, () => {
          const inputs = specInputs(s, c, caseSeed(s, i)).map((x) => x.requiresGrad_());
          const y = s.call(inputs, c.attrs);
          expect(y.requiresGrad).toBe(false);
          expect(y.gradFn).toBeNull();
          expect(y.dtype).toBe('int32');
        });
      }
    });
  });
}
