// `chainrule train`: options → data, model, optimizer → fit() with a progress bar → test score →
// model file, history.json, charts, and the text chart and test accuracy on stdout.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { data, evaluate, fit, io, manualSeed, nn, type Callback, type Tensor } from '../index.js';
import { ProgressBar, save } from '../node/index.js';
import { CliError, type Parsed } from './args.js';
import { selectBackend } from './backend.js';
import { firstRows, loadTrainingData, splitOff, type Labeled } from './data.js';
import { checkFits, createModel, shapeDataset } from './models.js';
import { makeOptimizer, makeScheduler } from './optimizer.js';
import { readTrainOptions } from './train-options.js';
import { lossChartText, runRecord, writeRunFiles } from './run-files.js';

export async function run({ values }: Parsed): Promise<void> {
  const o = readTrainOptions(values);
  const started = Date.now();
  const backend = selectBackend(values);
  // Seeded before the model is built: the initial weights and dropout masks come from it.
  manualSeed(o.seed);
  const { model, describe } = await createModel(o.model);
  const loaded = await loadTrainingData(o.data, { seed: o.seed, label: o.label });
  const make = (x: Tensor, y: Tensor): InstanceType<typeof data.TensorDataset> => new data.TensorDataset(x, y);
  const shaped = (l: Labeled): Labeled => ({ source: l.source, data: shapeDataset(model, l.data, l.source, make) });

  let train = shaped({ source: o.limit === undefined ? loaded.train.source : `${loaded.train.source}, first ${o.limit}`, data: firstRows(loaded.train.data, o.limit ?? Infinity) });
  const test = shaped(loaded.test);
  let validation = test;
  if (o.valSplit > 0) {
    const { kept, held } = splitOff(train.data, o.valSplit, o.seed, '--val-split');
    validation = { source: `${Math.round(o.valSplit * 100)}% of the training data`, data: held };
    train = { source: train.source, data: kept };
  }
  const classes = checkFits(model, train.data, `the training data (${train.source})`);
  checkFits(model, test.data, `the test data (${test.source})`);
  // Made once the model and data are known to fit (a mistake leaves no empty run behind), and
  // before training, so an unwritable place fails now rather than after the run.
  const outDir = await makeOutDir(o.out);

  const { optimizer, settings, describe: optimizerText } = makeOptimizer(model.parameters(), { name: o.optimizer, lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  const { scheduler, monitor, describe: scheduleText } = makeScheduler(o.schedule, optimizer, o.epochs);
  const print = (line: string): boolean => process.stdout.write(`${line}\n`);
  print(`model: ${describe}, ${classes} classes`);
  print(`data: ${train.data.length} training examples (${train.source}); validation: ${validation.data.length} (${validation === test ? 'the test data' : validation.source}); test: ${test.data.length} (${test.source})`);
  print(`training: ${o.epochs} epoch(s), batch ${o.batchSize}, ${optimizerText}, ${scheduleText}, seed ${o.seed}, backend ${backend}`);

  const loader = new data.DataLoader(train.data, { batchSize: o.batchSize, shuffle: true, seed: o.seed });
  const evalLoader = (ds: Labeled): InstanceType<typeof data.DataLoader> => new data.DataLoader(ds.data, { batchSize: 500 });
  const loss = new nn.CrossEntropyLoss();
  const timer = epochTimer();
  const history = fit(model, loader, {
    epochs: o.epochs, optimizer, loss, scheduler, schedulerMonitor: monitor, metrics: ['accuracy'],
    validation: evalLoader(validation),
    callbacks: o.quiet ? [timer] : [new ProgressBar(), timer],
    verbose: o.quiet ? (line) => print(line) : false,
  });
  const scores = evaluate(model, evalLoader(test), { loss, metrics: ['accuracy'] });

  const options: Record<string, string | number | boolean | null | undefined> = { ...o, ...settings, data: o.data ?? 'mnist', out: outDir };
  const record = runRecord(history, timer.seconds, {
    command: 'chainrule train', version: io.VERSION, backend, model: describe,
    data: {
      train: train.source, validation: validation.source, test: test.source,
      trainExamples: train.data.length, validationExamples: validation.data.length, testExamples: test.data.length,
    },
    options: Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v ?? null])),
    test: { loss: scores.loss, accuracy: scores.accuracy },
    seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
  });
  save(model, join(outDir, 'model.safetensors'), {
    metadata: { 'training.options': JSON.stringify(record.options), 'training.test_accuracy': String(scores.accuracy) },
  });
  const files = await writeRunFiles(outDir, history, record, validation === test ? 'validation (test data)' : 'validation');
  print(`wrote ${outDir}: ${['model.safetensors', ...files].join(', ')}`);
  if (!o.quiet) process.stdout.write(`\n${lossChartText(history)}\n`);
  print(`test loss: ${scores.loss.toFixed(4)}`);
  print(`test accuracy: ${(100 * scores.accuracy).toFixed(2)}%`);
}

/** A callback that records each epoch's wall time, for history.json. */
function epochTimer(): Callback & { seconds: number[] } {
  let start = 0;
  const seconds: number[] = [];
  return {
    seconds,
    onEpochBegin: () => { start = Date.now(); },
    onEpochEnd: () => { seconds.push((Date.now() - start) / 1000); },
  };
}

/** --out, or runs/<date>-<time>, created if need be. */
async function makeOutDir(out: string | undefined): Promise<string> {
  const dir = out ?? join('runs', timestamp());
  try {
    const existing = await stat(dir).catch(() => null);
    if (existing !== null && !existing.isDirectory()) throw new CliError(`--out ${dir}: a file of that name exists; expected a directory`);
    await mkdir(dir, { recursive: true });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`--out ${dir}: cannot create the directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return dir;
}

/** 20261122-081530: sortable, and free of characters some file systems refuse (':'). */
function timestamp(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
