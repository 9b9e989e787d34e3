// explain(): the backprop ledger of a scalar. The gradients come from the engine's own backward
// pass, observed node by node (the `observe` hook of gradients()), so the ledger shows what the
// library computed rather than a second derivation; the graph is kept (retainGraph) and no
// .grad is written, so the user's tensors are left as they were.
import { gradients } from '../autograd/backward.js';
import { withGradMode } from '../ops/grad-mode.js';
import type { Node } from '../ops/op.js';
import { onesLike } from '../tensor/creation.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { aliases, forwardOrder } from './graph.js';
import {
  LEDGER_SCHEMA, type Ledger, type LedgerElement, type LedgerLeaf, type LedgerNode, type LedgerUpdate, type LedgerValues,
} from './ledger.js';
import { elementNames, isConstant, Namer, storageSources, userNames, type ElementNames, type TensorNames } from './names.js';
import { expression, localFormula, localKind } from './notation.js';
import { scalarize } from './scalarize.js';

export interface ExplainOptions {
  /** Names for tensors, so rows read like the lecture: `{ x, y, z, q }`, or model.namedParameters(). */
  names?: TensorNames;
  /** Names for the elements of tensors in the scalar view: `new Map([[W1, [['w1', 'w3'], ['w2', 'w4']]]])`. */
  elementNames?: ElementNames;
  /**
   * 'tensor' (default): one node per recorded op. 'scalar': the computation replayed on one
   * number per element, each tensor op expanded to scalar ops (a matrix product into products
   * and sums, a softmax into exps, a sum and divisions…): the lectures' neuron-by-neuron view.
   */
  expand?: 'tensor' | 'scalar';
  /** The most scalar nodes the scalar view may make (default 2000); beyond it explain throws. */
  limit?: number;
  /** A learning rate η: the ledger then holds the SGD step w ← w − η·∂L/∂w (computed, not applied). */
  lr?: number;
  /** The tensors the step updates (default: every leaf that requires grad). */
  params?: readonly Tensor[];
  /** Show reshape nodes (default false: a reshape stands for its input, as the values are the same). */
  showReshapes?: boolean;
}

const DEFAULT_LIMIT = 2000;

interface Context {
  names: ReadonlyMap<Tensor, string>;
  elements: ReadonlyMap<Tensor, LedgerElement> | null;
  view: 'tensor' | 'scalar';
  lr: number | null;
  params: readonly Tensor[] | null;
  showReshapes: boolean;
  /** The graph in forward order, where the caller knows a better one than forwardOrder's. */
  order: readonly Tensor[] | null;
}

/**
 * The backprop ledger of a scalar built with the library: for each node in topological order its
 * op, forward value, upstream gradient, local gradients and the downstream gradient it sends to
 * each input (upstream × local = downstream); the leaves with their gradients; and, given `lr`,
 * the SGD step. Call it before backward() (or after backward({ retainGraph: true })).
 * @example
 * const q = x.add(y), f = q.mul(z);
 * console.log(renderTable(explain(f, { names: { x, y, z, q, f } })));
 */
