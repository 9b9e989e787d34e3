// runExample(): a worked example of the lectures built with the library, explained, stepped once
// with SGD where the lecture steps, and printed as the lecture prints it, with its printed numbers
// checked against the true ones.
import { SGD } from '../../optim/sgd.js';
import { explain } from '../explain.js';
import { formatNumber, type NumberFormat } from '../format.js';
import type { Ledger } from '../ledger.js';
import { markdownTable, renderMarkdown } from '../render-markdown.js';
import { boxTable, renderTable } from '../render-text.js';
import type { Table } from '../tables.js';
import { checkPrinted, type CheckStatus, type LectureCheck } from './check.js';
import { EXAMPLES } from './catalog.js';
import type { ExampleName, ExampleSpec } from './types.js';

export interface ExampleResult {
  name: ExampleName;
  title: string;
  source: string;
  ledger: Ledger;
  /** Values computed again after the SGD step (null where the lecture takes no step). */
  after: Readonly<Record<string, number>> | null;
  /** Each number the lecture prints, beside the true one. */
  checks: LectureCheck[];
  notes: readonly string[];
  /** The terminal rendering, numbers rounded as the lecture rounds them. */
  text: string;
  markdown: string;
}

const MARK: Readonly<Record<CheckStatus, string>> = { match: '✓ matches', 'last digit': '≈ last digit off', wrong: '✗ wrong' };

/** The names of the examples runExample knows, in the lectures' order. */
export function exampleNames(): ExampleName[] {
  return EXAMPLES.map((e) => e.name);
}

/** Each example's name, title and place in the lectures, for a listing. */
export function listExamples(): { name: ExampleName; title: string; source: string }[] {
  return EXAMPLES.map(({ name, title, source }) => ({ name, title, source }));
}

function specOf(name: string): ExampleSpec {
  const spec = EXAMPLES.find((e) => e.name === name);
  if (spec === undefined) throw new RangeError(`runExample: no example '${name}'; the examples are ${exampleNames().map((n) => `'${n}'`).join(', ')}`);
  return spec;
}

function checkTable(checks: readonly LectureCheck[]): Table {
  return {
    headers: ['quantity', 'lecture', 'true, rounded alike', 'true', 'check'],
    // A value within 1e-12 of 0 is a rounding residue of an exact 0 in these examples (as at
    // the lecture's own rounding): shown as 0, whatever order a backend sums in.
    rows: checks.map((c) => [c.label, c.lecture, c.oursPrinted, formatNumber(Math.abs(c.ours) < 1e-12 ? 0 : c.ours), MARK[c.status]]),
  };
}

function afterLine(before: Ledger, after: Readonly<Record<string, number>> | null, f: NumberFormat): string | null {
  if (after === null || before.update === null) return null;
  const values = Object.entries(after).map(([k, v]) => `${k} = ${formatNumber(v, f)}`).join(', ');
  return `After one SGD step (η = ${formatNumber(before.update.lr)}): ${values} (${before.output} was ${formatNumber(before.value, f)})`;
}

function noteLines(checks: readonly LectureCheck[], notes: readonly string[]): string[] {
  return [...checks.filter((c) => c.note !== null).map((c) => `${c.label}: ${c.note}`), ...notes];
}

/**
 * Builds a worked example of the lectures through the public API in float64, explains it, takes
 * the lecture's SGD step if it takes one, and prints it the way the lecture prints it, with each
 * printed number checked against the true one.
 * @example
 * console.log(runExample('net-2-2-1').text);
 */
export function runExample(name: ExampleName): ExampleResult {
  const spec = specOf(name);
  const built = spec.build();
  const step = built.step;
  const ledger = explain(built.loss, step === null ? built.explain : { ...built.explain, lr: step.lr, params: step.params });
  let after: Record<string, number> | null = null;
  if (step !== null) {
    const opt = new SGD(step.params, { lr: step.lr });
    opt.zeroGrad();
    built.loss.backward();
    opt.step();
    after = step.after();
  }
  const checks = checkPrinted(ledger, after, spec.printed);
  const notes = noteLines(checks, spec.notes);
  const heading = `${spec.title} (${spec.source})`;
  const afterText = afterLine(ledger, after, spec.format);
  const table = renderTable(ledger, spec.format);
  const text = [
    heading, '', table, ...(afterText === null ? [] : [afterText, '']),
    'The lecture\'s numbers beside the true ones', boxTable(checkTable(checks)),
    ...(notes.length > 0 ? ['Notes', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n') + '\n';
  const markdown = [
    `### ${heading}`, renderMarkdown(ledger, spec.format).trimEnd(), ...(afterText === null ? [] : [afterText]),
    '**The lecture\'s numbers beside the true ones**', markdownTable(checkTable(checks)),
    ...(notes.length > 0 ? ['**Notes**', notes.map((n) => `- ${n}`).join('\n')] : []),
  ].join('\n\n') + '\n';
  return { name: spec.name, title: spec.title, source: spec.source, ledger, after, checks, notes, text, markdown };
}
