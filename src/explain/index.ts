// explain: the backprop ledger of a scalar (value, upstream, local and downstream gradient per
// node, in the lectures' words), its renderings, and the lectures' worked examples.
export { explain, type ExplainOptions } from './explain.js';
export {
  LEDGER_SCHEMA, type Ledger, type LedgerNode, type LedgerEdge, type LedgerLeaf, type LedgerValues, type LedgerElement,
  type LedgerUpdate, type LedgerUpdateRow, type LocalKind, type LeafKind,
} from './ledger.js';
export type { TensorNames, ElementNames, NestedNames } from './names.js';
export { formatNumber, formatValues, type NumberFormat, type ValueFormat } from './format.js';
export type { RenderOptions } from './tables.js';
export { renderTable } from './render-text.js';
export { renderMarkdown } from './render-markdown.js';
export { renderJson } from './render-json.js';
export { renderDot, type DotOptions } from './render-dot.js';
export { renderSvg, dotToSvg } from './render-svg.js';
export { runExample, exampleNames, listExamples, type ExampleResult, type ExampleName, type LectureCheck, type CheckStatus } from './examples/index.js';
