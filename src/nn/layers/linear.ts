import { zeros } from '../../tensor/creation.js';
import { assertDType, isFloat, type DType } from '../../tensor/dtype.js';
import type { Generator } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { linear } from '../functional.js';
import { kaimingUniform_, uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Where the initial values come from (default: the seeded default generator). */
  generator?: Generator;
}

/**
 * The fully connected layer y = x·Wᵀ + b, with weight W of shape [out, in] (row j holds the weights
 * into output j, PyTorch's layout) and bias [out]. Both start as U(−1/√in, 1/√in), PyTorch's
 * default (kaiming uniform with a = √5), drawn from the seeded generator.
 * @example
 * const fc = new nn.Linear(784, 128);
 * fc.forward(x);   // x [N, 784] → [N, 128]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    for (const [name, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Linear: ${name} must be a non-negative integer, got ${String(v)}`);
    }
    const dtype = assertDType(options.dtype ?? 'float32', 'Linear: dtype');
    if (!isFloat(dtype)) throw new TypeError(`Linear: dtype must be 'float32' or 'float64', got '${dtype}'`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = (options.bias ?? true) ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters(options.generator);
  }

  /** Draws fresh initial values (PyTorch's reset_parameters). */
  resetParameters(generator?: Generator): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias !== null) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound, { generator });
    }
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
