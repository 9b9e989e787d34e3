// The lecture's printed numbers beside ours: each printed number is found in the ledger, and
// judged against the true value at the lecture's own rounding.
import { formatNumber } from '../format.js';
import type { Ledger, LedgerValues } from '../ledger.js';
import type { Printed, Where } from './types.js';

/**
 * - 'match': the true value, rounded as the lecture rounds, is what it prints;
 * - 'last digit': within 1.5 units of the last printed digit (truncated, or computed from
 *   values that were already rounded);
 * - 'wrong': further off than that (or a fraction that is not the true one).
 */
export type CheckStatus = 'match' | 'last digit' | 'wrong';

export interface LectureCheck {
  label: string;
  /** As the lecture prints it. */
  lecture: string;
  /** The true value, as the library computes it in float64. */
  ours: number;
  /** The true value printed as the lecture would: its decimals, or a fraction. */
  oursPrinted: string;
  status: CheckStatus;
  note: string | null;
}

/** A printed number's value, and its decimals (null for a fraction such as −3/49). */
export function parsePrinted(printed: string): { value: number; decimals: number | null } {
  const fraction = /^(-?\d+)\/(\d+)$/.exec(printed);
  if (fraction !== null) return { value: Number(fraction[1]) / Number(fraction[2]), decimals: null };
  if (!/^-?\d*\.?\d+$/.test(printed)) throw new RangeError(`runExample: cannot read the printed number '${printed}'`);
  const dot = printed.indexOf('.');
  return { value: Number(printed), decimals: dot < 0 ? 0 : printed.length - dot - 1 };
}

export function classify(ours: number, printed: string): { status: CheckStatus; oursPrinted: string } {
  const { value, decimals } = parsePrinted(printed);
  if (decimals === null) {
    return { status: Math.abs(ours - value) <= 1e-9 * Math.max(1, Math.abs(value)) ? 'match' : 'wrong', oursPrinted: formatNumber(ours, { fractions: true, digits: 6 }) };
  }
  const unit = 10 ** -decimals;
  const oursPrinted = formatNumber(ours, { decimals });
  if (Math.abs(Number(oursPrinted) - value) < unit / 2) return { status: 'match', oursPrinted };
  return { status: Math.abs(ours - value) <= 1.5 * unit ? 'last digit' : 'wrong', oursPrinted };
}

function pick(v: LedgerValues | null | undefined, index: number | undefined, what: string): number {
  if (v === null || v === undefined) throw new Error(`runExample: the ledger has no ${what}`);
  const i = index ?? 0;
  if (i >= v.data.length) throw new RangeError(`runExample: ${what} has ${v.data.length} elements, not an element ${i}`);
  return v.data[i];
}

/** The number a printed quantity refers to, from the ledger and the values after the step. */
export function lookup(ledger: Ledger, after: Readonly<Record<string, number>> | null, at: Where): number {
  const node = (name: string) => ledger.nodes.find((n) => n.name === name);
  const leaf = (name: string) => ledger.leaves.find((l) => l.name === name);
  if ('value' in at) return pick(node(at.value)?.value ?? leaf(at.value)?.value, at.index, `value of '${at.value}'`);
  if ('upstream' in at) return pick(node(at.upstream)?.upstream, at.index, `upstream gradient at '${at.upstream}'`);
  if ('local' in at) {
    const [n, input] = at.local;
    return pick(node(n)?.inputs.find((e) => e.name === input)?.local, at.index, `local gradient ∂${n}/∂${input}`);
  }
  if ('grad' in at) return pick(leaf(at.grad)?.grad, at.index, `gradient of '${at.grad}'`);
  if ('updated' in at) return pick(ledger.update?.rows.find((r) => r.name === at.updated)?.new, at.index, `update of '${at.updated}'`);
  const v = after?.[at.after];
  if (v === undefined) throw new Error(`runExample: no value '${at.after}' after the step`);
  return v;
}

export function checkPrinted(ledger: Ledger, after: Readonly<Record<string, number>> | null, printed: readonly Printed[]): LectureCheck[] {
  return printed.map((p) => {
    const ours = lookup(ledger, after, p.at);
    return { label: p.label, lecture: p.lecture, ours, ...classify(ours, p.lecture), note: p.note ?? null };
  });
}
