import type { Generator } from '../tensor/random.js';
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
export type Batches = Iterable<Batch> & {
  readonly length?: number;
  /**
   * The generator its shuffles draw from, when it has one of its own (a DataLoader built with
   * `seed` or `generator`): fit() hands it to callbacks and to resumeFrom as 'loader', so that a
   * checkpoint saves and restores it.
   */
  readonly generator?: Generator;
};

/**
 * The objects a resumed run's state goes back into: those fit() was given, and the generators
 * it knows the run draws from besides the default one (see Batches.generator).
 */
export interface ResumeTargets {
  readonly model: Trainable;
  readonly optimizer: OptimizerLike;
  readonly scheduler?: SchedulerLike;
  readonly generators: Readonly<Record<string, Generator>>;
}

/**
 * A saved run that fit() continues (FitOptions.resumeFrom): io.checkpoint(bytes), or
 * checkpointFile(path) from 'chainrule/node'. The training layer defines only this shape, so it
 * does not depend on how or where checkpoints are stored.
 */
export interface Resumable {
  /** The epochs the saved run had completed: fit() goes on with epoch `epoch` (counted from 0). */
  readonly epoch: number;
  /**
   * Puts the saved state into the targets, all or nothing: when it throws, nothing has changed.
   * fit() calls it once, before training and before any callback.
   */
  restore(targets: ResumeTargets): void;
}

export function lossValue(loss: LossFunction, output: Tensor, target: Tensor): Tensor {
  return typeof loss === 'function' ? loss(output, target) : loss.forward(output, target);
}
