// What each subcommand accepts and how its help reads. Kept apart from the commands themselves so
// that `chainrule <command> --help` answers without loading the library.
import type { CommandSpec } from './args.js';

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const SCHEDULES = ['none', 'step', 'cosine', 'plateau', 'warmup-cosine'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];
export const BACKENDS = ['js', 'native'] as const;
/** The models --model knows by name; anything else must be a .json file. */
export const MODEL_NAMES = ['mlp', 'cnn'] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * What `chainrule train` (and so `npm start`) does with no options. Measured on the 2-core
 * development machine with the native backend: the CNN reaches 97.40–97.65% on the bundled test
 * split in 15 epochs (seeds 0–2, 47–54 s per run); the 784-128-10 MLP stops near 96% however it
 * is tuned (SGD or Adam, wider, dropout, 20 epochs). On the js backend a CNN epoch takes about 20 s.
 */
export const TRAIN_DEFAULTS = {
  model: 'cnn',
  epochs: 15,
  batchSize: 64,
  optimizer: 'sgd' as OptimizerName,
  schedule: 'cosine' as ScheduleName,
  seed: 0,
} as const;

/** Learning rates that train the built-in models well with each optimizer. */
export const DEFAULT_LR: Readonly<Record<OptimizerName, number>> = { sgd: 0.05, adam: 1e-3, adamw: 1e-3, rmsprop: 1e-3 };
/** Momentum when --momentum is not given (Adam and AdamW use betas instead). */
export const DEFAULT_MOMENTUM: Readonly<Record<'sgd' | 'rmsprop', number>> = { sgd: 0.9, rmsprop: 0 };

const DATA_HELP = `where the examples come from: the bundled MNIST ('mnist', the default; 8,000 train,
2,000 test), a directory with MNIST's standard IDX file names,
idx:<images>,<labels>, or a CSV file (one example per row)`;

const backendOption = {
  type: 'string', value: 'js|native', description: 'the compute backend (default: native when built, else js)',
} as const;

export const TRAIN: CommandSpec = {
  name: 'train',
  brief: 'train a model and write it, its history and loss/accuracy charts',
  summary: 'Trains a model, shows its progress, writes the model, history.json and loss/accuracy\ncharts (SVG and PNG) into --out, and prints the test accuracy.',
  usage: ['train [options]'],
  options: {
    data: { type: 'string', value: '<spec>', description: DATA_HELP },
    label: { type: 'string', value: '<column>', description: 'for CSV data: the label column, by index (negative from the end) or\nheader name (default: the last column)' },
    model: { type: 'string', value: '<name|file.json>', description: `mlp (784-128-10, ReLU), cnn (two 3×3 convolutions with max-pooling,\nthen a linear layer), or a JSON file describing a Sequential (default: ${TRAIN_DEFAULTS.model})` },
    epochs: { type: 'string', value: '<n>', description: `passes over the training data (default ${TRAIN_DEFAULTS.epochs})` },
    'batch-size': { type: 'string', value: '<n>', description: `examples per step (default ${TRAIN_DEFAULTS.batchSize})` },
    optimizer: { type: 'string', value: '<name>', description: `sgd, adam, adamw or rmsprop (default ${TRAIN_DEFAULTS.optimizer})` },
    lr: { type: 'string', value: '<rate>', description: `learning rate (default ${DEFAULT_LR.sgd} for sgd, ${DEFAULT_LR.adam} for the others)` },
    momentum: { type: 'string', value: '<m>', description: `momentum of sgd or rmsprop (default ${DEFAULT_MOMENTUM.sgd} for sgd, ${DEFAULT_MOMENTUM.rmsprop} for rmsprop)` },
    'weight-decay': { type: 'string', value: '<w>', description: 'L2 penalty (decoupled for adamw; default 0, 0.01 for adamw)' },
    schedule: { type: 'string', value: '<name>', description: `learning-rate schedule per epoch: none, step (÷10 every third of the\nrun), cosine, plateau (halve when the validation loss stalls) or\nwarmup-cosine (default ${TRAIN_DEFAULTS.schedule})` },
    'val-split': { type: 'string', value: '<fraction>', description: 'hold out this fraction of the training data for the validation\ncurves (default 0: the curves show the test data)' },
    limit: { type: 'string', value: '<n>', description: 'use only the first n training examples (quick runs and tests)' },
    seed: { type: 'string', value: '<n>', description: `seeds initial weights, shuffling and splits (default ${TRAIN_DEFAULTS.seed})` },
    backend: backendOption,
    out: { type: 'string', value: '<dir>', description: 'output directory (default runs/<date>-<time>)' },
    quiet: { type: 'boolean', short: 'q', description: 'no progress bar or chart; the summary lines only' },
  },
  positionals: { min: 0, max: 0, names: '' },
  notes: [
    'Files written into --out: model.safetensors (reload it with `load` from chainrule/node or\n`chainrule evaluate`), history.json, loss.svg, loss.png, accuracy.svg, accuracy.png.',
    'A data file without a test part (idx:… or CSV) is split 80/20, stratified by label, with --seed.',
  ],
  examples: [
    'chainrule train',
    'chainrule train --model mlp --optimizer adam --epochs 5 --out runs/mlp',
    'chainrule train --data ./mnist --model layers.json',
    'chainrule train --data iris.csv --label species --model iris.json --epochs 50',
  ],
};

