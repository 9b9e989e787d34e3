import { Generator, Tensor, type Shape } from '../../src/index.js';
import type { Domain, OpSpec, SpecCase } from './op-specs.js';

/** PyTorch's float64 gradcheck defaults (STYLE.md 2.5); a spec may widen eps, with a reason. */
export const TOLERANCE = { eps: 1e-6, atol: 1e-5, rtol: 1e-3 } as const;

function sizeOf(shape: Shape): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A stable seed per spec and case, so a failure reproduces from its name alone. */
export function caseSeed(spec: OpSpec, index: number): number {
  let h = 2166136261;
  for (const ch of `${spec.name}#${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

function domainOf(spec: OpSpec, input: number): Domain {
  const d = spec.domain;
  return Array.isArray(d) ? (d as readonly Domain[])[input] : (d as Domain);
}

function draw(domain: Domain, g: Generator): number {
  switch (domain.kind) {
    case 'real':
      return g.normal() * (domain.scale ?? 1);
    case 'range':
      return domain.lo + (domain.hi - domain.lo) * g.random();
    case 'away': {
      // Resample rather than nudge, so the distribution stays symmetric around each kink.
      for (;;) {
        const v = g.normal() * (domain.scale ?? 1);
        if (domain.from.every((p) => Math.abs(v - p) >= domain.gap)) return v;
      }
    }
    case 'distinct':
      throw new Error('distinct values are drawn for all inputs together');
  }
}

/**
 * Seeded float64 inputs for one case, each drawn from its domain. Inputs with a 'distinct'
 * domain share one pool of values spaced `gap` apart, shuffled, so no two elements of any of
 * them tie, also after broadcasting one against another.
 */
export function specInputs(spec: OpSpec, c: SpecCase<unknown>, seed: number): Tensor[] {
  const g = new Generator(seed);
  const domains = c.shapes.map((_, i) => domainOf(spec, i));
  let pool: number[] = [];
  const distinct = domains.filter((d) => d.kind === 'distinct');
  if (distinct.length > 0) {
    const gap = (distinct[0] as { gap: number }).gap;
    const n = c.shapes.reduce((total, s, i) => total + (domains[i].kind === 'distinct' ? sizeOf(s) : 0), 0);
    pool = Array.from({ length: n }, (_, i) => (i - n / 2) * gap);
    for (let i = n - 1; i > 0; i--) {
      const j = g.integer(0, i + 1);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
  }
  return c.shapes.map((shape, i) => {
    const values = new Float64Array(sizeOf(shape));
    for (let j = 0; j < values.length; j++) {
      values[j] = domains[i].kind === 'distinct' ? (pool.pop() as number) : draw(domains[i], g);
    }
    return new Tensor(values, shape, 'float64');
  });
}

/** A readable test name: the input shapes and the attributes. */
export function caseLabel(c: SpecCase<unknown>): string {
  const shapes = c.shapes.map((s) => `[${s.join(',')}]`).join(' ');
  const attrs = c.attrs === undefined ? '' : ` ${JSON.stringify(c.attrs)}`;
  return `${c.label === undefined ? '' : `${c.label}: `}${shapes}${attrs}`;
}

/** The names of the ops recorded on the graph that produced y (walked with a stack). */
export function opsReached(y: Tensor): Set<string> {
  const names = new Set<string>();
  const seen = new Set<Tensor>();
  const stack = [y];
  while (stack.length > 0) {
    const t = stack.pop() as Tensor;
    if (seen.has(t) || t.gradFn === null) continue;
    seen.add(t);
    names.add(t.gradFn.op.name);
    stack.push(...t.gradFn.inputs);
  }
  return names;
}
