// The ledger as tables of strings, in the lectures' words, shared by the terminal and Markdown
// renderings: one row per edge along which a gradient flows, so that each row reads
// upstream × local = downstream.
import { formatNumber, formatValues, type ValueFormat } from './format.js';
import type { Ledger, LedgerEdge, LedgerNode } from './ledger.js';

export interface RenderOptions extends ValueFormat {
  /** A first line in place of the default description of the ledger. */
  title?: string;
}

export interface Table {
  headers: string[];
  rows: string[][];
}

export interface LedgerTables {
  title: string;
  nodes: Table;
  leaves: Table;
  /** The SGD step's heading and table, when the ledger has one. */
  update: { heading: string; table: Table } | null;
  /** Each op used, with its local-gradient rule. */
  rules: [op: string, rule: string][];
}

const NONE = '—';

function localCell(node: LedgerNode, edge: LedgerEdge, f: ValueFormat): string {
  const partial = `∂${node.name}/∂${edge.name}`;
  if (edge.local !== null) {
    const value = formatValues(edge.local, f);
    // A formula that is a number ('1', a constant operand) says no more than the value.
    const numeric = edge.formula !== null && Number.isFinite(Number(edge.formula.replace(/[()]/g, '').replace('−', '-')));
    return edge.formula === null || numeric || edge.formula === value ? `${partial} = ${value}` : `${partial} = ${edge.formula} = ${value}`;
  }
  if (edge.formula !== null && edge.downstream !== null && node.localKind !== 'jacobian') return `${partial} = ${edge.formula}`;
  return node.localKind === 'jacobian' ? `${partial}: Jacobian (${node.op} rule)` : NONE;
}

function downstreamCell(output: string, edge: LedgerEdge, f: ValueFormat): string {
  if (edge.downstream === null) return NONE;
  // A tensor that feeds several nodes gets their gradients added: the copy gate.
  return `∂${output}/∂${edge.name} ${edge.shared ? '+=' : '='} ${formatValues(edge.downstream, f)}`;
}

function nodeRows(ledger: Ledger, f: ValueFormat): string[][] {
  const rows: string[][] = [];
  for (const node of ledger.nodes) {
    const upstream = node.upstream === null ? NONE : `∂${ledger.output}/∂${node.name} = ${formatValues(node.upstream, f)}`;
    const head = [node.name, node.expression, formatValues(node.value, f), upstream];
    const edges = node.inputs.filter((e) => e.downstream !== null);
    if (edges.length === 0) rows.push([...head, NONE, NONE]);
    edges.forEach((edge, i) => {
      rows.push([...(i === 0 ? head : ['', '', '', '']), localCell(node, edge, f), downstreamCell(ledger.output, edge, f)]);
    });
  }
  return rows;
}

function describe(ledger: Ledger, f: ValueFormat): string {
  const leaves = ledger.leaves.filter((l) => l.kind !== 'constant').length;
  return `Backprop ledger of ${ledger.output} = ${formatNumber(ledger.value, f)} (${ledger.dtype}, ${ledger.view} view: ${ledger.nodes.length} nodes, ${leaves} leaves); ` +
    'each row: upstream × local = downstream';
}

export function ledgerTables(ledger: Ledger, options: RenderOptions = {}): LedgerTables {
  const f: ValueFormat = options;
  const L = ledger.output;
  const leaves = ledger.leaves
    .filter((l) => l.kind !== 'constant')
    .map((l) => [l.name, formatValues(l.value, f), l.grad === null ? NONE : formatValues(l.grad, f)]);
  const update = ledger.update === null ? null : {
    heading: `SGD step: w ← w − η·∂${L}/∂w, η = ${formatNumber(ledger.update.lr)}`,
    table: {
      headers: ['parameter', 'old', `∂${L}/∂w`, 'new'],
      rows: ledger.update.rows.map((r) => [r.name, formatValues(r.old, f), formatValues(r.grad, f), formatValues(r.new, f)]),
    },
  };
  const rules = new Map<string, string>();
  for (const node of ledger.nodes) if (node.rule !== '' && !rules.has(node.op)) rules.set(node.op, node.rule);
  return {
    title: options.title ?? describe(ledger, f),
    nodes: { headers: ['node', 'forward', 'value', 'upstream', 'local', 'downstream'], rows: nodeRows(ledger, f) },
    leaves: { headers: ['leaf', 'value', `∂${L}/∂leaf`], rows: leaves },
    update,
    rules: [...rules],
  };
}