export const EVALUATE: CommandSpec = {
  name: 'evaluate',
  brief: "a saved model's loss, accuracy and confusion matrix on a data set",
  summary: 'Prints the loss, accuracy and confusion matrix of a saved model on a data set.',
  usage: ['evaluate --model-file <path> [--data <spec>]'],
  options: {
    'model-file': { type: 'string', value: '<path>', description: 'a model saved by `chainrule train` (or `save` in chainrule/node)' },
    data: { type: 'string', value: '<spec>', description: `as for train: the bundled MNIST's test split by default, the t10k files\nof a directory, or all of an idx:… or CSV file` },
    label: { type: 'string', value: '<column>', description: 'for CSV data: the label column (default: the last)' },
    'batch-size': { type: 'string', value: '<n>', description: 'examples per forward pass (default 500)' },
    backend: backendOption,
  },
  positionals: { min: 0, max: 0, names: '' },
  examples: ['chainrule evaluate --model-file runs/mlp/model.safetensors', 'chainrule evaluate --model-file model.safetensors --data ./mnist'],
};

export const PREDICT: CommandSpec = {
  name: 'predict',
  brief: 'classify a PNG image or a CSV row with a saved model',
  summary: 'Classifies one example: a PNG image (28×28 for the MNIST models) or one row of a CSV file,\nand prints the class and the probability of each class.',
  usage: ['predict --model-file <path> <image.png>', 'predict --model-file <path> <file.csv> --row <n>'],
  options: {
    'model-file': { type: 'string', value: '<path>', description: 'a model saved by `chainrule train`' },
    row: { type: 'string', value: '<n>', description: 'for a CSV file: the row to classify, 1 = the first row after any header' },
    label: { type: 'string', value: '<column>', description: 'for a CSV file with a label column: which one (default: the last, when\nthe row has one field more than the model takes)' },
    backend: backendOption,
  },
  positionals: { min: 1, max: 1, names: 'one input file (a .png image or a .csv file)' },
  notes: [
    'Images become grey levels in [0, 1], light ink on a dark ground as in MNIST: an image that is\nmostly light is inverted, and where an image has transparency its opacity is the ink.',
  ],
  examples: ['chainrule predict --model-file runs/mlp/model.safetensors digit.png', 'chainrule predict --model-file model.safetensors test.csv --row 3'],
};

export const EXPLAIN: CommandSpec = {
  name: 'explain',
  brief: "print a lecture's worked example as a backprop ledger",
  summary: "Runs one of the lectures' worked examples through the library and prints its backprop ledger\n(value, upstream, local and downstream gradient of every node), checked against the lecture.",
  usage: ['explain <example> [--format text|markdown|json]', 'explain --list'],
  options: {
    format: { type: 'string', value: '<format>', description: 'text (default: tables for the terminal), markdown, or json (the ledger)' },
    list: { type: 'boolean', description: 'list the examples' },
  },
  positionals: { min: 0, max: 1, names: 'one example name' },
  examples: ['chainrule explain --list', 'chainrule explain net-2-2-1', 'chainrule explain neuron --format markdown > neuron.md'],
};

export const COMMANDS: readonly CommandSpec[] = [TRAIN, EVALUATE, PREDICT, EXPLAIN];

export function topLevelHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `chainrule ${version}: train, evaluate and explain neural networks with chainrule.`,
    '',
    'Usage: chainrule <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.brief}`),
    '',
    'Options:',
    '  -h, --help     show this help (chainrule <command> --help for a command)',
    '  -v, --version  print the version',
    '',
    'Exit status: 0 on success, 1 when something failed, 2 for a command line that is not understood.',
    'Errors are one line; CHAINRULE_DEBUG=1 adds the stack trace.',
    '',
  ].join('\n');
}
