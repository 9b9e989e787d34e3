// --data: the bundled MNIST, a directory of MNIST-named IDX files, an idx:<images>,<labels>
// pair or a CSV file, as train/test datasets (train) or one dataset to score (evaluate).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { data, Generator } from '../index.js';
import { loadMnist, readCsv, readMnistIdx } from '../node/index.js';
import { CliError } from './args.js';

type TensorDataset = InstanceType<typeof data.TensorDataset>;

/** A dataset and where it came from, in words for the terminal. */
export interface Labeled {
  data: TensorDataset;
  source: string;
}

export interface TrainingData {
  train: Labeled;
  test: Labeled;
}

type Source =
  | { kind: 'mnist' }
  | { kind: 'idx-dir'; dir: string }
  | { kind: 'idx'; images: string; labels: string }
  | { kind: 'csv'; path: string };

/** The share of a single data file held out for testing when it has no test part of its own. */
export const TEST_FRACTION = 0.2;

/** Training and test data: a source's own test part, or a stratified split seeded with `seed`. */
export async function loadTrainingData(spec: string | undefined, options: { seed: number; label?: string }): Promise<TrainingData> {
  const source = await resolve(spec);
  switch (source.kind) {
    case 'mnist': {
      const { train, test } = await loadMnist();
      return { train: { data: train, source: 'bundled MNIST, train split' }, test: { data: test, source: 'bundled MNIST, test split' } };
    }
    case 'idx-dir':
      return {
        train: { data: await readMnistIdx(...(await idxPair(source.dir, 'train'))), source: `${source.dir} (train files)` },
        test: { data: await readMnistIdx(...(await idxPair(source.dir, 't10k'))), source: `${source.dir} (t10k files)` },
      };
    case 'idx':
    case 'csv': {
      const whole = await readSingle(source, options.label);
      const { kept, held } = splitOff(whole.data, TEST_FRACTION, options.seed, '--data');
      const pct = Math.round(TEST_FRACTION * 100);
      return { train: { data: kept, source: `${whole.source}, ${100 - pct}%` }, test: { data: held, source: `${whole.source}, the other ${pct}%` } };
    }
  }
}

/** The data to score a model on: a source's test part, or all of a single file. */
export async function loadEvaluationData(spec: string | undefined, options: { label?: string }): Promise<Labeled> {
  const source = await resolve(spec);
  if (source.kind === 'mnist') return { data: (await loadMnist()).test, source: 'bundled MNIST, test split' };
  if (source.kind === 'idx-dir') return { data: await readMnistIdx(...(await idxPair(source.dir, 't10k'))), source: `${source.dir} (t10k files)` };
  return readSingle(source, options.label);
}

/** The first n examples (all of them when there are fewer). */
export function firstRows(ds: TensorDataset, n: number): TensorDataset {
  if (n >= ds.length) return ds;
  return new data.TensorDataset(ds.x.slice(0, 0, n), ds.y.slice(0, 0, n));
}

/** A stratified split: `fraction` of each class held out, chosen by a generator seeded with `seed`. */
export function splitOff(ds: TensorDataset, fraction: number, seed: number, what: string): { kept: TensorDataset; held: TensorDataset } {
  const { train, test } = data.stratifiedSplit(ds.y.data, fraction, new Generator(seed));
  if (train.length === 0 || test.length === 0) {
    throw new CliError(`${what}: ${ds.length} example(s) are too few to hold out ${Math.round(fraction * 100)}% and keep the rest`);
  }
  const rows = (idx: Int32Array): TensorDataset => new data.TensorDataset(data.gatherRows(ds.x, idx), data.gatherRows(ds.y, idx));
  return { kept: rows(train), held: rows(test) };
}

async function resolve(spec: string | undefined): Promise<Source> {
  if (spec === undefined || spec === 'mnist') return { kind: 'mnist' };
  if (spec.startsWith('idx:')) {
    const parts = spec.slice(4).split(',');
    if (parts.length !== 2 || parts.some((p) => p === '')) throw new CliError(`--data ${spec}: expected idx:<images file>,<labels file>`, 2);
    for (const p of parts) await mustExist(p, 'file');
    return { kind: 'idx', images: parts[0], labels: parts[1] };
  }
  const kind = await mustExist(spec, 'any');
  if (kind === 'dir') return { kind: 'idx-dir', dir: spec };
  if (/\.csv$/i.test(spec)) return { kind: 'csv', path: spec };
  throw new CliError(`--data ${spec}: expected a directory of IDX files, idx:<images>,<labels> or a .csv file`, 2);
}

async function mustExist(path: string, want: 'file' | 'any'): Promise<'file' | 'dir'> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new CliError(`--data: no such file or directory: ${path}`);
  }
  if (isDir && want === 'file') throw new CliError(`--data: ${path} is a directory; expected a file`);
  return isDir ? 'dir' : 'file';
}

async function readSingle(source: Source & { kind: 'idx' | 'csv' }, label: string | undefined): Promise<Labeled> {
  if (source.kind === 'idx') return { data: await readMnistIdx(source.images, source.labels), source: `${source.images} + ${source.labels}` };
  return { data: await readCsv(source.path, { label: labelColumn(label) }), source: source.path };
}

/** --label: a column index when it reads as an integer, else a header name. */
export function labelColumn(label: string | undefined): number | string {
  if (label === undefined) return -1;
  return /^[+-]?\d+$/.test(label.trim()) ? Number(label) : label;
}

/** The images and labels files of one part ('train' or 't10k') under MNIST's usual names. */
async function idxPair(dir: string, part: 'train' | 't10k'): Promise<[string, string]> {
  const find = async (kind: 'images' | 'labels', dims: 1 | 3): Promise<string> => {
    // The original site names them train-images-idx3-ubyte(.gz); some mirrors use a dot instead.
    const names = [`${part}-${kind}-idx${dims}-ubyte`, `${part}-${kind}.idx${dims}-ubyte`].flatMap((n) => [n, `${n}.gz`]);
    for (const name of names) {
      try {
        if ((await stat(join(dir, name))).isFile()) return join(dir, name);
      } catch {
        // Not this spelling; try the next.
      }
    }
    throw new CliError(`--data ${dir}: no ${part} ${kind} file; expected ${names[0]} or ${names[1]} (optionally .gz)`);
  };
  return [await find('images', 3), await find('labels', 1)];
}
