// The options of `chainrule train`, read and checked without loading the library, so that a
// mistake on the command line is answered at once (main.ts checks them before the import).
import { choiceOption, CliError, intOption, numberOption, stringOption, type OptionValues } from './args.js';
import { MODEL_NAMES, OPTIMIZERS, SCHEDULES, TRAIN_DEFAULTS, type OptimizerName, type ScheduleName } from './commands.js';

export interface TrainOptions {
  data: string | undefined;
  label: string | undefined;
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number | undefined;
  momentum: number | undefined;
  weightDecay: number | undefined;
  schedule: ScheduleName;
  valSplit: number;
  limit: number | undefined;
  seed: number;
  out: string | undefined;
  quiet: boolean;
}

/** Every option checked before anything is loaded, so a typo costs no waiting. */
export function readTrainOptions(values: OptionValues): TrainOptions {
  const o: TrainOptions = {
    data: stringOption(values, 'data'),
    label: stringOption(values, 'label'),
    model: stringOption(values, 'model') ?? TRAIN_DEFAULTS.model,
    epochs: intOption(values, 'epochs', TRAIN_DEFAULTS.epochs),
    batchSize: intOption(values, 'batch-size', TRAIN_DEFAULTS.batchSize),
    optimizer: choiceOption(values, 'optimizer', OPTIMIZERS, TRAIN_DEFAULTS.optimizer),
    lr: positive(numberOption(values, 'lr', 0), 'lr'),
    momentum: numberOption(values, 'momentum', 0, 1),
    weightDecay: numberOption(values, 'weight-decay', 0),
    schedule: choiceOption(values, 'schedule', SCHEDULES, TRAIN_DEFAULTS.schedule),
    valSplit: numberOption(values, 'val-split', 0, 1) ?? 0,
    limit: values.limit === undefined ? undefined : intOption(values, 'limit', 1),
    seed: intOption(values, 'seed', TRAIN_DEFAULTS.seed, 0, 2 ** 32 - 1),
    out: stringOption(values, 'out'),
    quiet: values.quiet === true,
  };
  checkOptimizerChoice({ name: o.optimizer, momentum: o.momentum });
  if (!(MODEL_NAMES as readonly string[]).includes(o.model) && !/\.json$/i.test(o.model)) {
    throw new CliError(`--model must be ${MODEL_NAMES.join(', ')} or a .json file; got '${o.model}'`, 2);
  }
  return o;
}

function positive(v: number | undefined, name: string): number | undefined {
  if (v === 0) throw new CliError(`--${name} must be greater than 0`, 2);
  return v;
}

/** Refuses settings the chosen optimizer has no use for (rather than ignoring them silently). */
export function checkOptimizerChoice(choice: { name: OptimizerName; momentum?: number }): void {
  if (choice.momentum !== undefined && choice.name !== 'sgd' && choice.name !== 'rmsprop') {
    throw new CliError(`--momentum applies to sgd and rmsprop; ${choice.name} has its own moment estimates (betas)`, 2);
  }
}
