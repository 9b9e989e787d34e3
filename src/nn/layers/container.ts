import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

/** A module that maps one tensor to one tensor: what Sequential can chain. */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Applies its modules in order, each to the previous one's output. The modules are registered
 * under the names '0', '1', …, so parameters are named '0.weight', '2.bias', … as in PyTorch.
 * @example
 * const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * model.at(0);   // the first Linear
 */
export class Sequential extends Module {
  #length = 0;

  constructor(...modules: TensorModule[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Adds a module at the end. */
  append(module: TensorModule): this {
    if (!(module instanceof Module)) {
      throw new TypeError(`Sequential: item ${this.#length} must be an nn.Module, got ${module === null ? 'null' : typeof module}`);
    }
    this.registerModule(String(this.#length), module);
    this.#length++;
    return this;
  }

  /** How many modules it holds. */
  get length(): number {
    return this.#length;
  }

  /** The module at index i (negative counts from the end), as PyTorch's model[i]. */
  at(index: number): TensorModule {
    const i = index < 0 ? index + this.#length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) {
      throw new RangeError(`Sequential.at: index ${index} is out of range for ${this.#length} modules`);
    }
    return (this as unknown as Record<string, TensorModule>)[String(i)];
  }

  [Symbol.iterator](): Iterator<TensorModule> {
    const items: TensorModule[] = [];
    for (let i = 0; i < this.#length; i++) items.push(this.at(i));
    return items[Symbol.iterator]();
  }

  forward(input: Tensor): Tensor {
    let x = input;
    for (let i = 0; i < this.#length; i++) x = this.at(i).forward(x);
    return x;
  }
}
