// `chainrule evaluate`: a saved model's loss, accuracy and confusion matrix on a data set.
import { confusionMatrix, data, evaluate, nn, predict, type Tensor } from '../index.js';
import { intOption, stringOption, type Parsed } from './args.js';
import { selectBackend } from './backend.js';
import { loadEvaluationData } from './data.js';
import { checkFits, openModelFile, shapeDataset } from './models.js';

export async function run({ values }: Parsed): Promise<void> {
  const batchSize = intOption(values, 'batch-size', 500);
  selectBackend(values);
  const model = await openModelFile(stringOption(values, 'model-file'));
  const loaded = await loadEvaluationData(stringOption(values, 'data'), { label: stringOption(values, 'label') });
  const ds = shapeDataset(model, loaded.data, loaded.source, (x: Tensor, y: Tensor) => new data.TensorDataset(x, y));
  const classes = checkFits(model, ds, `the data (${loaded.source})`);
  const loader = new data.DataLoader(ds, { batchSize });
  const scores = evaluate(model, loader, { loss: new nn.CrossEntropyLoss(), metrics: ['accuracy'] });
  const matrix = confusionMatrix(predict(model, loader), ds.y, classes);
  const correct = Math.round(scores.accuracy * ds.length);
  process.stdout.write([
    `data: ${ds.length} examples (${loaded.source})`,
    `loss: ${scores.loss.toFixed(4)}`,
    `accuracy: ${(100 * scores.accuracy).toFixed(2)}% (${correct}/${ds.length})`,
    '',
    formatConfusion(matrix),
  ].join('\n'));
}

/** The matrix with class numbers along both edges; rows are the true classes. */
export function formatConfusion(matrix: Tensor): string {
  const n = matrix.shape[0];
  const counts = Array.from(matrix.data);
  const width = Math.max(3, ...counts.map((c) => String(c).length), String(n - 1).length) + 1;
  const corner = 'true\\pred';
  const lines = [
    'confusion matrix (rows: true class, columns: predicted class)',
    `${corner}${Array.from({ length: n }, (_, j) => String(j).padStart(width)).join('')}`,
  ];
  for (let i = 0; i < n; i++) {
    const row = counts.slice(i * n, (i + 1) * n).map((c) => String(c).padStart(width)).join('');
    lines.push(`${String(i).padStart(corner.length)}${row}`);
  }
  return `${lines.join('\n')}\n`;
}
