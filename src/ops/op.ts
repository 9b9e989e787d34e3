import type { Backend } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * One recorded application of an op: the lectures' graph node. It holds data, not closures, so
 * backward and explain can walk it: the op, its inputs, its attributes and its output.
 */
export class Node<A = unknown> {
  /** Set once a backward pass without retainGraph has freed this node. */
  released = false;
  constructor(
    readonly op: OpDef<A>,
    public inputs: readonly Tensor[],
    readonly attrs: A,
    /** The tensor this node produced. */
    public output: Tensor,
  ) {}
}

/**
 * The vector–Jacobian product of an op: from the upstream gradient `g` (shaped like the output)
 * to one downstream gradient per input, written with ops so that it can itself be
 * differentiated. `needs[i]` says whether input i wants a gradient; return null where it does
 * not. The engine sums each result down to its input's shape (undoing broadcasting) and casts
 * it to the input's dtype, so rules never do.
 */
export type Vjp<A> = (g: Tensor, node: Node<A>, needs: readonly boolean[]) => readonly (Tensor | null)[];

/** A primitive: a forward computed by backend kernels, and its derivative rule. */
export interface OpDef<A = unknown> {
  /** The op's public name; also its label in errors and in the backprop ledger. */
  readonly name: string;
  forward(be: Backend, xs: readonly Tensor[], attrs: A): Tensor;
  readonly vjp: Vjp<A> | 'not-differentiable';
  /**
   * The local gradient in the lectures' notation, for explain; a function where it depends on
   * the node (conv2d's has a bias term only when the node has a bias input).
   */
  readonly local?: string | ((node: Node<A>) => string);
}

export function defineOp<A = undefined>(def: OpDef<A>): OpDef<A> {
  return def;
}
