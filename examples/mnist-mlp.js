// An MLP 784-128-10 on the 10,000 digits of the `mnist` package (the fixed 8,000 / 2,000 split
// of loadMnist), trained with minibatch SGD and momentum, then scored on the 2,000 test digits.
// Run after `npm run build`:  node examples/mnist-mlp.js [epochs]
import { manualSeed, nn, optim, data, fit, evaluate, predict, confusionMatrix } from '../dist/index.js';
import { loadMnist, ProgressBar } from '../dist/node/index.js';

const epochs = Number(process.argv[2] ?? 10);
manualSeed(0); // the same initial weights on every run

const started = Date.now();
const { train, test } = await loadMnist();
const trainLoader = new data.DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
const testLoader = new data.DataLoader(test, { batchSize: 500 });

const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
// Decay the step size over the run: large steps early, fine ones at the end.
const scheduler = new optim.CosineAnnealingLR(optimizer, epochs);
const loss = new nn.CrossEntropyLoss();

fit(model, trainLoader, {
  epochs, optimizer, loss, scheduler,
  metrics: ['accuracy'],
  validation: testLoader,
  callbacks: [new ProgressBar()],
});

const { accuracy } = evaluate(model, testLoader, { loss, metrics: ['accuracy'] });
const seconds = (Date.now() - started) / 1000;
console.log(`test accuracy ${(accuracy * 100).toFixed(2)}% on ${test.length} digits after ${epochs} epochs (${seconds.toFixed(1)} s)`);
console.log('confusion matrix (rows: true digit, columns: predicted):');
for (const row of confusionMatrix(predict(model, test.x), test.y, 10).toArray()) {
  console.log(row.map((v) => String(v).padStart(4)).join(''));
}
