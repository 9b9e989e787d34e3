// The ledger as a Graphviz graph in the lectures' picture: leaves and op nodes left to right,
// forward values in green, gradients in red; each edge carries the downstream gradient its
// node sends back to that input.
import { formatNumber, formatValues, type ValueFormat } from './format.js';
import type { Ledger, LedgerValues } from './ledger.js';

export interface DotOptions extends ValueFormat {
  /** Layout direction: 'LR' (default, as the lectures draw graphs) or 'TB'. */
  rankdir?: 'LR' | 'TB';
}

const VALUE = '#1a7f37';
const GRADIENT = '#cf222e';

/** Text for an HTML-like label: the characters that would end or open markup escaped. */
function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function colored(color: string, text: string): string {
  return `<font color="${color}">${html(text)}</font>`;
}

/**
 * The ledger as DOT text for Graphviz.
 * @example
 * writeFileSync('ledger.dot', renderDot(explain(loss)));   // then: dot -Tsvg ledger.dot
 */
export function renderDot(ledger: Ledger, options: DotOptions = {}): string {
  const f: ValueFormat = { maxElements: 6, ...options };
  const L = ledger.output;
  const show = (v: LedgerValues): string => formatValues(v, f);
  const lines = [
    'digraph ledger {',
    `  rankdir=${options.rankdir ?? 'LR'};`,
    `  label=<${html(`Backprop ledger of ${L} = ${formatNumber(ledger.value, f)}: values `)}${colored(VALUE, 'green')}${html(', gradients ')}${colored(GRADIENT, 'red')}>;`,
    '  labelloc=t;',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const leaf of ledger.leaves) {
    if (leaf.kind === 'constant') {
      lines.push(`  ${leaf.id} [shape=plaintext, label=<${colored(VALUE, leaf.name)}>];`);
      continue;
    }
    const grad = leaf.grad === null ? '' : `<br/>${colored(GRADIENT, `∂${L}/∂${leaf.name} = ${show(leaf.grad)}`)}`;
    lines.push(`  ${leaf.id} [shape=ellipse, label=<<b>${html(leaf.name)}</b><br/>${colored(VALUE, show(leaf.value))}${grad}>];`);
  }
  for (const node of ledger.nodes) {
    const upstream = node.upstream === null ? '' : `<br/>${colored(GRADIENT, `∂${L}/∂${node.name} = ${show(node.upstream)}`)}`;
    const border = node.id === ledger.outputId ? ', peripheries=2' : '';
    lines.push(`  ${node.id} [shape=box, style=rounded${border}, label=<<b>${html(node.expression)}</b><br/>${colored(VALUE, show(node.value))}${upstream}>];`);
    for (const edge of node.inputs) {
      const label = edge.downstream === null ? '' : ` [label=<${colored(GRADIENT, show(edge.downstream))}>]`;
      lines.push(`  ${edge.id} -> ${node.id}${label};`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
