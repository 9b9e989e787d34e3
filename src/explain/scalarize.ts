// The scalar view: the recorded computation replayed on one number per element. Each leaf becomes
// scalar leaves (fresh tensors, so the user's are untouched), and each node's op is rewritten
// with scalar ops (decompose.ts). One engine thus gives both the tensor view and the lectures'
// neuron-by-neuron view, and the gradients of the two agree.
import { enableGrad } from '../ops/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import { EXPANSIONS } from './decompose.js';
import { forwardOrder } from './graph.js';
import type { LedgerElement } from './ledger.js';
import { elementName, isConstant, Namer, storageSources, unravel } from './names.js';

export interface Scalarized {
  /** The output as a recorded scalar. */
  output: Tensor;
  /** Names of the scalars that are elements of a tensor: the user's element names, or `W[0,1]`. */
  names: Map<Tensor, string>;
  elements: Map<Tensor, LedgerElement>;
  /** The scalar leaves made for each leaf of the tensor graph, row-major. */
  leafScalars: Map<Tensor, Tensor[]>;
  /**
   * The scalar graph in the order the tensor view computes it, element by element (layer by
   * layer in a network), rather than in the order a walk back from the output meets it.
   */
  order: Tensor[];
}

/** Refuses, before building anything, a graph with an op that has no scalar form or too many scalars. */
function checkExpandable(order: readonly Tensor[], limit: number): void {
  let total = 0;
  let largest = { cost: -1, what: '' };
  for (const t of order) {
    const node = t.gradFn;
    let cost = t.size;
    if (node !== null) {
      const expansion = EXPANSIONS.get(node.op.name);
      if (expansion === undefined) {
        throw new RangeError(`explain: expand 'scalar' has no scalar form for the op '${node.op.name}' (output shape [${t.shape.join(', ')}]); use the tensor view (expand: 'tensor')`);
      }
      cost = expansion.cost(node);
    }
    total += cost;
    if (cost > largest.cost) largest = { cost, what: node === null ? `a leaf of shape [${t.shape.join(', ')}]` : `'${node.op.name}' with output shape [${t.shape.join(', ')}]` };
  }
  if (total > limit) {
    throw new RangeError(
      `explain: the scalar view of this graph would have about ${total} scalar nodes and leaves, more than the limit of ${limit} ` +
      `(the largest part: ${largest.what}, ${largest.cost}); use the tensor view, or pass a larger limit`,
    );
  }
}

function leafScalars(t: Tensor): Tensor[] {
  const out: Tensor[] = [];
  for (let i = 0; i < t.size; i++) {
    const s = new Tensor(t.data.slice(i, i + 1), [], t.dtype);
    if (t.requiresGrad) s.requiresGrad_(true);
    out.push(s);
  }
  return out;
}

/**
 * Replays the graph of `output` on scalars. `given` names tensors; `perElement` names their
 * elements. A scalar shared by several tensors (a reshape, a one-element sum) keeps the first
 * name it got, unless a later tensor's name came from the user and the first did not.
 */
export function scalarize(output: Tensor, given: ReadonlyMap<Tensor, string>, perElement: ReadonlyMap<Tensor, readonly string[]>, limit: number): Scalarized {
  const order = forwardOrder(output);
  checkExpandable(order, limit);
  // A leaf sharing the storage of a tensor the user named stands for it: its names, its shape.
  const sources = storageSources([...given.keys(), ...perElement.keys()], order);
  const givenNames = new Map(given);
  const elementNamesOf = new Map(perElement);
  for (const [t, u] of sources) {
    const name = given.get(u);
    const own = perElement.get(u);
    if (name !== undefined && !givenNames.has(t)) givenNames.set(t, name);
    if (own !== undefined && !elementNamesOf.has(t)) elementNamesOf.set(t, own);
  }
  const tensorNames = new Namer(givenNames, output, '');
  const scalarsOf = new Map<Tensor, Tensor[]>();
  const names = new Map<Tensor, string>();
  const byUser = new Set<Tensor>();
  const elements = new Map<Tensor, LedgerElement>();
  const leaves = new Map<Tensor, Tensor[]>();
  enableGrad(() => {
    for (const t of order) {
      const node = t.gradFn;
      let scalars: Tensor[];
      if (node === null) {
        scalars = leafScalars(t);
        leaves.set(t, scalars);
      } else {
        scalars = EXPANSIONS.get(node.op.name)!.make(node, node.inputs.map((x) => scalarsOf.get(x)!));
      }
      scalarsOf.set(t, scalars);
      const name = tensorNames.nameOf(t);
      const own = elementNamesOf.get(t);
      const user = own !== undefined || tensorNames.isGiven(t) || t === output;
      // An unnamed number used as an operand stays unnamed, to be shown by its value.
      if (!user && isConstant(t)) continue;
      scalars.forEach((s, i) => {
        if (names.has(s) && (byUser.has(s) || !user)) return;
        const shape = sources.get(t)?.shape ?? t.shape;
        const index = unravel(i, shape);
        names.set(s, own?.[i] ?? elementName(name, shape, index));
        elements.set(s, { of: name, index });
        if (user) byUser.add(s);
      });
    }
  });
  const scalarOutput = scalarsOf.get(output)![0];
  // Scalars the output does not depend on (softmax entries a loss does not pick) are left out.
  const reach = new Set(forwardOrder(scalarOutput));
  const replayed = forwardOrder([...order.flatMap((t) => scalarsOf.get(t)!), scalarOutput]).filter((s) => reach.has(s));
  return { output: scalarOutput, names, elements, leafScalars: leaves, order: replayed };
}
