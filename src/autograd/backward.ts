import type { Recycler } from '../backend/recycler.js';
import { getBackend } from '../backend/registry.js';
import { withGradMode } from '../ops/grad-mode.js';
import type { Node, OpDef } from '../ops/op.js';
import { OPS } from '../ops/registry.js';
import { formatShape, sameShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again (PyTorch's retain_graph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so gradients can be differentiated again. */
  createGraph?: boolean;
  /**
   * Called at each node the pass visits, after its VJP: the node, its upstream gradient (the
   * total that reached its output) and the downstream gradient sent to each input (already
   * summed to that input's shape; null where none flows). It lets explain record the lectures'
   * upstream × local = downstream ledger from the engine itself rather than a second copy of
   * it. The tensors are the pass's own and are never modified afterwards: keep them if needed.
   */
  observe?: BackwardObserver;
}

export type BackwardObserver = (node: Node, upstream: Tensor, downstream: readonly (Tensor | null)[]) => void;

let epoch = 0;

// The `needs` masks of one- and two-input nodes, shared rather than allocated per node (vjp rules
// only read them). Indexed by a bit per input.
const NEEDS1: readonly (readonly boolean[])[] = [[false], [true]];
const NEEDS2: readonly (readonly boolean[])[] = [[false, false], [true, false], [false, true], [true, true]];
const NO_INPUTS: readonly Tensor[] = [];

function needsOf(inputs: readonly Tensor[]): readonly boolean[] {
  if (inputs.length === 1) return NEEDS1[inputs[0].requiresGrad ? 1 : 0];
  if (inputs.length === 2) return NEEDS2[(inputs[0].requiresGrad ? 1 : 0) | (inputs[1].requiresGrad ? 2 : 0)];
  return inputs.map((x) => x.requiresGrad);
}

/**
 * The tensors that lead to the roots through recorded nodes, roots first and every tensor
 * before the inputs of its node: reverse topological order, found with an explicit stack so
 * deep graphs cannot overflow the call stack.
 */
function topologicalOrder(roots: readonly Tensor[]): Tensor[] {
  const mark = ++epoch;
  const postorder: Tensor[] = [];
  // Each frame is a tensor and how many of its node's inputs were already pushed.
  const stack: Tensor[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (root.mark === mark) continue;
    root.mark = mark;
    stack.push(root);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const t = stack[top];
      const node = t.gradFn;
      if (node !== null && node.released) {
        throw new Error(
          `backward: the graph through '${node.op.name}' was freed by an earlier backward(); ` +
          'pass { retainGraph: true } to the first backward() to run backward through it again',
        );
      }
      const inputs = node === null ? null : node.inputs;
      if (inputs !== null && next[top] < inputs.length) {
        const x = inputs[next[top]++];
        if (x.requiresGrad && x.mark !== mark) {
          x.mark = mark;
          stack.push(x);
          next.push(0);
        }
      } else {
        stack.pop();
        next.pop();
        postorder.push(t);
      }
    }
  }
  return postorder.reverse();
}

/** Sums a gradient over the dimensions that broadcasting added or stretched, back to `shape`. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < g.ndim; d++) {
    if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) axes.push(d);
  }
  return g.sum(axes, true).reshape(shape);
}

// The library's own ops, whose gradient rules keep nothing they are given. Built on first use:
// this module and the ops' modules import each other.
let builtIn: ReadonlySet<OpDef> | null = null;
const isBuiltIn = (op: OpDef): boolean => (builtIn ??= new Set(Object.values(OPS))).has(op);

/**
 * The buffers a finished pass leaves reachable: every .grad on the graph (a leaf's may be a view of
 * a gradient the pass made), the gradients it returns, and the ones it was given.
 */
function liveBuffers(order: readonly Tensor[], found: readonly (Tensor | null)[], given: readonly Tensor[]): Set<ArrayBufferLike> {
  const live = new Set<ArrayBufferLike>();
  for (const t of order) if (t.grad !== null) live.add(t.grad.data.buffer);
  for (const t of found) if (t !== null) live.add(t.data.buffer);
  for (const t of given) live.add(t.data.buffer);
  return live;
}

interface Pass {
  roots: readonly Tensor[];
  rootGrads: readonly Tensor[];
  retainGraph: boolean;
  createGraph: boolean;
  /** Tensors whose gradients are returned (autograd.grad); null to accumulate into .grad. */
  targets: readonly Tensor[] | null;
  observe?: BackwardObserver;
}

/**
 * The backward pass of the lectures: visit nodes from the output back, and at each one turn the
 * upstream gradient into downstream gradients (upstream × local), adding up the contributions
 * that reach a tensor used more than once.
 */
