// Names for the rows of the ledger: the user's where given (x, y, z, q, f; w1…w8; h_a …), and
// otherwise made from what a tensor is, so that every row can be read and referred to.
import { Tensor } from '../tensor/tensor.js';
import { formatNumber } from './format.js';

/**
 * Names for tensors: an object { name: tensor } (write `{ x, y, z }`), or pairs [name, tensor]
 * such as a Map or `model.namedParameters()`.
 */
export type TensorNames = Readonly<Record<string, Tensor>> | Iterable<readonly [string, Tensor]>;

/** Names for the elements of one tensor, row-major, flat or nested like the tensor. */
export type NestedNames = string | readonly NestedNames[];

/** Element names per tensor, for the scalar view: a Map, or pairs [tensor, names]. */
export type ElementNames = Iterable<readonly [Tensor, NestedNames]>;

function isIterable(value: object): value is Iterable<unknown> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

function checkName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`explain: ${where} must be a non-empty string, got ${JSON.stringify(name)}`);
  return name;
}

/** The user's names by tensor. A tensor given two names keeps the first. */
export function userNames(names: TensorNames | undefined): Map<Tensor, string> {
  const byTensor = new Map<Tensor, string>();
  if (names === undefined || names === null) return byTensor;
  if (typeof names !== 'object') throw new TypeError(`explain: names must be an object of tensors or [name, tensor] pairs, got ${typeof names}`);
  const pairs: Iterable<readonly [string, unknown]> = isIterable(names) ? names : Object.entries(names);
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('explain: names must hold [name, tensor] pairs');
    const name = checkName(pair[0], 'a name');
    const t: unknown = pair[1];
    if (!(t instanceof Tensor)) throw new TypeError(`explain: names['${name}'] must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (!byTensor.has(t)) byTensor.set(t, name);
  }
  return byTensor;
}

/** The element names by tensor, flattened and checked against each tensor's size. */
export function elementNames(names: ElementNames | undefined): Map<Tensor, string[]> {
  const byTensor = new Map<Tensor, string[]>();
  if (names === undefined || names === null) return byTensor;
  if (typeof names !== 'object' || !isIterable(names)) throw new TypeError('explain: elementNames must be a Map or [tensor, names] pairs');
  for (const pair of names) {
    if (!Array.isArray(pair) || pair.length !== 2 || !(pair[0] instanceof Tensor)) throw new TypeError('explain: elementNames must hold [tensor, names] pairs');
    const t: Tensor = pair[0];
    const flat: string[] = [];
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(visit);
      else flat.push(checkName(n, 'an element name'));
    };
    visit(pair[1]);
    if (flat.length !== t.size) {
      throw new RangeError(`explain: elementNames gives ${flat.length} names for a tensor of ${t.size} elements (shape [${t.shape.join(', ')}])`);
    }
    byTensor.set(t, flat);
  }
  return byTensor;
}

/** The name of element `index` of a tensor called `name`: `W[0,1]`, or just `name` for one element. */
export function elementName(name: string, shape: readonly number[], index: readonly number[]): string {
  return shape.reduce((n, d) => n * d, 1) === 1 ? name : `${name}[${index.join(',')}]`;
}

/** The multi-index of flat (row-major) position i. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return index;
}

/**
 * Gives every tensor a name in forward order. Unnamed tensors get: the output, 'L'; a number
 * used as an operand, its value ('0.5'); a leaf that requires grad, 'leaf1', 'leaf2'…; other
 * leaves, 'input1'…; a node's output, its op and a count per op ('mul1', 'sigmoid2'). In the
 * scalar view the partial products and sums inside an expanded op are marked with '#'
 * ('mul#3'), so they cannot be mistaken for the tensors of the tensor view.
 */
export class Namer {
  private readonly counts = new Map<string, number>();
  private readonly names = new Map<Tensor, string>();

  constructor(private readonly given: ReadonlyMap<Tensor, string>, private readonly output: Tensor, private readonly mark: '' | '#') {}

  nameOf(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    const name = this.given.get(t) ?? this.make(t);
    this.names.set(t, name);
    return name;
  }

  /** Whether the tensor's name came from the user rather than from make(). */
  isGiven(t: Tensor): boolean {
    return this.given.has(t);
  }

  private make(t: Tensor): string {
    if (t === this.output) return 'L';
    if (t.gradFn !== null) return this.next(t.gradFn.op.name, this.mark);
    if (isConstant(t)) return formatNumber(t.data[0]);
    return this.next(t.requiresGrad ? 'leaf' : 'input', '');
  }

  private next(base: string, mark: string): string {
    const n = (this.counts.get(base) ?? 0) + 1;
    this.counts.set(base, n);
    return `${base}${mark}${n}`;
  }
}

/**
 * A reshape of a tensor that needs no gradient is not recorded: it makes a new leaf that shares
 * the tensor's storage (conv1d's input, viewed in 4-D). For each such leaf among `tensors`, the
 * tensor of `named` whose storage it shares: the one it stands for, whose name and shape it takes.
 */
export function storageSources(named: Iterable<Tensor>, tensors: readonly Tensor[]): Map<Tensor, Tensor> {
  const byStorage = new Map<Tensor['data'], Tensor>();
  for (const u of named) if (!byStorage.has(u.data)) byStorage.set(u.data, u);
  const sources = new Map<Tensor, Tensor>();
  for (const t of tensors) {
    const u = t.gradFn === null ? byStorage.get(t.data) : undefined;
    if (u !== undefined && u !== t) sources.set(t, u);
  }
  return sources;
}

/** A one-element leaf that does not require grad: a number the computation used. */
export function isConstant(t: Tensor): boolean {
  return t.gradFn === null && !t.requiresGrad && t.size === 1;
}
