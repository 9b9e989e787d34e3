// `chainrule train` for one short epoch, then what it wrote: the model (reloaded here and run),
// history.json, the SVG and PNG charts; and `evaluate` and `predict` on that model, checked
// against the same model run in this process. Also the CNN on a directory of IDX files.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noGrad, tensor } from '../../src/index.js';
import { load, loadMnist, nativeLoadError, registerNativeBackend, writeIdx } from '../../src/node/index.js';
import { messageLines, pngSize, runCli, tempDir, type CliResult } from './run-cli.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** The first test digits as bytes (what a PNG or an IDX file holds) and their labels. */
async function digits(n: number, from: 'train' | 'test'): Promise<{ bytes: Uint8Array; labels: Uint8Array }> {
  const split = (await loadMnist())[from];
  const bytes = Uint8Array.from(split.x.data.subarray(0, n * 784), (v) => Math.round(v * 255));
  return { bytes, labels: Uint8Array.from(split.y.data.subarray(0, n)) };
}

/** The probabilities the saved model gives the pixels k/255, in this process. */
function probabilities(modelFile: string, pixels: Uint8Array): number[] {
  const model = load(modelFile).eval();
  const x = tensor(Float32Array.from(pixels, (v) => v / 255), { shape: [1, 784] });
  return Array.from(noGrad(() => model.forward(x).softmax(-1)).data);
}

/** "predicted class: 7 (98.12%)" and the table rows, from predict's stdout. */
function parsePrediction(stdout: string): { best: number; percents: number[] } {
  const best = Number(/^predicted class: (\d+)/m.exec(stdout)?.[1]);
  const percents = [...stdout.matchAll(/^ +\d+ +(\d+\.\d\d)%/gm)].map((m) => Number(m[1]));
  return { best, percents };
}

describe('chainrule train (MLP, bundled MNIST, 500 examples, 1 epoch)', () => {
  const out = join(tmp.dir, 'mlp');
  let run: CliResult;
  beforeAll(async () => {
    run = await runCli(['train', '--model', 'mlp', '--limit', '500', '--epochs', '1', '--seed', '3', '--out', out]);
  });

  it('trains, reports progress and ends with the test accuracy', () => {
    expect(messageLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^data: 500 training examples/m);
    expect(run.stdout).toMatch(/^training: 1 epoch\(s\), batch 64, sgd lr 0\.05 momentum 0\.9, cosine/m);
    // The progress bar (stderr) with accuracy, then the epoch's summary line.
    expect(run.stderr).toMatch(/epoch 1\/1 \[=+\] 8\/8 \| loss \d\.\d{4} \| accuracy \d+\.\d\d% \| \d+ samples\/s/);
    expect(run.stderr).toMatch(/^epoch 1\/1 {2}loss \d\.\d{4} {2}accuracy .* valAccuracy \d\.\d{4}/m);
    expect(run.stdout).toContain('. train loss (batches)   o validation loss (epochs)');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^test accuracy: \d{1,3}\.\d\d%$/);
  });

  it('writes history.json with per-epoch logs, the settings and the test score', () => {
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(history)).toEqual(expect.arrayContaining(['command', 'version', 'backend', 'model', 'data', 'options', 'epochs', 'batchLoss', 'test', 'seconds']));
    const epochs = history.epochs as Array<Record<string, number>>;
    expect(epochs).toHaveLength(1);
    expect(Object.keys(epochs[0]).sort()).toEqual(['accuracy', 'epoch', 'loss', 'lr', 'seconds', 'valAccuracy', 'valLoss']);
    expect(epochs[0].lr).toBe(0.05);
    expect((history.batchLoss as number[][])[0]).toHaveLength(8);
    expect(history.options).toMatchObject({ model: 'mlp', epochs: 1, limit: 500, seed: 3, lr: 0.05, momentum: 0.9, optimizer: 'sgd' });
    const test = history.test as { accuracy: number };
    expect(run.stdout).toContain(`test accuracy: ${(100 * test.accuracy).toFixed(2)}%`);
  });

  it('draws the loss and accuracy curves as SVG and PNG', () => {
    for (const name of ['loss', 'accuracy']) {
      const svg = readFileSync(join(out, `${name}.svg`), 'utf8');
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="400"/);
      for (const text of ['>epoch<', '>validation (test data)<', name === 'loss' ? '>Loss<' : '>Accuracy<']) expect(svg).toContain(text);
      expect(pngSize(readFileSync(join(out, `${name}.png`)))).toEqual({ width: 640, height: 400 });
      // Decoded, the chart is mostly white with some ink.
      const { data } = PNG.sync.read(readFileSync(join(out, `${name}.png`)));
      const dark = data.filter((_, i) => i % 4 === 0 && data[i] < 128).length;
      expect(dark).toBeGreaterThan(500);
      expect(dark).toBeLessThan(0.2 * 640 * 400);
    }
  });

  it('saves a model that reloads and matches the reported test accuracy', async () => {
    const model = load(join(out, 'model.safetensors')).eval();
    const { test } = await loadMnist();
    const predicted = noGrad(() => model.forward(test.x).argmax(1)).data;
    const correct = predicted.filter((p, i) => p === test.y.data[i]).length;
    expect(run.stdout).toContain(`test accuracy: ${(100 * correct / test.length).toFixed(2)}%`);
  });

  it('evaluate prints the same accuracy and a confusion matrix', async () => {
    const { code, stdout } = await runCli(['evaluate', '--model-file', join(out, 'model.safetensors')]);
    expect(code).toBe(0);
    const accuracy = /^accuracy: (\d+\.\d\d)% \((\d+)\/2000\)$/m.exec(stdout);
    expect(accuracy).not.toBeNull();
    expect(run.stdout).toContain(`test accuracy: ${accuracy![1]}%`);
    const rows = stdout.split('\n').filter((l) => /^ {8}\d( +\d+){10}$/.test(l));
    expect(rows).toHaveLength(10);
    const diagonal = rows.reduce((sum, row, i) => sum + Number(row.trim().split(/ +/)[i + 1]), 0);
    expect(diagonal).toBe(Number(accuracy![2]));
  });

  it('predict classifies a PNG and a CSV row as the model does in-process', async () => {
    const { bytes, labels } = await digits(3, 'test');
    const modelFile = join(out, 'model.safetensors');
    // The digit as MNIST stores it, dark on light (as drawn on paper), and as opacity over transparency.
    const variants = { 'digit.png': (v: number) => [v, v, v, 255], 'paper.png': (v: number) => [255 - v, 255 - v, 255 - v, 255], 'alpha.png': (v: number) => [0, 0, 0, v] };
    for (const [name, rgba] of Object.entries(variants)) {
      const image = new PNG({ width: 28, height: 28 });
      for (let p = 0; p < 784; p++) image.data.set(rgba(bytes[p]), 4 * p);
      writeFileSync(join(tmp.dir, name), PNG.sync.write(image));
    }
    const rows = Array.from({ length: 3 }, (_, r) => [...bytes.subarray(r * 784, (r + 1) * 784)].map((v) => v / 255).join(',') + `,${labels[r]}`);
    writeFileSync(join(tmp.dir, 'digits.csv'), `${rows.join('\n')}\n`);

    const inputs = [
      [['digit.png'], bytes.subarray(0, 784), /^input: .*digit\.png \(28×28\)$/m],
      [['paper.png'], bytes.subarray(0, 784), /^input: .*paper\.png \(28×28, inverted: dark ink on a light ground\)$/m],
      [['alpha.png'], bytes.subarray(0, 784), /^input: .*alpha\.png \(28×28, ink read from its transparency\)$/m],
      [['digits.csv', '--row', '2'], bytes.subarray(784, 1568), new RegExp(`^input: .*digits\\.csv row 2 \\(label in the file: ${labels[1]}\\)$`, 'm')],
    ] as const;
    const runs = await Promise.all(inputs.map(([args]) => runCli(['predict', '--model-file', modelFile, join(tmp.dir, args[0]), ...args.slice(1)])));
    for (const [i, [, pixels, input]] of inputs.entries()) {
      const { code, stdout } = runs[i];
      expect(code).toBe(0);
      expect(stdout).toMatch(input);
      const expected = probabilities(modelFile, pixels);
      const { best, percents } = parsePrediction(stdout);
      expect(best).toBe(expected.indexOf(Math.max(...expected)));
      expect(percents).toHaveLength(10);
      percents.forEach((p, c) => expect(Math.abs(p - 100 * expected[c])).toBeLessThanOrEqual(0.011));
    }
  });
});