export function explain(output: Tensor, options: ExplainOptions = {}): Ledger {
  checkOutput(output);
  if (typeof options !== 'object' || options === null) throw new TypeError(`explain: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const expand = options.expand ?? 'tensor';
  if (expand !== 'tensor' && expand !== 'scalar') throw new RangeError(`explain: expand must be 'tensor' or 'scalar', got ${JSON.stringify(expand)}`);
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`explain: limit must be a positive integer, got ${String(limit)}`);
  const lr = options.lr ?? null;
  if (lr !== null && (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0)) throw new RangeError(`explain: lr must be a finite number ≥ 0, got ${String(lr)}`);
  const params = options.params ?? null;
  if (params !== null && (!Array.isArray(params) || !params.every((p) => p instanceof Tensor))) throw new TypeError('explain: params must be an array of Tensors');
  const names = userNames(options.names);
  const perElement = elementNames(options.elementNames);
  const showReshapes = options.showReshapes ?? false;
  if (expand === 'tensor') return build(output, { names, elements: null, view: 'tensor', lr, params, showReshapes, order: null });

  const scalar = scalarize(output, names, perElement, limit);
  const scalarParams = params === null ? null : params.flatMap((p, i) => {
    const leaves = scalar.leafScalars.get(p);
    if (leaves === undefined) throw new RangeError(`explain: params[${i}] is not a leaf of this graph`);
    return leaves;
  });
  return build(scalar.output, { names: scalar.names, elements: scalar.elements, view: 'scalar', lr, params: scalarParams, showReshapes: true, order: scalar.order });
}

function checkOutput(output: unknown): asserts output is Tensor {
  if (!(output instanceof Tensor)) throw new TypeError(`explain: the output must be a Tensor, got ${output === null ? 'null' : typeof output}`);
  if (output.size !== 1) {
    throw new RangeError(`explain: the output must be a single number (a loss), got shape [${output.shape.join(', ')}]; reduce it first, e.g. with .sum()`);
  }
  if (!output.requiresGrad) {
    throw new Error('explain: the output does not require grad: no tensor on its path has requiresGrad set (or it was computed inside noGrad), so there is nothing to backpropagate');
  }
}

/** A tensor's elements, with its shape or another of the same size. */
export function values(t: Tensor, shape: Shape = t.shape): LedgerValues {
  return { shape: [...shape], data: Array.from(t.data) };
}

interface Observed {
  upstream: Tensor;
  downstream: readonly (Tensor | null)[];
}

/**
 * The local gradients of a node as numbers: its VJP applied to an upstream of ones. For an
 * elementwise op that is ∂yᵢ/∂xᵢ per element; for a one-element output, ∂y/∂x.
 */
function localGradients(node: Node, downstream: readonly (Tensor | null)[]): (Tensor | null)[] {
  const needs = node.inputs.map((_, j) => downstream[j] !== null);
  const vjp = node.op.vjp;
  if (vjp === 'not-differentiable' || !needs.some(Boolean)) return needs.map(() => null);
  const locals = withGradMode(false, () => vjp(onesLike(node.output), node, needs));
  return needs.map((need, j) => (need ? locals[j] ?? null : null));
}

function build(output: Tensor, c: Context): Ledger {
  const order = c.order ?? forwardOrder(output);
  const alias = aliases(order, output, c.showReshapes);
  const resolve = (t: Tensor): Tensor => alias.get(t) ?? t;
  // A tensor that stands for one the user named (a hidden reshape's input, a leaf sharing a named
  // tensor's storage) takes its name, and is shown in its shape: the same elements, in the order
  // and shape the user wrote.
  const given = new Map(c.names);
  const shapeOf = new Map<Tensor, Shape>();
  for (const [t, u] of storageSources(c.names.keys(), order)) {
    if (given.has(t)) continue;
    given.set(t, c.names.get(u)!);
    shapeOf.set(t, u.shape);
  }
  for (const [t, source] of alias) {
    const name = c.names.get(t);
    if (name === undefined || given.has(source)) continue;
    given.set(source, name);
    shapeOf.set(source, t.shape);
  }
  const shown = (t: Tensor, v: Tensor): LedgerValues => values(v, v.size === t.size ? shapeOf.get(t) ?? t.shape : v.shape);
  const namer = new Namer(given, output, c.view === 'scalar' ? '#' : '');
  const visible = order.filter((t) => !alias.has(t));
  const ids = new Map<Tensor, string>();
  let leafCount = 0;
  let nodeCount = 0;
  const uses = new Map<Tensor, number>();
  for (const t of visible) {
    namer.nameOf(t);
    ids.set(t, t.gradFn === null ? `l${leafCount++}` : `n${nodeCount++}`);
    if (t.gradFn !== null) for (const x of t.gradFn.inputs) uses.set(resolve(x), (uses.get(resolve(x)) ?? 0) + 1);
  }

  const targets = visible.filter((t) => t.gradFn === null && t.requiresGrad);
  const observed = new Map<Node, Observed>();
  const found = gradients([output], targets, null, {
    retainGraph: true,
    allowUnused: true,
    observe: (node, upstream, downstream) => observed.set(node, { upstream, downstream }),
  });
  const gradOf = new Map<Tensor, Tensor | null>(targets.map((t, i) => [t, found[i]]));

  const nodes: LedgerNode[] = [];
  const leaves: LedgerLeaf[] = [];
  for (const t of visible) {
    const id = ids.get(t)!;
    const name = namer.nameOf(t);
    const element = c.elements?.get(t) ?? null;
    const node = t.gradFn;
    if (node === null) {
      const g = gradOf.get(t) ?? null;
      const kind = t.requiresGrad ? 'variable' : isConstant(t) && !given.has(t) ? 'constant' : 'input';
      leaves.push({ id, name, kind, value: shown(t, t), requiresGrad: t.requiresGrad, grad: g === null ? null : shown(t, g), element });
      continue;
    }
    const seen = observed.get(node);
    const kind = localKind(node);
    const locals = seen === undefined || kind === 'jacobian' ? null : localGradients(node, seen.downstream);
    const inputNames = node.inputs.map((x) => namer.nameOf(resolve(x)));
    nodes.push({
      id,
      name,
      op: node.op.name,
      expression: expression(node, name, inputNames),
      rule: typeof node.op.local === 'function' ? node.op.local(node) : node.op.local ?? '',
      localKind: kind,
      value: shown(t, t),
      upstream: seen === undefined ? null : shown(t, seen.upstream),
      inputs: node.inputs.map((x, j) => {
        const r = resolve(x);
        const local = locals?.[j] ?? null;
        const down = seen?.downstream[j] ?? null;
        return {
          id: ids.get(r)!,
          name: inputNames[j],
          formula: localFormula(node, name, inputNames, j),
          local: local === null ? null : shown(r, local),
          downstream: down === null ? null : shown(r, down),
          shared: (uses.get(r) ?? 0) > 1,
        };
      }),
      element,
    });
  }
  return {
    schema: LEDGER_SCHEMA,
    view: c.view,
    dtype: output.dtype === 'float32' ? 'float32' : 'float64',
    output: namer.nameOf(output),
    outputId: ids.get(output)!,
    value: output.data[0],
    nodes,
    leaves,
    update: c.lr === null ? null : sgdStep(c.lr, c.params ?? targets, leaves, ids),
  };
}

/** The step w ← w − η·∂L/∂w for each parameter, from the ledger's gradients; nothing is changed. */
function sgdStep(lr: number, params: readonly Tensor[], leaves: readonly LedgerLeaf[], ids: ReadonlyMap<Tensor, string>): LedgerUpdate {
  const rows = params.map((p, i) => {
    const leaf = leaves.find((l) => l.id === ids.get(p));
    if (leaf === undefined || !leaf.requiresGrad) throw new RangeError(`explain: params[${i}] is not a leaf of this graph that requires grad`);
    const grad = leaf.grad ?? { shape: leaf.value.shape, data: new Array<number>(p.size).fill(0) };
    return { id: leaf.id, name: leaf.name, old: leaf.value, grad, new: { shape: leaf.value.shape, data: leaf.value.data.map((w, k) => w - lr * grad.data[k]) } };
  });
  return { lr, rows };
}
