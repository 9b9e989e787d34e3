import { isFloat } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A tensor that a Module learns: assigning one to a module's property registers it, so
 * `parameters()`, `stateDict()` and optimizers find it. It requires grad unless told otherwise,
 * and only float tensors can be parameters (gradients of integers do not exist).
 * @example
 * this.scale = new nn.Parameter(ones([features]));
 */
export class Parameter extends Tensor {
  /** Wraps `data`'s storage (shared, not copied, as PyTorch's nn.Parameter). */
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) {
      throw new TypeError(`Parameter: expected a Tensor, got ${data === null ? 'null' : typeof data}`);
    }
    if (!isFloat(data.dtype)) {
      throw new TypeError(`Parameter: only float tensors can be parameters; got ${data.dtype} (convert with .to('float32') first)`);
    }
    super(data.data, data.shape.slice(), data.dtype);
    this.requiresGrad_(requiresGrad);
  }
}
