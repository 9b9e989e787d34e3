/**
 * The error function to near double precision: a Maclaurin series where it converges fast, a
 * continued fraction for erfc in the tails (Lentz's method). Math has no erf, and GELU and its
 * gradient checks need it exact to ~1e-15.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2) {
    // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)); terms shrink below 1e-17 within ~60 steps.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return sum * 1.1283791670955126;
  }
  const r = erfcTail(ax);
  return x > 0 ? 1 - r : r - 1;
}

/** erfc(x) for x ≥ 1 by its continued fraction (~60 steps at 2, ~190 at 1). */
function erfcTail(x: number): number {
  if (x > 27) return 0;
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * 1.7724538509055159);
}

const SQRT1_2 = Math.SQRT1_2;

/** GELU with the exact Gaussian CDF, as PyTorch's default: x·Φ(x). */
export function gelu(x: number): number {
  const t = -x * SQRT1_2;
  // Far in the left tail 1 + erf(x/√2) cancels to nothing; erfc keeps the relative precision.
  if (t >= 1) return 0.5 * x * erfcTail(t);
  return 0.5 * x * (1 + erf(x * SQRT1_2));
}

export function sigmoid(x: number): number {
  // Two branches keep exp from overflowing for large |x|.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
