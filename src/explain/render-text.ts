// The ledger as a terminal table: aligned columns in unicode box drawing.
import { displayWidth, padEnd } from './format.js';
import type { Ledger } from './ledger.js';
import { ledgerTables, type RenderOptions, type Table } from './tables.js';

/** One table in box drawing, every column as wide as its widest cell. */
export function boxTable(table: Table): string {
  const widths = table.headers.map((h, c) => Math.max(displayWidth(h), ...table.rows.map((r) => displayWidth(r[c] ?? ''))));
  const line = (left: string, mid: string, right: string): string => left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const row = (cells: readonly string[]): string => `│ ${cells.map((cell, c) => padEnd(cell, widths[c])).join(' │ ')} │`;
  return [line('┌', '┬', '┐'), row(table.headers), line('├', '┼', '┤'), ...table.rows.map(row), line('└', '┴', '┘')].join('\n');
}

/**
 * The ledger for a terminal: the nodes (one row per gradient edge), the leaves with their
 * gradients, the SGD step if any, and the local-gradient rule of each op used.
 * @example
 * console.log(renderTable(explain(loss), { decimals: 4 }));
 */
export function renderTable(ledger: Ledger, options: RenderOptions = {}): string {
  const t = ledgerTables(ledger, options);
  const parts = [t.title, boxTable(t.nodes), 'Leaves', boxTable(t.leaves)];
  if (t.update !== null) parts.push(t.update.heading, boxTable(t.update.table));
  if (t.rules.length > 0) {
    const width = Math.max(...t.rules.map(([op]) => displayWidth(op)));
    parts.push(`Local gradients (y the op's output; a, b or x its inputs)\n${t.rules.map(([op, rule]) => `  ${padEnd(op, width)}  ${rule}`).join('\n')}`);
  }
  return parts.join('\n') + '\n';
}
