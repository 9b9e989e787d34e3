import { assertDType, isFloat, type DType } from '../tensor/dtype.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';

/** Parameters and buffers by their dotted names (`0.weight`, `bn.runningMean`): copies. */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require the names to match exactly (default true); shapes and dtypes must match always. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  /** Model entries the state dict did not have (only possible with strict: false). */
  missingKeys: string[];
  /** State-dict entries the model does not have (only possible with strict: false). */
  unexpectedKeys: string[];
}

/** Any module, whatever its forward takes and gives. */
export type AnyModule = Module<never[], unknown>;

type Slots = Record<string, unknown>;

/**
 * The base of every layer and network, with PyTorch's semantics. A subclass assigns its
 * parameters and submodules to properties, and they are found by walking the object's own
 * properties in insertion order (integer-like names such as Sequential's '0', '1'… come first, in
 * numeric order, as JavaScript orders them). Buffers (state that is saved but not learned, such as
 * BatchNorm's running statistics) are plain tensors and so must be named with registerBuffer.
 * @example
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: Tensor): Tensor { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * new Net().namedParameters().map(([name]) => name);   // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Whether the module is in training mode (Dropout drops, BatchNorm uses batch statistics). */
  training = true;
  // A true private field is not an own enumerable property, so the registration walk skips it.
  readonly #bufferNames = new Set<string>();

  abstract forward(...inputs: In): Out;

  /** Registers a tensor that is part of the state but not learned; null reserves the name. */
  registerBuffer(name: string, tensor: Tensor | null): void {
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`registerBuffer: '${name}' must be a Tensor or null, got ${describe(tensor)}`);
    }
    this.#assign(name, tensor, 'registerBuffer');
    this.#bufferNames.add(name);
  }

  /** The same as assigning a Parameter (or null) to the property `name`. */
  registerParameter(name: string, parameter: Parameter | null): void {
    if (parameter !== null && !(parameter instanceof Parameter)) {
      throw new TypeError(`registerParameter: '${name}' must be an nn.Parameter or null, got ${describe(parameter)} (wrap a tensor in new nn.Parameter(t))`);
    }
    this.#assign(name, parameter, 'registerParameter');
  }

  /** The same as assigning a Module (or null) to the property `name`. */
  registerModule(name: string, module: AnyModule | null): void {
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`registerModule: '${name}' must be an nn.Module or null, got ${describe(module)}`);
    }
    this.#assign(name, module, 'registerModule');
  }

  #assign(name: string, value: unknown, fn: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new TypeError(`${fn}: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
    }
    const slots = this as unknown as Slots;
    const old = slots[name];
    if (name in this && old !== null && old !== undefined && !(old instanceof Tensor) && !(old instanceof Module)) {
      throw new Error(`${fn}: '${name}' is already an attribute of ${this.constructor.name} that is not a tensor or module`);
    }
    this.#bufferNames.delete(name);
    slots[name] = value;
  }

  /** Own (non-recursive) entries: parameters, buffers and submodules, in property order. */
  #own(): { parameters: [string, Parameter][]; buffers: [string, Tensor][]; children: [string, AnyModule][] } {
    const parameters: [string, Parameter][] = [];
    const buffers: [string, Tensor][] = [];
    const children: [string, AnyModule][] = [];
    for (const [name, value] of Object.entries(this)) {
      if (this.#bufferNames.has(name)) {
        if (value instanceof Tensor) buffers.push([name, value]);
      } else if (value instanceof Parameter) {
        parameters.push([name, value]);
      } else if (value instanceof Module) {
        children.push([name, value as AnyModule]);
      }
    }
    return { parameters, buffers, children };
  }

  /** The direct submodules with their property names. */
  namedChildren(): [string, AnyModule][] {
    const seen = new Set<AnyModule>();
    const out: [string, AnyModule][] = [];
    for (const [name, m] of this.#own().children) {
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
    }
    return out;
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module (named '') and every submodule below it, depth first, each once. */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const stack: [string, AnyModule][] = [[prefix, this as unknown as AnyModule]];
    while (stack.length > 0) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
      const kids = m.#own().children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push([join(name, kids[i][0]), kids[i][1]]);
    }
    return out;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name (e.g. `0.weight`, `fc1.bias`), each once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    return this.#collect(prefix, recurse, (m) => m.#own().parameters);
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** Every buffer (e.g. BatchNorm's `runningMean`) with its dotted name, each once. */
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    return this.#collect(prefix, recurse, (m) => m.#own().buffers);
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  #collect<T extends Tensor>(prefix: string, recurse: boolean, pick: (m: AnyModule) => [string, T][]): [string, T][] {
    const mods: [string, AnyModule][] = recurse ? this.namedModules(prefix) : [[prefix, this as unknown as AnyModule]];
    const seen = new Set<Tensor>();
    const out: [string, T][] = [];
    for (const [modName, m] of mods) {
      for (const [name, t] of pick(m)) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([join(modName, name), t]);
      }
    }
    return out;
  }

  /** Sets training mode here and in every submodule. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`train: mode must be a boolean, got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: the same as train(false). */
  eval(): this {
    return this.train(false);
  }

  /** Forgets every parameter's gradient (sets .grad to null, PyTorch's default). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Turns gradient tracking of every parameter on or off (freezing a model). */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /** Calls fn on every submodule (each child's subtree in turn) and then on this module, as PyTorch. */
  apply(fn: (module: AnyModule) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this as unknown as AnyModule);
    return this;
  }

  /**
   * Converts every float parameter and buffer (and any gradient) to a float dtype, in place: the
   * parameter objects stay the same, so an optimizer built before keeps working. Integer buffers
   * (such as a batch counter) are left as they are.
   */
  to(dtype: DType): this {
    assertDType(dtype, 'Module.to: dtype');
    if (!isFloat(dtype)) throw new TypeError(`Module.to: only float dtypes are allowed, got '${dtype}'`);
    const tensors = new Set<Tensor>([...this.parameters(), ...this.buffers()]);
    for (const t of tensors) {
      if (!isFloat(t.dtype)) continue;
      if (t.dtype !== dtype) t.replaceData(t.detach().to(dtype).data);
      if (t.grad !== null && t.grad.dtype !== dtype) t.grad = t.grad.detach().to(dtype);
    }
    return this;
  }

  /** The live parameters and buffers under their state-dict names, PyTorch's order. */
  #stateEntries(prefix: string, out: [string, Tensor][], path: Set<AnyModule>): void {
    const self = this as unknown as AnyModule;
    if (path.has(self)) throw new Error(`stateDict: ${this.constructor.name} '${prefix}' contains itself`);
    path.add(self);
    const { parameters, buffers, children } = this.#own();
    for (const [name, t] of parameters) out.push([join(prefix, name), t]);
    for (const [name, t] of buffers) out.push([join(prefix, name), t]);
    for (const [name, m] of children) m.#stateEntries(join(prefix, name), out, path);
    path.delete(self);
  }

  /**
   * Copies of every parameter and buffer by dotted name: what a checkpoint holds.
   * @example
   * const sd = model.stateDict();   // { '0.weight': Tensor, '0.bias': Tensor, … }
   */
  stateDict(): StateDict {
    const entries: [string, Tensor][] = [];
    this.#stateEntries('', entries, new Set());
    const out: StateDict = {};
    for (const [name, t] of entries) out[name] = new Tensor(t.data.slice(), t.shape.slice(), t.dtype);
    return out;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers, in place. Every
   * problem (missing names, unexpected names, wrong shapes or dtypes) is found first and reported
   * in one error, and then nothing has been changed.
   */
  loadStateDict(stateDict: StateDict | ReadonlyMap<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new TypeError(`loadStateDict: expected an object of name → Tensor, got ${describe(stateDict)}`);
    }
    const given = new Map<string, unknown>(stateDict instanceof Map ? stateDict : Object.entries(stateDict));
    const entries: [string, Tensor][] = [];
    this.#stateEntries('', entries, new Set());
    const own = new Map(entries);
    const missingKeys = entries.map(([name]) => name).filter((name) => !given.has(name));
    const unexpectedKeys = [...given.keys()].filter((name) => !own.has(name));
    const problems: string[] = [];
    if (strict && missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.map(quote).join(', ')}`);
    if (strict && unexpectedKeys.length > 0) problems.push(`unexpected keys: ${unexpectedKeys.map(quote).join(', ')}`);
    for (const [name, target] of entries) {
      if (!given.has(name)) continue;
      const source = given.get(name);
      if (!(source instanceof Tensor)) {
        problems.push(`${quote(name)} is ${describe(source)}, not a Tensor`);
      } else if (!sameShape(source.shape, target.shape)) {
        problems.push(`size mismatch for ${quote(name)}: the state dict has shape ${formatShape(source.shape)}, the model ${formatShape(target.shape)}`);
      } else if (source.dtype !== target.dtype) {
        problems.push(`dtype mismatch for ${quote(name)}: the state dict has ${source.dtype}, the model ${target.dtype} (convert one with .to('${target.dtype}') / model.to('${source.dtype}'))`);
      }
    }
    if (problems.length > 0) {
      throw new Error(`loadStateDict: error(s) in loading the state dict for ${this.constructor.name}; nothing was changed:\n  ${problems.join('\n  ')}`);
    }
    for (const [name, target] of entries) {
      const source = given.get(name);
      if (source instanceof Tensor) target.data.set(source.data);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** The layer's settings, shown inside its parentheses by toString (e.g. `inFeatures=2, …`). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's printout: the module, its settings and its submodules, indented. */
  toString(): string {
    const kids = this.#own().children;
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const lines = kids.map(([name, m]) => `  (${name}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function quote(name: string): string {
  return `'${name}'`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name ?? 'object';
    return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
  }
  return `${typeof value} ${String(value)}`;
}
