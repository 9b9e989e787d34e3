// The renderings: every example's terminal and Markdown output pinned by snapshot files, the DOT
// graph read back structurally, the SVG from Graphviz, the JSON schema, and number formatting.
import { describe, expect, it } from 'vitest';
import {
  exampleNames, explain, LEDGER_SCHEMA, renderDot, renderJson, renderMarkdown, renderSvg, renderTable, runExample, tensor, type Ledger,
} from '../../src/index.js';
import { formatNumber, formatValues } from '../../src/explain/index.js';

describe('snapshots of every example, as the CLI prints it and as Markdown', () => {
  for (const name of exampleNames()) {
    it(name, async () => {
      const r = runExample(name);
      await expect(r.text).toMatchFileSnapshot(`__snapshots__/${name}.txt`);
      await expect(r.markdown).toMatchFileSnapshot(`__snapshots__/${name}.md`);
    });
  }
});

describe('renderTable', () => {
  it('aligns every line of each box table to one width', () => {
    const text = runExample('net-2-2-1').text;
    const width = (s: string) => [...s].filter((c) => !/\p{M}/u.test(c)).length;
    const tables: string[][] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith('┌')) tables.push([]);
      if (/^[┌│├└]/.test(line)) tables[tables.length - 1].push(line);
    }
    expect(tables.length).toBeGreaterThanOrEqual(4);
    for (const t of tables) expect(new Set(t.map(width)).size).toBe(1);
  });

  it('uses the given number format and title', () => {
    const x = tensor(1 / 3, { dtype: 'float64', requiresGrad: true });
    const ledger = explain(x.mul(3), { names: { x } });
    expect(renderTable(ledger, { title: 'T' }).split('\n')[0]).toBe('T');
    expect(renderTable(ledger, { decimals: 2 })).toContain('│ x    │ 0.33  │ 3        │');
    expect(renderTable(ledger, { fractions: true })).toContain('│ x    │ 1/3   │ 3        │');
  });
});

describe('renderMarkdown', () => {
  it('writes GitHub tables and escapes a | in a name', () => {
    const a = tensor(2, { dtype: 'float64', requiresGrad: true });
    const md = renderMarkdown(explain(a.abs(), { names: { '|a|': a } }));
    expect(md).toContain('| node | forward | value | upstream | local | downstream |\n|---|---|---|---|---|---|');
    expect(md).toContain('L = abs(\\|a\\|)');
    // Each table's rows have as many cells as its header: an escaped | does not split a cell.
    for (const table of md.split('\n\n').filter((block) => block.startsWith('|'))) {
      const cells = table.split('\n').map((line) => line.replace(/\\\|/g, '').split('|').length);
      expect(new Set(cells).size).toBe(1);
    }
  });
});

