// Walking the graph that a scalar was recorded with, in forward order, for explain. The walk uses
// an explicit stack (deep graphs must not overflow the call stack, as in backward()).
import type { Node } from '../ops/op.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Every tensor the output depends on through recorded nodes, each after the inputs of its node:
 * leaves (inputs, weights, constants) and node outputs alike, the output last. Given several
 * roots, the tensors that lead to each come in the roots' order.
 */
export function forwardOrder(roots: Tensor | readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  for (const root of roots instanceof Tensor ? [roots] : roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    visit(root, seen, order);
  }
  return order;
}

function visit(root: Tensor, seen: Set<Tensor>, order: Tensor[]): void {
  const stack: Tensor[] = [root];
  const next: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const t = stack[top];
    const node = t.gradFn;
    if (node !== null) checkAlive(node);
    const inputs = node === null ? null : node.inputs;
    if (inputs !== null && next[top] < inputs.length) {
      const x = inputs[next[top]++];
      if (!seen.has(x)) {
        seen.add(x);
        stack.push(x);
        next.push(0);
      }
    } else {
      stack.pop();
      next.pop();
      order.push(t);
    }
  }
}

function checkAlive(node: Node): void {
  if (node.released) {
    throw new Error(
      `explain: the graph through '${node.op.name}' was freed by a backward() call; call explain before backward(), ` +
      'or pass { retainGraph: true } to that backward()',
    );
  }
}

/**
 * Reshapes change how elements are indexed, not their values, and the library inserts them
 * around many ops (conv1d runs as conv2d on a reshaped input). Hidden, each reshape's output
 * stands for its input: the ledger shows the op the user wrote. The output itself is never
 * hidden.
 */
export function aliases(order: readonly Tensor[], output: Tensor, showReshapes: boolean): Map<Tensor, Tensor> {
  const alias = new Map<Tensor, Tensor>();
  if (showReshapes) return alias;
  for (const t of order) {
    const node = t.gradFn;
    if (node === null || t === output || node.op.name !== 'reshape') continue;
    const source = node.inputs[0];
    alias.set(t, alias.get(source) ?? source);
  }
  return alias;
}
