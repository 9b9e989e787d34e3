// Every way `chainrule` refuses: one line on stderr that names the problem, no stack trace,
// exit code 2 for a command line it cannot understand and 1 for anything else.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run-cli.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
const file = (name: string, text: string): string => {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
};

// Four features and three classes: a data set of the wrong shape for the MNIST models.
const rows = Array.from({ length: 30 }, (_, i) => `${i % 3},${(i * 7) % 5},${i % 2},${(i * 3) % 4},${i % 3}`);
const smallCsv = file('small.csv', `a,b,c,d,label\n${rows.join('\n')}\n`);
const badLayer = file('bad-layer.json', '[{"type": "Linear", "args": [4, 8]}, {"type": "Relu"}]');
const notJson = file('not.json', '[{"type": "Linear",');
const notModel = file('notes.safetensors', 'hello, this is not a model file at all');
const image = file('image.png', 'not really a PNG');
const absent = join(tmp.dir, 'absent');

interface Case {
  args: string[];
  code: 1 | 2;
  message: RegExp;
}

const cases: Record<string, Case> = {
  'an unknown command': { args: ['fit'], code: 2, message: /^chainrule: unknown command 'fit'; the commands are train, evaluate, predict, explain/ },
  'an unknown top-level option': { args: ['--verbose'], code: 2, message: /^chainrule: unknown option --verbose/ },
  'an unknown option': { args: ['train', '--epoch', '3'], code: 2, message: /^chainrule train: unknown option --epoch; see chainrule train --help$/ },
  'a missing option value': { args: ['train', '--epochs'], code: 2, message: /^chainrule train: option --epochs needs a value$/ },
  'a value given to a flag': { args: ['train', '--quiet=yes'], code: 2, message: /^chainrule train: option --quiet takes no value$/ },
  'a stray argument': { args: ['train', 'mnist'], code: 2, message: /^chainrule train: unexpected argument 'mnist'/ },
  'a count that is not a positive integer': { args: ['train', '--epochs', '0'], code: 2, message: /^chainrule train: --epochs must be a positive integer, got '0'$/ },
  'a fractional batch size': { args: ['train', '--batch-size', '6.5'], code: 2, message: /--batch-size must be a positive integer, got '6\.5'/ },
  'a learning rate that is not a number': { args: ['train', '--lr', 'fast'], code: 2, message: /^chainrule train: --lr must be a number ≥ 0, got 'fast'$/ },
  'a zero learning rate': { args: ['train', '--lr', '0'], code: 2, message: /--lr must be greater than 0/ },
  'momentum out of range': { args: ['train', '--momentum', '1.5'], code: 2, message: /--momentum must be a number in \[0, 1\), got '1\.5'/ },
  'an unknown optimizer': { args: ['train', '--optimizer', 'lbfgs'], code: 2, message: /--optimizer must be one of sgd, adam, adamw, rmsprop; got 'lbfgs'/ },
  'an unknown schedule': { args: ['train', '--schedule', 'cyclic'], code: 2, message: /--schedule must be one of none, step, cosine, plateau, warmup-cosine/ },
  'momentum for adam': { args: ['train', '--optimizer', 'adam', '--momentum', '0.9'], code: 2, message: /--momentum applies to sgd and rmsprop; adam has its own/ },
  'an unknown backend': { args: ['train', '--backend', 'gpu'], code: 2, message: /--backend must be one of js, native; got 'gpu'/ },
  'an unknown model': { args: ['train', '--model', 'resnet'], code: 2, message: /--model must be mlp, cnn or a \.json file; got 'resnet'/ },
  'a missing data file': { args: ['train', '--data', join(tmp.dir, 'none.csv')], code: 1, message: /^chainrule train: --data: no such file or directory: .*none\.csv$/ },
  'a malformed idx pair': { args: ['train', '--data', 'idx:only-one-file'], code: 2, message: /expected idx:<images file>,<labels file>/ },
  'a directory without MNIST files': { args: ['train', '--data', tmp.dir, '--model', 'mlp'], code: 1, message: /no train images file; expected train-images-idx3-ubyte/ },
  'data of the wrong shape for the model': {
    args: ['train', '--data', smallCsv, '--model', 'mlp', '--out', join(tmp.dir, 'run')], code: 1,
    message: /^chainrule train: the training data \(.*small\.csv, 80%\): examples of 4 values do not fit the model: .*784/,
  },
  'data too small for the CNN': {
    args: ['train', '--data', smallCsv, '--model', 'cnn', '--out', join(tmp.dir, 'run')], code: 1,
    message: /^chainrule train: the training data \(.*small\.csv, 80%\): examples of 4 values \(as \[1, 2, 2\]\) do not fit the model: conv2d: /,
  },
  'more classes than the model scores': {
    args: ['train', '--data', smallCsv, '--model', file('two.json', '[{"type": "Linear", "args": [4, 2]}]'), '--out', join(tmp.dir, 'run')], code: 1,
    message: /the labels run from 0 to 2, but the model scores 2 classes/,
  },
  'an unknown layer type in a model file': { args: ['train', '--data', smallCsv, '--model', badLayer], code: 1, message: /bad-layer\.json: architecture at '1': unknown layer type 'Relu'/ },
  'a model file that is not JSON': { args: ['train', '--model', notJson], code: 1, message: /not\.json is not valid JSON/ },
  'an output path that is a file': { args: ['train', '--out', smallCsv], code: 1, message: /--out .*small\.csv: a file of that name exists/ },
  'evaluate without --model-file': { args: ['evaluate'], code: 2, message: /^chainrule evaluate: --model-file <path> is required/ },
  'a missing model file': { args: ['evaluate', '--model-file', absent], code: 1, message: /^chainrule evaluate: --model-file: no such file: .*absent$/ },
  'a file that is not a model': { args: ['evaluate', '--model-file', notModel], code: 1, message: /^chainrule evaluate: --model-file .*notes\.safetensors: / },
  'predict without an input': { args: ['predict', '--model-file', notModel], code: 2, message: /^chainrule predict: missing one input file/ },
  'predict on an unsupported file type': { args: ['predict', '--model-file', notModel, 'digit.jpg'], code: 2, message: /expected a \.png image or a \.csv file to classify; got 'digit\.jpg'/ },
  'predict on a CSV without --row': { args: ['predict', '--model-file', notModel, smallCsv], code: 2, message: /--row <n> is required with a CSV file/ },
  'predict on a broken PNG': {
    args: ['predict', '--model-file', join(tmp.dir, 'tiny', 'model.safetensors'), image], code: 1,
    message: /image\.png is not a PNG image that can be read/,
  },
  'explain an unknown example': { args: ['explain', 'backprop'], code: 2, message: /^chainrule explain: unknown example 'backprop'; the examples are graph, neuron/ },
  'explain with an unknown format': { args: ['explain', 'neuron', '--format', 'html'], code: 2, message: /--format must be one of text, markdown, json/ },
};

describe('chainrule errors', () => {
  it.concurrent.each(Object.entries(cases))('%s', async (_, { args, code, message }) => {
    if (args.includes(join(tmp.dir, 'tiny', 'model.safetensors'))) {
      // A real model file, so that predict gets as far as reading the image.
      const made = await runCli(['train', '--data', smallCsv, '--model', file('tiny.json', '[{"type": "Linear", "args": [4, 3]}]'), '--epochs', '1', '--out', join(tmp.dir, 'tiny'), '--quiet']);
      expect(made.code).toBe(0);
    }
    const result = await runCli(args);
    // Everything on stderr is the one message (the native backend's note aside).
    const lines = result.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('chainrule: the native backend is unavailable'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.code).toBe(code);
  });
});
