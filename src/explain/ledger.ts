// The backprop ledger as data: what explain() returns and renderJson() writes. Every key is always
// present (null where there is nothing), so the JSON has one stable shape; README.md beside this
// file documents it for readers outside TypeScript. Changing a key's meaning or removing one bumps
// LEDGER_SCHEMA; adding a key does not.

/** The version tag written into every ledger. */
export const LEDGER_SCHEMA = 'chainrule.ledger/1';

/** A tensor's elements, row-major, and its shape ([] for a scalar). */
export interface LedgerValues {
  shape: number[];
  data: number[];
}

/**
 * How a node's local gradients are given:
 * - 'elementwise': each output element depends on one element of each input, so the local
 *   gradient is one number per element, ∂yᵢ/∂xᵢ; downstream = upstream ⊙ local (summed over
 *   broadcast dimensions back to the input's shape);
 * - 'gradient': the output is a single number, so the local gradient is ∂y/∂x, shaped like the
 *   input; downstream = upstream · local;
 * - 'jacobian': neither (a matrix product, a softmax over a vector, …): the local gradient is a
 *   Jacobian, described by the node's `rule` rather than listed.
 */
export type LocalKind = 'elementwise' | 'gradient' | 'jacobian';

/** In the scalar view: the tensor of the tensor view that a scalar is an element of. */
export interface LedgerElement {
  /** The tensor's name. */
  of: string;
  /** The element's index in that tensor. */
  index: number[];
}

/** One input of a node: the edge along which the downstream gradient is sent. */
export interface LedgerEdge {
  /** The id of the input: a leaf's ('l3') or a node's ('n2'). */
  id: string;
  name: string;
  /** ∂(node)/∂(input) as a formula of the names ('z' for ∂f/∂q where f = q·z); null if the op has none. */
  formula: string | null;
  /** ∂(node)/∂(input) as numbers (see LocalKind); null for a Jacobian or where no gradient flows. */
  local: LedgerValues | null;
  /** The gradient this node sends to the input (upstream × local); null where none flows. */
  downstream: LedgerValues | null;
  /**
   * The input feeds more than one node, so this downstream gradient is one of several that are
   * added up into its gradient (the lectures' copy gate).
   */
  shared: boolean;
}

/** One operation of the graph: the lectures' computation node. */
export interface LedgerNode {
  id: string;
  name: string;
  /** The op's name in the library ('mul', 'sigmoid', 'matmul', …). */
  op: string;
  /** The forward computation with names, e.g. 'q = x + y'. */
  expression: string;
  /** The op's local-gradient rule in the lectures' notation (y the output, a/b or x the inputs). */
  rule: string;
  localKind: LocalKind;
  /** The forward value. */
  value: LedgerValues;
  /** ∂(output)/∂(this node): the total gradient that reached it from the nodes it feeds. */
  upstream: LedgerValues | null;
  inputs: LedgerEdge[];
  element: LedgerElement | null;
}

/**
 * - 'variable': requires grad (a weight, or an input the graph differentiates with respect to);
 * - 'input': data that does not require grad;
 * - 'constant': an unnamed one-element number the computation used (the 0.5 of ½ Σ (t − y)²).
 */
export type LeafKind = 'variable' | 'input' | 'constant';

/** A tensor the user made: an input, a weight or a constant. */
export interface LedgerLeaf {
  id: string;
  name: string;
  kind: LeafKind;
  value: LedgerValues;
  requiresGrad: boolean;
  /** ∂(output)/∂(leaf), summed over every path; null where the leaf does not require grad. */
  grad: LedgerValues | null;
  element: LedgerElement | null;
}

/** One parameter of the SGD step w ← w − η·∂L/∂w. */
export interface LedgerUpdateRow {
  id: string;
  name: string;
  old: LedgerValues;
  grad: LedgerValues;
  new: LedgerValues;
}

export interface LedgerUpdate {
  /** The learning rate η. */
  lr: number;
  rows: LedgerUpdateRow[];
}

/** The backprop ledger of one scalar output. */
export interface Ledger {
  schema: typeof LEDGER_SCHEMA;
  /** 'tensor': one node per op as recorded; 'scalar': every tensor op expanded to scalar nodes. */
  view: 'tensor' | 'scalar';
  dtype: 'float32' | 'float64';
  /** The output's name and id, and its value. */
  output: string;
  outputId: string;
  value: number;
  /** Every node, in topological order: each after the nodes that compute its inputs. */
  nodes: LedgerNode[];
  /** Every leaf, in the order the forward pass first uses it. */
  leaves: LedgerLeaf[];
  /** The SGD step, when explain was given a learning rate; nothing is changed by it. */
  update: LedgerUpdate | null;
}
