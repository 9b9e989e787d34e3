import { enableGrad, isGradEnabled } from '../ops/grad-mode.js';
import { zerosLike } from '../tensor/creation.js';
import { isFloat } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { gradients } from './backward.js';

export interface GradOptions {
  /** Which arguments to differentiate with respect to: one index (default 0) or a list. */
  argnums?: number | readonly number[];
}

type Fn = (...args: Tensor[]) => Tensor;
type Grads<O extends GradOptions> = O['argnums'] extends readonly number[] ? Tensor[] : Tensor;

function argnumsOf(options: GradOptions, args: readonly Tensor[], fn: string): number[] {
  const raw = options.argnums ?? 0;
  const list = typeof raw === 'number' ? [raw] : [...raw];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= args.length) {
      throw new RangeError(`${fn}: argnums ${JSON.stringify(raw)} is out of range for ${args.length} argument(s)`);
    }
    if (!(args[i] instanceof Tensor)) throw new TypeError(`${fn}: argument ${i} must be a Tensor to differentiate with respect to it`);
    if (!isFloat(args[i].dtype)) {
      throw new TypeError(`${fn}: argument ${i} is ${args[i].dtype}; only float tensors can be differentiated (use .to('float32') first)`);
    }
  }
  return list;
}

/**
 * Whether y depends on a tensor that requires grad other than the fresh leaves made here (an
 * argument not differentiated, or a tensor captured by f), while recording is on. An outer grad
 * or backward may then differentiate through this result, so the backward pass must be recorded
 * too; otherwise that outer derivative would silently miss the path through the gradient.
 */
function tracedFromOutside(y: Tensor, fresh: ReadonlySet<Tensor>): boolean {
  if (!isGradEnabled()) return false;
  const seen = new Set<Tensor>();
  const stack = [y];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    if (t.gradFn === null) {
      if (t.requiresGrad && !fresh.has(t)) return true;
      continue;
    }
    for (const x of t.gradFn.inputs) if (x.requiresGrad) stack.push(x);
  }
  return false;
}

/**
 * Differentiates through the arguments. An argument that already requires grad (inside an outer
 * grad, or a parameter) is used as it is and the gradient is recorded, so the result can be
 * differentiated again: this is what makes grad(grad(f)) a second derivative.
 */
function differentiate(f: Fn, args: readonly Tensor[], argnums: readonly number[], cotangent: Tensor | null, fn: string): [Tensor, Tensor[]] {
  const inputs = args.slice();
  const fresh = new Set<Tensor>();
  for (const i of argnums) {
    const x = args[i];
    if (x.requiresGrad && isGradEnabled()) continue;
    inputs[i] = x.detach().requiresGrad_(true);
    fresh.add(inputs[i]);
  }
  const y = enableGrad(() => f(...inputs));
  if (!(y instanceof Tensor)) throw new TypeError(`${fn}: the function must return a Tensor, got ${typeof y}`);
  const nested = tracedFromOutside(y, fresh);
  if (cotangent === null && y.size !== 1) {
    throw new RangeError(`${fn}: the function must return a scalar (one element) to take its gradient, got shape ${formatShape(y.shape)}; use vjp for other outputs`);
  }
  const targets = argnums.map((i) => inputs[i]);
  if (!y.requiresGrad) return [y, targets.map((x) => zerosLike(x))];
  const gs = gradients([y], targets, [cotangent], { createGraph: nested, retainGraph: nested, allowUnused: true });
  return [nested ? y : y.detach(), gs.map((g, j) => g ?? zerosLike(targets[j]))];
}

/**
 * The gradient function of a scalar-valued f, as in JAX: grad(f)(x) is ∂f/∂x.
 * @example
 * const d2 = grad(grad((x: Tensor) => x.pow(3).sum()));   // 6x
 */
export function grad<O extends GradOptions>(f: Fn, options: O = {} as O): (...args: Tensor[]) => Grads<O> {
  return (...args) => valueAndGrad(f, options)(...args)[1];
}

/** Like grad, returning [f(args), gradients] from one forward pass. */
export function valueAndGrad<O extends GradOptions>(f: Fn, options: O = {} as O): (...args: Tensor[]) => [Tensor, Grads<O>] {
  if (typeof f !== 'function') throw new TypeError(`valueAndGrad: f must be a function, got ${typeof f}`);
  return (...args) => {
    const argnums = argnumsOf(options, args, 'grad');
    const [value, gs] = differentiate(f, args, argnums, null, 'grad');
    return [value, (typeof (options.argnums ?? 0) === 'number' ? gs[0] : gs) as Grads<O>];
  };
}

/**
 * The output of f at primals and a function from an output cotangent to the cotangents of all
 * primals (the vector–Jacobian product).
 * @example
 * const [y, back] = vjp((x) => x.tanh(), x);
 * const [dx] = back(ones(y.shape));
 */
export function vjp(f: Fn, ...primals: Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  const argnums = primals.map((_, i) => i);
  argnumsOf({ argnums }, primals, 'vjp');
  // Evaluate once; each call of the returned function runs a backward pass over the kept graph.
  const inputs = primals.map((x) => (x.requiresGrad && isGradEnabled() ? x : x.detach().requiresGrad_(true)));
  const y = enableGrad(() => f(...inputs));
  if (!(y instanceof Tensor)) throw new TypeError(`vjp: the function must return a Tensor, got ${typeof y}`);
  const nested = tracedFromOutside(y, new Set(inputs.filter((x, i) => x !== primals[i])));
  const back = (cotangent: Tensor): Tensor[] => {
    if (!y.requiresGrad) return inputs.map((x) => zerosLike(x));
    const gs = gradients([y], inputs, [cotangent], { createGraph: nested, retainGraph: true, allowUnused: true });
    return gs.map((g, j) => g ?? zerosLike(inputs[j]));
  };
  return [nested ? y : y.detach(), back];
}