/** Reads DOT back: statements of `id [attrs];` and `a -> b [attrs];`, labels skipped by nesting. */
function parseDot(dot: string): { nodes: Set<string>; edges: [string, string][] } {
  expect(dot.startsWith('digraph ledger {')).toBe(true);
  expect(dot.trimEnd().endsWith('}')).toBe(true);
  // Outside HTML labels, braces and brackets must balance; HTML labels must close their < >.
  let angle = 0;
  let square = 0;
  let curly = 0;
  let outside = '';
  for (const ch of dot) {
    if (ch === '<') angle++;
    else if (ch === '>' && angle > 0) angle--;
    else if (angle === 0) {
      if (ch === '[') square++;
      if (ch === ']') square--;
      if (ch === '{') curly++;
      if (ch === '}') curly--;
      expect(square).toBeGreaterThanOrEqual(0);
      outside += ch;
    }
  }
  expect([angle, square, curly]).toEqual([0, 0, 0]);
  const nodes = new Set<string>();
  const edges: [string, string][] = [];
  for (const statement of outside.split(';').map((st) => st.trim())) {
    const edge = /^(\w+) -> (\w+)/.exec(statement);
    if (edge !== null) edges.push([edge[1], edge[2]]);
    else {
      const node = /^(\w+) \[/.exec(statement);
      if (node !== null && node[1] !== 'node' && node[1] !== 'edge') nodes.add(node[1]);
    }
  }
  return { nodes, edges };
}

describe('renderDot', () => {
  const ledgers: [string, Ledger][] = exampleNames().map((n) => [n, runExample(n).ledger]);

  for (const [name, ledger] of ledgers) {
    it(`${name}: declares every node and leaf once, and draws one edge per input`, () => {
      const dot = renderDot(ledger);
      const { nodes, edges } = parseDot(dot);
      expect([...nodes].sort()).toEqual([...ledger.nodes, ...ledger.leaves].map((n) => n.id).sort());
      expect(edges.length).toBe(ledger.nodes.reduce((n, x) => n + x.inputs.length, 0));
      for (const [from, to] of edges) {
        expect(nodes.has(from)).toBe(true);
        expect(nodes.has(to)).toBe(true);
      }
      expect(dot).toContain(`peripheries=2`);
    });
  }

  it('escapes markup in names and shows values and gradients', () => {
    const a = tensor(2, { dtype: 'float64', requiresGrad: true });
    const dot = renderDot(explain(a.mul(3), { names: { '<a&b>': a } }));
    expect(dot).toContain('&lt;a&amp;b&gt;');
    expect(dot).toContain('∂L/∂&lt;a&amp;b&gt; = 3');
    parseDot(dot);
  });
});

describe('renderSvg', () => {
  it('lays the graph out with Graphviz and gives an SVG document', async () => {
    const svg = await renderSvg(runExample('graph').ledger);
    expect(svg).toContain('<svg');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('q = x + y');
    expect(svg).toContain('∂f/∂x = &#45;4');
  });
});

describe('renderJson', () => {
  const ledger = runExample('graph').ledger;

  it('round-trips through JSON.parse', () => {
    expect(JSON.parse(renderJson(ledger))).toEqual(ledger);
    expect(ledger.schema).toBe(LEDGER_SCHEMA);
    expect(LEDGER_SCHEMA).toBe('chainrule.ledger/1');
  });

  it('keeps its keys, in order, at every level (the schema in src/explain/README.md)', () => {
    const withStep = explain(tensor(2, { dtype: 'float64', requiresGrad: true }).mul(3), { lr: 0.1, expand: 'scalar' });
    const json = JSON.parse(renderJson(withStep)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['schema', 'view', 'dtype', 'output', 'outputId', 'value', 'nodes', 'leaves', 'update']);
    const node = (json.nodes as Record<string, unknown>[])[0];
    expect(Object.keys(node)).toEqual(['id', 'name', 'op', 'expression', 'rule', 'localKind', 'value', 'upstream', 'inputs', 'element']);
    expect(Object.keys((node.inputs as Record<string, unknown>[])[0])).toEqual(['id', 'name', 'formula', 'local', 'downstream', 'shared']);
    expect(Object.keys(node.value as object)).toEqual(['shape', 'data']);
    expect(Object.keys((json.leaves as object[])[0])).toEqual(['id', 'name', 'kind', 'value', 'requiresGrad', 'grad', 'element']);
    const update = json.update as Record<string, unknown>;
    expect(Object.keys(update)).toEqual(['lr', 'rows']);
    expect(Object.keys((update.rows as object[])[0])).toEqual(['id', 'name', 'old', 'grad', 'new']);
  });

  it('writes NaN and infinities as strings, and keeps a tensor\'s data on one line', () => {
    const x = tensor([-1, 0], { dtype: 'float64', requiresGrad: true });
    const text = renderJson(explain(x.log().sum(), { names: { x } }));
    expect(text).toContain('"data": ["NaN", "-Infinity"]');
    expect(text).toContain('"shape": [2]');
  });
});

describe('formatNumber and formatValues', () => {
  it('prints significant digits, fixed decimals or fractions', () => {
    expect([0.7310585786300049, -12, 1e-17, 123456789, -0].map((v) => formatNumber(v))).toEqual(['0.731059', '-12', '1e-17', '1.23457e+8', '0']);
    expect([0.05338, -0.0010144, 0.1, 3, 1e-18, -0.00001].map((v) => formatNumber(v, { decimals: 4 }))).toEqual(['0.0534', '-0.0010', '0.1000', '3', '0', '0.0000']);
    expect([-12 / 49, 4 / 7, 9 / 98, Math.PI, 2].map((v) => formatNumber(v, { fractions: true }))).toEqual(['-12/49', '4/7', '9/98', '3.14159', '2']);
    expect([NaN, Infinity, -Infinity].map((v) => formatNumber(v))).toEqual(['NaN', '∞', '-∞']);
  });

  it('nests small tensors and shortens large ones', () => {
    expect(formatValues({ shape: [2, 2], data: [1, 2, 3, 4] })).toBe('[[1, 2], [3, 4]]');
    expect(formatValues({ shape: [], data: [0.5] })).toBe('0.5');
    expect(formatValues({ shape: [4, 5], data: Array.from({ length: 20 }, (_, i) => i) })).toBe('4×5 [0, 1, 2, …]');
    // A rounding residue of an exact 0 beside much larger elements prints as 0.
    expect(formatValues({ shape: [3], data: [1.3877787807814457e-17, -0.29, 0.29] })).toBe('[0, -0.29, 0.29]');
    expect(formatValues({ shape: [2], data: [1e-9, 0.5] })).toBe('[1e-9, 0.5]');
  });
});