describe('chainrule train (CNN, a directory of IDX files)', () => {
  it('reshapes flat images for the convolutions, trains, saves and evaluates', async () => {
    const dir = join(tmp.dir, 'idx');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    for (const [part, from, n] of [['train', 'train', 160], ['t10k', 'test', 60]] as const) {
      const { bytes, labels } = await digits(n, from);
      await writeIdx(join(dir, `${part}-images-idx3-ubyte.gz`), { type: 'uint8', shape: [n, 28, 28], data: bytes }, { gzip: true });
      await writeIdx(join(dir, `${part}-labels-idx1-ubyte`), { type: 'uint8', shape: [n], data: labels });
    }
    const out = join(tmp.dir, 'cnn');
    const run = await runCli(['train', '--model', 'cnn', '--data', dir, '--epochs', '1', '--batch-size', '32', '--optimizer', 'adam', '--schedule', 'warmup-cosine', '--backend', 'js', '--out', out, '--quiet']);
    expect(messageLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^data: 160 training examples \(.*train files\)\); validation: 60 \(the test data\); test: 60/m);
    expect(run.stdout).toMatch(/^model: CNN conv 1→8 3×3/m);
    expect(run.stdout).toMatch(/^training: 1 epoch\(s\), batch 32, adam lr 0\.001, .*, seed 0, backend js$/m);
    expect(run.stdout).toMatch(/^epoch 1\/1 {2}loss/m);
    const model = load(join(out, 'model.safetensors'));
    expect(model.parameters().map((p) => p.shape)).toEqual([[8, 1, 3, 3], [8], [16, 8, 3, 3], [16], [10, 400], [10]]);
    const reported = /^test accuracy: (\d+\.\d\d)%$/m.exec(run.stdout)![1];
    const evaluated = await runCli(['evaluate', '--model-file', join(out, 'model.safetensors'), '--data', dir]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain(`accuracy: ${reported}% (`);
  });
});

describe('chainrule train --backend native', () => {
  it('trains on the native backend where it is built, and says in one line why not where it is not', async () => {
    const run = await runCli(['train', '--backend', 'native', '--model', 'mlp', '--limit', '100', '--epochs', '1', '--out', join(tmp.dir, 'native'), '--quiet']);
    if (registerNativeBackend()) {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/, backend native$/m);
    } else {
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`chainrule train: --backend native: the native backend is not available here (${nativeLoadError()}); build it with \`node native/build.js\` in the package, or use --backend js\n`);
    }
  });
});