function run(pass: Pass): (Tensor | null)[] {
  const order = topologicalOrder(pass.roots);
  const targets = pass.targets;
  const found: (Tensor | null)[] = targets === null ? [] : targets.map(() => null);
  // The gradients this pass makes die with it unless they are recorded (createGraph), shown to an
  // observer, or reach a .grad or the caller; the backend may reuse the rest (Backend.recycler).
  // A rule of an op defined outside the library might keep its upstream gradient: none then.
  let recycler: Recycler | null = pass.createGraph || pass.observe !== undefined ? null : getBackend().recycler ?? null;
  if (recycler !== null && !recycler.begin()) recycler = null;
  let recyclable = false;
  try {
    for (let i = 0; i < pass.roots.length; i++) {
      const root = pass.roots[i];
      root.pending = root.pending === null ? pass.rootGrads[i] : root.pending.add(pass.rootGrads[i]);
    }
    withGradMode(pass.createGraph, () => {
      for (const t of order) {
        const g = t.pending;
        if (g === null) continue;
        t.pending = null;
        t.pendingOwned = false;
        if (targets !== null) {
          const at = targets.indexOf(t);
          if (at >= 0) found[at] = g;
        } else if (t.retainsGrad) {
          t.grad = t.grad === null ? g : t.grad.add(g);
        }
        const node = t.gradFn;
        if (node === null || node.op.vjp === 'not-differentiable') continue;
        if (recycler !== null && !isBuiltIn(node.op)) {
          recycler.end(null);
          recycler = null;
        }
        const inputs = node.inputs;
        const needs = needsOf(inputs);
        const grads = node.op.vjp(g, node, needs);
        // Only an observed pass collects the downstream gradients; the usual one allocates nothing.
        const sent: (Tensor | null)[] | null = pass.observe === undefined ? null : inputs.map(() => null);
        for (let j = 0; j < inputs.length; j++) {
          const gj = grads[j];
          if (!needs[j] || gj === null || gj === undefined) continue;
          const x = inputs[j];
          let d = sumTo(gj, x.shape);
          if (d !== gj && !sameShape(d.shape, x.shape)) {
            throw new Error(`backward: the gradient rule of '${node.op.name}' gave shape ${formatShape(gj.shape)} for an input of shape ${formatShape(x.shape)}`);
          }
          if (d.dtype !== x.dtype) d = d.to(x.dtype);
          if (sent !== null) sent[j] = d;
          const p = x.pending;
          if (p === null) {
            x.pending = d;
          } else if (x.pendingOwned && !pass.createGraph) {
            // The running sum is a tensor this pass made and nothing else sees: add in place
            // rather than allocate a new tensor per contribution.
            const pd = p.data;
            const dd = d.data;
            for (let i = 0; i < pd.length; i++) pd[i] += dd[i];
          } else {
            x.pending = p.add(d);
            x.pendingOwned = true;
          }
        }
        if (sent !== null) pass.observe!(node, g, sent);
      }
    });
    recyclable = true;
  } finally {
    for (const t of order) {
      t.pending = null;
      t.pendingOwned = false;
    }
    if (recycler !== null) recycler.end(recyclable && recycler.noted ? liveBuffers(order, found, pass.rootGrads) : null);
  }
  if (!pass.retainGraph) {
    // Free what the graph holds, as PyTorch does, so intermediate tensors can be collected.
    for (const t of order) {
      const node = t.gradFn;
      if (node !== null) {
        node.released = true;
        node.inputs = NO_INPUTS;
      }
    }
  }
  return found;
}

function checkGradient(output: Tensor, gradient: Tensor | null, fn: string): Tensor {
  if (!(output instanceof Tensor)) throw new TypeError(`${fn}: outputs must be Tensors`);
  if (!output.requiresGrad) {
    throw new Error(`${fn}: the tensor does not require grad and has no gradFn: no input on its path has requiresGrad set (or it was computed inside noGrad)`);
  }
  if (gradient === null) {
    if (output.size !== 1) {
      throw new RangeError(`${fn}: a gradient can be created implicitly only for a scalar output, but this output has shape ${formatShape(output.shape)}; pass a gradient of that shape: backward(gradient)`);
    }
    const one = new Tensor(output.data.slice(0, 1).fill(1), output.shape, output.dtype);
    return one;
  }
  if (!(gradient instanceof Tensor)) throw new TypeError(`${fn}: gradient must be a Tensor`);
  if (!sameShape(gradient.shape, output.shape)) {
    throw new RangeError(`${fn}: gradient has shape ${formatShape(gradient.shape)} but the output has shape ${formatShape(output.shape)}`);
  }
  return gradient.dtype === output.dtype ? gradient : gradient.to(output.dtype);
}

/** tensor.backward(): accumulates d(output)/d(leaf) into the .grad of every leaf that requires grad. */
export function backward(output: Tensor, gradient: Tensor | null, options: BackwardOptions = {}): void {
  const g = checkGradient(output, gradient, 'backward');
  const createGraph = options.createGraph ?? false;
  run({ roots: [output], rootGrads: [g], retainGraph: options.retainGraph ?? createGraph, createGraph, targets: null, observe: options.observe });
}

export interface GradientsOptions extends BackwardOptions {
  /** Give null (instead of an error) for an input that the outputs do not depend on. */
  allowUnused?: boolean;
}

/**
 * The gradients of outputs with respect to inputs, returned rather than accumulated (PyTorch's
 * torch.autograd.grad). Inputs may be any tensors on the graph, not only leaves.
 */
export function gradients(
  outputs: Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  gradOutputs: readonly (Tensor | null)[] | null = null,
  options: GradientsOptions = {},
): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const rootGrads = outs.map((o, i) => checkGradient(o, gradOutputs?.[i] ?? null, 'gradients'));
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`gradients: inputs[${i}] is not a Tensor`);
    if (!x.requiresGrad) throw new Error(`gradients: inputs[${i}] does not require grad, so no gradient flows to it`);
  });
  const createGraph = options.createGraph ?? false;
  const found = run({ roots: outs, rootGrads, retainGraph: options.retainGraph ?? createGraph, createGraph, targets: inputs, observe: options.observe });
  found.forEach((g, i) => {
    if (g === null && !options.allowUnused) {
      throw new Error(`gradients: inputs[${i}] (shape ${formatShape(inputs[i].shape)}) was not used to compute the outputs; pass { allowUnused: true } to get null for it`);
    }
  });
  return found;
}
