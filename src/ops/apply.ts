import { getBackend } from '../backend/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { Node, type OpDef } from './op.js';

/**
 * Runs an op forward on the current backend and, when recording is on and an input requires
 * grad, records the node that backward will visit. This is the whole dispatch path, so it stays
 * short: one kernel call, one tensor, at most one node.
 */
export function apply<A>(op: OpDef<A>, xs: readonly Tensor[], attrs: A): Tensor {
  const y = op.forward(getBackend(), xs, attrs);
  if (op.vjp !== 'not-differentiable' && isGradEnabled()) {
    for (let i = 0; i < xs.length; i++) {
      if (xs[i].requiresGrad) {
        // A node's attrs are typed by its op; the tensor keeps the erased form.
        y.gradFn = new Node(op, xs, attrs, y) as unknown as Node;
        y.markRequiresGrad();
        break;
      }
    }
  }
  return y;
}
