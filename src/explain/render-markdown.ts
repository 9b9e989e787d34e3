// The ledger as GitHub-flavoured Markdown: the same tables as the terminal's.
import type { Ledger } from './ledger.js';
import { ledgerTables, type RenderOptions, type Table } from './tables.js';

/** A cell's text with the characters that would end a cell or start an escape escaped. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

export function markdownTable(table: Table): string {
  const row = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [row(table.headers), `|${table.headers.map(() => '---').join('|')}|`, ...table.rows.map(row)].join('\n');
}

/**
 * The ledger as Markdown: a title, the nodes, the leaves, the SGD step if any, and the rules.
 * @example
 * await writeFile('ledger.md', renderMarkdown(explain(loss)));
 */
export function renderMarkdown(ledger: Ledger, options: RenderOptions = {}): string {
  const t = ledgerTables(ledger, options);
  const parts = [cell(t.title), markdownTable(t.nodes), '**Leaves**', markdownTable(t.leaves)];
  if (t.update !== null) parts.push(`**${cell(t.update.heading)}**`, markdownTable(t.update.table));
  if (t.rules.length > 0) {
    parts.push('**Local gradients** (y the op\'s output; a, b or x its inputs)', t.rules.map(([op, rule]) => `- \`${op}\`: ${cell(rule)}`).join('\n'));
  }
  return parts.join('\n\n') + '\n';
}
