import type { Tensor } from '../tensor/tensor.js';

// Structural interfaces: fit() needs only these few members, so nn.Module and the optim
// classes satisfy them as they are, and so does anything a user writes by hand.

/** What fit() trains: nn.Module satisfies it. */
export interface Trainable {
  forward(x: Tensor): Tensor;
  parameters(): Tensor[];
  /** Training mode (dropout active, batch norm updating its statistics). */
  train(mode?: boolean): unknown;
  /** Inference mode. */
  eval(): unknown;
  /** The current mode, when the model tells: evaluate() and predict() restore it afterwards. */
  readonly training?: boolean;
}

/** What fit() steps: every optim optimizer satisfies it. */
export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
}

/** A loss: a function of (output, target), or a loss module such as nn.CrossEntropyLoss. */
export type LossFunction =
  | ((output: Tensor, target: Tensor) => Tensor)
  | { forward(output: Tensor, target: Tensor): Tensor };

/**
 * A learning-rate scheduler, stepped once per epoch. ReduceLROnPlateau-style schedulers take the
 * monitored value (see FitOptions.schedulerMonitor); the others take nothing.
 */
export interface SchedulerLike {
  step(metric?: number): void;
  getLastLr?(): number[];
}

/** Named numbers: the loss, metrics and learning rate of a batch or an epoch. */
export type Logs = Record<string, number>;

/** A batch as loaders yield it. */
export type Batch = readonly [x: Tensor, y: Tensor];

/**
 * Batches to iterate over, once per epoch: a DataLoader, or any re-iterable collection of
 * [x, y] (an array of batches works). `length`, when present, is the number of batches, which
 * progress bars use.
 */
export type Batches = Iterable<Batch> & { readonly length?: number };

export function lossValue(loss: LossFunction, output: Tensor, target: Tensor): Tensor {
  return typeof loss === 'function' ? loss(output, target) : loss.forward(output, target);
}
