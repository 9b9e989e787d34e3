// What `chainrule train` leaves behind besides the model: history.json, the loss and accuracy
// curves as SVG and PNG, and the text chart printed at the end of the run.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { History, Logs } from '../index.js';
import { lineChart, type PlotSeries } from '../node/plot-svg.js';
import { svgToPng } from '../node/plot-png.js';
import { terminalChart } from '../node/plot-terminal.js';

/** The contents of history.json; `epochs[i]` holds fit()'s logs of epoch i + 1 and its duration. */
export interface RunRecord {
  command: string;
  version: string;
  backend: string;
  model: string;
  data: { train: string; validation: string; test: string; trainExamples: number; validationExamples: number; testExamples: number };
  options: Readonly<Record<string, string | number | boolean | null>>;
  epochs: Array<Logs & { epoch: number; seconds: number }>;
  /** Each epoch's batch losses, in order (what the faint line of loss.svg shows). */
  batchLoss: number[][];
  test: { loss: number; accuracy: number };
  seconds: number;
}

export function runRecord(history: History, seconds: readonly number[], fields: Omit<RunRecord, 'epochs' | 'batchLoss'>): RunRecord {
  return {
    ...fields,
    epochs: history.epochs.map((logs, i) => ({ epoch: i + 1, ...logs, seconds: round(seconds[i] ?? NaN, 3) })),
    batchLoss: history.batches.map((batches) => batches.map((b) => b.loss)),
  };
}

/** The curves per epoch (x = 1, 2, …), with the batch losses spread evenly over their epoch. */
function curves(history: History, validationName: string): { loss: PlotSeries[]; accuracy: PlotSeries[] } {
  const epochsX = history.epochs.map((_, i) => i + 1);
  const batchX: number[] = [];
  const batchY: number[] = [];
  // Batch b of n in epoch e (1-based) ends at e − 1 + (b + 1)/n of the way through training.
  history.batches.forEach((batches, e) => batches.forEach((b, i) => {
    batchX.push(e + (i + 1) / batches.length);
    batchY.push(b.loss);
  }));
  const percent = (key: string): number[] => history.series(key).map((v) => 100 * v);
  return {
    loss: [
      { name: 'train (each batch)', x: batchX, y: batchY, style: 'faint', color: '#0072B2' },
      { name: 'train (epoch mean)', x: epochsX, y: history.series('loss'), color: '#0072B2' },
      { name: validationName, x: epochsX, y: history.series('valLoss'), color: '#D55E00' },
    ],
    accuracy: [
      { name: 'train', x: epochsX, y: percent('accuracy'), color: '#0072B2' },
      { name: validationName, x: epochsX, y: percent('valAccuracy'), color: '#D55E00' },
    ],
  };
}

/**
 * Writes history.json, loss.svg/.png and accuracy.svg/.png into `dir`; returns the file names.
 * `validationName` is the legend of the validation curves (which may be the test data).
 */
export async function writeRunFiles(dir: string, history: History, record: RunRecord, validationName = 'validation'): Promise<string[]> {
  const { loss, accuracy } = curves(history, validationName);
  const charts = {
    loss: lineChart(loss, { title: 'Loss', xLabel: 'epoch', yLabel: 'cross-entropy loss', yMin: 0 }),
    accuracy: lineChart(accuracy, { title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy (%)', formatY: (v) => `${Number(v.toFixed(2))}%` }),
  };
  const files: [string, string | Uint8Array][] = [['history.json', `${JSON.stringify(record, jsonNumber, 2)}\n`]];
  for (const [name, svg] of Object.entries(charts)) files.push([`${name}.svg`, svg], [`${name}.png`, svgToPng(svg)]);
  await Promise.all(files.map(([name, contents]) => writeFile(join(dir, name), contents)));
  return files.map(([name]) => name);
}

/** The loss over the run as text: every batch (smoothed into columns) and each epoch's validation. */
export function lossChartText(history: History, width = 60): string {
  const [batches, , validation] = curves(history, 'validation').loss;
  return terminalChart(
    [{ name: 'train loss (batches)', x: batches.x, y: batches.y, symbol: '.' }, { name: 'validation loss (epochs)', x: validation.x, y: validation.y, symbol: 'o' }],
    { width, height: 10, title: 'loss', xLabel: 'epoch', formatY: (v) => v.toFixed(3), formatX: (v) => String(Math.round(v)) },
  );
}

// JSON has no NaN or Infinity; an epoch without validation records null rather than failing.
function jsonNumber(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

function round(v: number, digits: number): number {
  return Number.isFinite(v) ? Number(v.toFixed(digits)) : v;
}
