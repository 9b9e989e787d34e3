// A small convolutional network on the 10,000 digits of the `mnist` package (the fixed 8,000 /
// 2,000 split of loadMnist): conv 1→8 3×3, ReLU, max-pool 2, conv 8→16 3×3, ReLU, max-pool 2,
// flatten, linear 400→10. Trained with fit() and a progress bar, then scored on the 2,000 test
// digits. Run after `npm run build`:
//
//   node examples/mnist-cnn.js [epochs=10]
//   CHAINRULE_BACKEND=js node examples/mnist-cnn.js     # force the reference backend
//
// Measured here (2-core AMD EPYC, shared): 98.10% test accuracy after 10 epochs (validation
// accuracy 97.90, 98.15, 98.15, 98.10% after epochs 7–10), 1.6 s an epoch on the native backend
// and 10.4 s on js.
import { Generator, getBackend, manualSeed, nn, optim, data, fit, evaluate, tensor } from '../dist/index.js';
import { loadMnist, ProgressBar } from '../dist/node/index.js';

const epochs = Number(process.argv[2] ?? 10);
if (!Number.isInteger(epochs) || epochs < 1) {
  console.error(`usage: node examples/mnist-cnn.js [epochs]; got ${process.argv[2]}`);
  process.exit(2);
}
manualSeed(0); // the same initial weights on every run

const { train, test } = await loadMnist();

/**
 * The training digits, each moved by a random whole pixel (−1, 0 or +1 in each direction) every
 * time it is drawn. With only 8,000 training digits this network fits them almost exactly within
 * a few epochs and stalls near 97.3% on the test digits; the shifted copies are new examples of
 * the same digit, which takes it past 98%. Seeded, so every run draws the same shifts.
 */
class ShiftedDigits {
  constructor(split, maxShift, seed) {
    this.images = split.x.data; // float32 [N·784], row-major 28×28 images
    this.labels = split.y.data;
    this.length = split.length;
    this.maxShift = maxShift;
    this.generator = new Generator(seed);
  }

  get(index) {
    const [x, y] = this.getBatch([index]);
    return [x.reshape(1, 28, 28), y.reshape()];
  }

  // One copy per batch (the DataLoader calls this rather than get() per example).
  getBatch(indices) {
    const x = new Float32Array(indices.length * 784); // zeros: the pixels shifted in are blank
    const y = new Int32Array(indices.length);
    const s = this.maxShift;
    for (let b = 0; b < indices.length; b++) {
      const dx = this.generator.integer(-s, s + 1);
      const dy = this.generator.integer(-s, s + 1);
      const from = indices[b] * 784;
      for (let r = Math.max(0, dy); r < Math.min(28, 28 + dy); r++) {
        for (let c = Math.max(0, dx); c < Math.min(28, 28 + dx); c++) {
          x[b * 784 + r * 28 + c] = this.images[from + (r - dy) * 28 + (c - dx)];
        }
      }
      y[b] = this.labels[indices[b]];
    }
    return [tensor(x, { shape: [indices.length, 1, 28, 28] }), tensor(y)];
  }
}

// The test digits unchanged, as images [N, 1, 28, 28] (a reshape: no copy).
const testImages = new data.TensorDataset(test.x.reshape(test.length, 1, 28, 28), test.y);
const trainLoader = new data.DataLoader(new ShiftedDigits(train, 1, 1), { batchSize: 32, shuffle: true, seed: 0 });
const testLoader = new data.DataLoader(testImages, { batchSize: 500 });

const model = new nn.Sequential(
  new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.MaxPool2d(2),   // [N, 8, 13, 13]
  new nn.Conv2d(8, 16, 3), new nn.ReLU(), new nn.MaxPool2d(2),  // [N, 16, 5, 5]
  new nn.Flatten(), new nn.Linear(16 * 5 * 5, 10),
);
// Batch 32 and lr 0.05 with momentum reached 98% in fewer epochs than batch 64 (measured with
// lr 0.05 and 0.1) or Adam (lr 0.002 and 0.003); the cosine decay settles the last epochs.
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
const scheduler = new optim.CosineAnnealingLR(optimizer, epochs);
const loss = new nn.CrossEntropyLoss();

console.log(`backend ${getBackend().name}; ${train.length} training digits (shifted ±1 pixel), ${test.length} test digits`);
const started = Date.now();
fit(model, trainLoader, {
  epochs, optimizer, loss, scheduler,
  metrics: ['accuracy'],
  validation: testLoader,
  callbacks: [new ProgressBar()],
});

const { accuracy } = evaluate(model, testLoader, { loss, metrics: ['accuracy'] });
const seconds = (Date.now() - started) / 1000;
console.log(`test accuracy ${(accuracy * 100).toFixed(2)}% on ${test.length} digits after ${epochs} epochs ` +
  `(${seconds.toFixed(1)} s, ${(seconds / epochs).toFixed(1)} s an epoch with its validation; backend ${getBackend().name})`);
