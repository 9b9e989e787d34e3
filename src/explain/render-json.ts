// The ledger as JSON text, in the schema of ledger.ts (documented in README.md beside it).
import type { Ledger } from './ledger.js';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** JSON has no NaN or infinities: they are written as the strings "NaN", "Infinity", "-Infinity". */
function scalar(v: null | boolean | number | string): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return JSON.stringify(String(v));
  return JSON.stringify(v);
}

/** Indented, but arrays of plain values (a tensor's data, a shape) kept on one line. */
function write(value: Json, indent: string): string {
  if (value === null || typeof value !== 'object') return scalar(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value as readonly Json[];
    if (items.length === 0) return '[]';
    if (items.every((v) => v === null || typeof v !== 'object')) return `[${items.map((v) => scalar(v as null | boolean | number | string)).join(', ')}]`;
    return `[\n${items.map((v) => inner + write(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: Json });
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner)}`).join(',\n')}\n${indent}}`;
}

/**
 * The ledger as JSON: `JSON.parse(renderJson(l))` gives back the ledger (non-finite numbers as
 * strings). Keys keep their order and meaning within one `schema` version.
 * @example
 * const data = JSON.parse(renderJson(explain(loss)));   // data.schema === 'chainrule.ledger/1'
 */
export function renderJson(ledger: Ledger): string {
  return write(ledger as unknown as Json, '') + '\n';
}
