// --optimizer, --lr, --momentum, --weight-decay and --schedule as optim objects.
import { optim, type Tensor, type SchedulerLike } from '../index.js';
import { DEFAULT_LR, DEFAULT_MOMENTUM, type OptimizerName, type ScheduleName } from './commands.js';
import { checkOptimizerChoice } from './train-options.js';

export interface OptimizerChoice {
  name: OptimizerName;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
}

/** The settings an optimizer ran with, defaults filled in (null: the optimizer has no momentum). */
export interface OptimizerSettings {
  lr: number;
  momentum: number | null;
  weightDecay: number;
}

/** The optimizer, the settings it got, and those in words (for the run's header line). */
export function makeOptimizer(params: Tensor[], choice: OptimizerChoice): { optimizer: optim.Optimizer; settings: OptimizerSettings; describe: string } {
  checkOptimizerChoice(choice);
  const { name } = choice;
  const lr = choice.lr ?? DEFAULT_LR[name];
  const momentum = name === 'sgd' || name === 'rmsprop' ? choice.momentum ?? DEFAULT_MOMENTUM[name] : null;
  // 0.01 is PyTorch's default for AdamW: the decoupled decay is the point of choosing it.
  const weightDecay = choice.weightDecay ?? (name === 'adamw' ? 0.01 : 0);
  const settings = { lr, momentum, weightDecay };
  const describe = `${name} lr ${lr}${momentum === null ? '' : ` momentum ${momentum}`}${weightDecay === 0 ? '' : ` weight decay ${weightDecay}`}`;
  const optimizer = name === 'sgd' ? new optim.SGD(params, { lr, momentum: momentum ?? 0, weightDecay })
    : name === 'rmsprop' ? new optim.RMSprop(params, { lr, momentum: momentum ?? 0, weightDecay })
      : name === 'adam' ? new optim.Adam(params, { lr, weightDecay })
        : new optim.AdamW(params, { lr, weightDecay });
  return { optimizer, settings, describe };
}

/**
 * A per-epoch schedule over a run of `epochs`. `monitor` is the epoch-log key a plateau schedule
 * watches (fit() passes its value to step()).
 */
export function makeScheduler(name: ScheduleName, optimizer: optim.Optimizer, epochs: number): { scheduler?: SchedulerLike; monitor?: string; describe: string } {
  switch (name) {
    case 'none':
      return { describe: 'constant lr' };
    case 'step': {
      // Two drops by 10 over the run, wherever it ends: the classic ImageNet shape, scaled.
      const stepSize = Math.max(1, Math.floor(epochs / 3));
      return { scheduler: new optim.StepLR(optimizer, stepSize, { gamma: 0.1 }), describe: `lr ÷10 every ${stepSize} epoch(s)` };
    }
    case 'cosine':
      return { scheduler: new optim.CosineAnnealingLR(optimizer, epochs), describe: `cosine lr decay over ${epochs} epoch(s)` };
    case 'plateau':
      return {
        scheduler: new optim.ReduceLROnPlateau(optimizer, { factor: 0.5, patience: 1 }),
        monitor: 'valLoss',
        describe: 'lr halved when the validation loss stalls for 2 epochs',
      };
    case 'warmup-cosine': {
      // A tenth of the run (at least one epoch) rising from 10% of the lr, then cosine decay. A
      // run of one epoch has no room to warm up: it trains at the full rate.
      if (epochs < 2) return { scheduler: new optim.CosineAnnealingLR(optimizer, epochs), describe: 'no warm-up in a run of 1 epoch; cosine decay' };
      const warmup = Math.max(1, Math.round(epochs / 10));
      const linear = new optim.LinearLR(optimizer, { startFactor: 0.1, totalIters: warmup });
      const cosine = new optim.CosineAnnealingLR(optimizer, epochs - warmup);
      return { scheduler: new optim.SequentialLR(optimizer, [linear, cosine], [warmup]), describe: `${warmup} warm-up epoch(s), then cosine decay` };
    }
  }
}
