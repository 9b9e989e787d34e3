// Peak memory of training: each library trains one model for a number of SGD steps in a fresh
// process of its own (bench/memory-child.js for the JavaScript libraries, a PyTorch worker for
// PyTorch), on the same data and initial weights as the timed runs. Reported per process: the
// resident set once the library, the data and the model are loaded, and its peak by the end.
// A process of its own, because a peak is a property of a whole process: in the benchmark's
// process every library's data and caches would count for all of them.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODELS } from './training.js';

const CHILD = fileURLToPath(new URL('./memory-child.js', import.meta.url));

/** SGD steps per model: a few epochs' worth of allocations for the small ones, few for the CNN. */
export const MEMORY_STEPS = { 'mlp-small': 200, 'mlp-large': 40, cnn: 20 };

/** The JavaScript libraries measured, as memory-child.js names them, and their labels. */
const JS_LIBRARIES = [
  ['chainrule-native', 'chainrule native'],
  ['chainrule-js', 'chainrule js'],
  ['tfjs-cpu', 'TF.js cpu'],
  ['tfjs-wasm', 'TF.js wasm'],
  ['jax', 'jax-js wasm'],
];

function runChild(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code === 0) {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } else {
        const line = err.split('\n').find((l) => /Error|error/.test(l)) ?? err.split('\n')[0];
        resolve({ error: line.trim() || `exit ${code}` });
      }
    });
  });
}

/**
 * Measures every library on each model. `torchWorker()` starts a fresh PyTorch worker (or
 * resolves to null without one). `skip` lists libraries left out (e.g. TF.js with --no-tfjs).
 * Resolves to { model: { library: { label, beforeKiB, peakKiB } | { label, error } } }.
 */
export async function measureMemory(setup, models, { torchWorker, skip = [], stepsFor = (m) => MEMORY_STEPS[m] }) {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-memory-'));
  const write = (name, array) => writeFileSync(join(dir, name), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  try {
    write('train_x.f32', setup.trainX);
    write('train_y.i32', setup.trainY);
    write('test_x.f32', setup.testX);
    write('test_y.i32', setup.testY);
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ train: setup.trainCount, test: setup.testCount }));
    for (const model of models) {
      const ws = setup.weights[model];
      const flat = new Float32Array(ws.reduce((n, w) => n + w.length, 0));
      ws.reduce((at, w) => (flat.set(w, at), at + w.length), 0);
      write(`weights-${model}.f32`, flat);
    }
    const results = {};
    for (const model of models) {
      const steps = stepsFor(model);
      results[model] = { steps, batch: MODELS[model].batch, runs: {} };
      for (const [lib, label] of JS_LIBRARIES) {
        if (skip.some((s) => lib.startsWith(s))) continue;
        results[model].runs[lib] = { label, ...(await runChild([lib, model, String(steps), dir])) };
      }
      if (!skip.includes('torch') && torchWorker) {
        const t = await torchWorker();
        if (t !== null) {
          try {
            const [c] = await t.training(setup, [model], false);
            const before = await t.memory(true);
            await c.run(steps);
            const after = await t.memory();
            results[model].runs.torch = { label: `PyTorch ${t.version}`, beforeKiB: before.rssKiB, peakKiB: after.peakKiB };
          } finally {
            t.close();
          }
        }
      }
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
