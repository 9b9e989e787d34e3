// `chainrule predict`: one example (a PNG image or a CSV row) through a saved model; prints the
// class and every class's probability.
import { nn, noGrad, tensor, type Tensor } from '../index.js';
import { readCsv } from '../node/index.js';
import { CliError, intOption, stringOption, type Parsed } from './args.js';
import { selectBackend } from './backend.js';
import { labelColumn } from './data.js';
import { readInk } from './image.js';
import { firstLayer, openModelFile, shapeInputs } from './models.js';

type Model = nn.TensorModule;

/** An input to try: its values, its shape when not [1, values] (an image for a Conv2d), and what to say about it. */
interface Candidate {
  values: Float32Array;
  shape?: number[];
  describe: string;
}

export async function run({ values, positionals }: Parsed): Promise<void> {
  const input = positionals[0];
  const isPng = /\.png$/i.test(input);
  const isCsv = /\.csv$/i.test(input);
  if (!isPng && !isCsv) throw new CliError(`expected a .png image or a .csv file to classify; got '${input}'`, 2);
  if (isPng && values.row !== undefined) throw new CliError('--row applies to CSV files, not to images', 2);
  if (isCsv && values.row === undefined) throw new CliError(`--row <n> is required with a CSV file: which row of ${input} to classify`, 2);
  const row = isCsv ? intOption(values, 'row', 1) : 0;
  selectBackend(values);
  const model = await openModelFile(stringOption(values, 'model-file'));
  const candidates = isPng ? await imageCandidates(input, model) : await csvCandidates(input, row, stringOption(values, 'label'));
  const { output, candidate } = runFirstThatFits(model, candidates, input);
  const probabilities = toProbabilities(model, output);
  process.stdout.write(`input: ${candidate.describe}\n${formatPrediction(probabilities)}`);
}

async function imageCandidates(path: string, model: Model): Promise<Candidate[]> {
  const ink = await readInk(path);
  const first = firstLayer(model);
  const expected = first instanceof nn.Linear ? first.inFeatures : null;
  if (expected !== null && ink.width * ink.height !== expected) {
    const side = Math.round(Math.sqrt(expected));
    const square = side * side === expected ? ` (${side}×${side})` : '';
    throw new CliError(`${path} is ${ink.width}×${ink.height} (${ink.width * ink.height} pixels), but the model takes ${expected} values${square}`);
  }
  if (first instanceof nn.Conv2d && first.inChannels !== 1) throw new CliError(`the model takes images of ${first.inChannels} channels; predict reads grey-level images (1 channel)`);
  const how = ink.fromAlpha ? ', ink read from its transparency' : ink.inverted ? ', inverted: dark ink on a light ground' : '';
  // A convolutional model gets the image as it is, so any size its layers accept goes through.
  const shape = first instanceof nn.Conv2d ? [1, 1, ink.height, ink.width] : undefined;
  return [{ values: ink.pixels, shape, describe: `${path} (${ink.width}×${ink.height}${how})` }];
}

/**
 * The row's features: with --label, every other column; without it, the row less its last
 * column (a labelled file) or the whole row (an unlabelled one), whichever the model takes.
 */
async function csvCandidates(path: string, row: number, label: string | undefined): Promise<Candidate[]> {
  // Numbers first, so a last column of pixel values can serve as a feature; text labels need 'class'.
  const ds = await readCsv(path, { label: labelColumn(label), labelType: 'number' }).catch(() => readCsv(path, { label: labelColumn(label) }));
  if (row > ds.length) throw new CliError(`${path} has ${ds.length} data row(s); --row ${row} is past the end`);
  const f = ds.x.shape[1];
  const features = Float32Array.from(ds.x.data.subarray((row - 1) * f, row * f));
  const target = ds.y.data[row - 1];
  const labelText = ds.classes !== null ? ds.classes[target] : String(target);
  const where = `${path} row ${row}`;
  const labelled: Candidate = { values: features, describe: `${where} (label in the file: ${labelText})` };
  if (label !== undefined || ds.classes !== null) return [labelled];
  const whole = new Float32Array(f + 1);
  whole.set(features);
  whole[f] = target;
  return [labelled, { values: whole, describe: `${where} (no label column)` }];
}

function runFirstThatFits(model: Model, candidates: Candidate[], path: string): { output: Tensor; candidate: Candidate } {
  let firstError = '';
  for (const candidate of candidates) {
    const x = tensor(candidate.values, { shape: candidate.shape ?? [1, candidate.values.length] });
    try {
      const output = noGrad(() => model.forward(candidate.shape === undefined ? shapeInputs(model, x, path) : x));
      return { output, candidate };
    } catch (error) {
      if (error instanceof CliError) throw error;
      firstError ||= (error as Error).message.split('\n')[0];
    }
  }
  const sizes = candidates.map((c) => (c.shape === undefined ? `${c.values.length} values` : `shape [${c.shape.join(', ')}]`)).join(' or ');
  throw new CliError(`${path}: an input of ${sizes} does not fit the model: ${firstError}`);
}

/** Class probabilities from the output: softmax of scores, or as they are when the model ends in one. */
function toProbabilities(model: Model, output: Tensor): number[] {
  let last: Model = model;
  while (last instanceof nn.Sequential && last.length > 0) last = last.at(-1);
  const p = last instanceof nn.Softmax ? output : last instanceof nn.LogSoftmax ? output.exp() : output.softmax(-1);
  return Array.from(p.data);
}

export function formatPrediction(probabilities: number[]): string {
  const best = probabilities.indexOf(Math.max(...probabilities));
  const digits = String(probabilities.length - 1).length;
  const lines = [`predicted class: ${best} (${(100 * probabilities[best]).toFixed(2)}%)`, '', `${'class'.padStart(Math.max(5, digits))}  probability`];
  probabilities.forEach((p, c) => {
    const bar = '#'.repeat(Math.round(p * 40));
    lines.push(`${String(c).padStart(Math.max(5, digits))}  ${`${(100 * p).toFixed(2)}%`.padStart(7)}  ${bar}${c === best ? ' <' : ''}`.trimEnd());
  });
  return `${lines.join('\n')}\n`;
}
