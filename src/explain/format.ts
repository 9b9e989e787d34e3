// Numbers and values as the renderings print them: significant digits by default, or a fixed
// number of decimals and exact fractions, the way a lecture prints its worked examples.
import type { LedgerValues } from './ledger.js';

export interface NumberFormat {
  /** Significant digits (default 6), trailing zeros dropped: 0.731059, -12. */
  digits?: number;
  /** A fixed number of decimals instead (0.0739, -0.0010), as a lecture rounds. */
  decimals?: number;
  /** Print a value that is p/q with q ≤ 1000 as that fraction (-3/49); default false. */
  fractions?: boolean;
}

export interface ValueFormat extends NumberFormat {
  /** Tensors with more elements are shortened to their shape and first values (default 16). */
  maxElements?: number;
}

const MAX_DENOMINATOR = 1000;

/** p/q (q > 1) close to v within rounding error, by continued fractions; null if there is none. */
function fraction(v: number): string | null {
  const sign = v < 0 ? '-' : '';
  const x = Math.abs(v);
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let r = x;
  for (let i = 0; i < 20; i++) {
    const a = Math.floor(r);
    [h0, h1] = [h1, a * h1 + h0];
    [k0, k1] = [k1, a * k1 + k0];
    if (k1 > MAX_DENOMINATOR) return null;
    if (Math.abs(h1 / k1 - x) <= 1e-12 * Math.max(1, x)) return k1 === 1 ? null : `${sign}${h1}/${k1}`;
    const rest = r - a;
    if (rest < 1e-15) return null;
    r = 1 / rest;
  }
  return null;
}

/** One number. Zero prints as 0 (also −0, and sub-1e-12 residues at fixed decimals). */
export function formatNumber(v: number, format: NumberFormat = {}): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  if (format.fractions) {
    const f = fraction(v);
    if (f !== null) return f;
    if (Number.isInteger(v)) return String(v);
  }
  if (format.decimals !== undefined) {
    if (Math.abs(v) < 1e-12 || Number.isInteger(v)) return Math.abs(v) < 1e-12 ? '0' : String(v);
    const s = v.toFixed(format.decimals);
    return Number(s) === 0 ? s.replace('-', '') : s;
  }
  const digits = format.digits ?? 6;
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(digits)));
  // Very small or large: an exponent, with its mantissa's trailing zeros dropped.
  const [mantissa, exponent] = v.toExponential(digits - 1).split('e');
  return `${mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa}e${exponent}`;
}

/** A tensor's values: a number, nested brackets, or for a large tensor its shape and first values. */
export function formatValues(values: LedgerValues, format: ValueFormat = {}): string {
  const { shape, data } = values;
  if (shape.length === 0) return formatNumber(data[0], format);
  // An element 1e13 times smaller than the largest beside it is below what float64 resolves in
  // sums of such numbers: a rounding residue of an exact 0 (Σŷ − 1 through a softmax). It prints
  // as 0, so that the summation order of a backend does not change the rendering.
  const scale = data.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  const show = (v: number): string => formatNumber(Math.abs(v) <= 1e-13 * scale ? 0 : v, format);
  const max = format.maxElements ?? 16;
  if (data.length > max) return `${shape.join('×')} [${data.slice(0, 3).map(show).join(', ')}, …]`;
  let at = 0;
  const nest = (d: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < shape[d]; i++) parts.push(d === shape.length - 1 ? show(data[at++]) : nest(d + 1));
    return `[${parts.join(', ')}]`;
  };
  return nest(0);
}

/** The width of a string in a terminal: code points, not counting combining marks. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) if (!/\p{M}/u.test(ch)) width++;
  return width;
}

export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}
