// One library training one model in a fresh process, for the peak-memory table of
// bench/memory.js (which starts it):
//
//   node bench/memory-child.js <library> <model> <steps> <dir>
//
// library: chainrule-js | chainrule-native | tfjs-cpu | tfjs-wasm | jax. The data and initial
// weights come from <dir> (raw files written by memory.js), so the process holds no more than
// the library, the data and the training. It prints one JSON line: the resident set before the
// first step (library loaded, data and model made) and the peak while training, in KiB (Linux).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, parameterShapes } from './training.js';

const [library, model, stepsArg, dir] = process.argv.slice(2);
const steps = Number(stepsArg);
if (!(model in MODELS) || !Number.isInteger(steps) || steps < 1 || dir === undefined) {
  console.error('usage: node bench/memory-child.js <library> <model> <steps> <dir>');
  process.exit(2);
}

const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
const read = (name, Type) => {
  const bytes = readFileSync(join(dir, name));
  return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
};
const flat = read(`weights-${model}.f32`, Float32Array);
let at = 0;
const weights = parameterShapes(model).map((shape) => {
  const size = shape.reduce((a, b) => a * b, 1);
  const w = flat.slice(at, at + size);
  at += size;
  return w;
});
const setup = {
  trainX: read('train_x.f32', Float32Array), trainY: read('train_y.i32', Int32Array),
  testX: read('test_x.f32', Float32Array), testY: read('test_y.i32', Int32Array),
  trainCount: meta.train, testCount: meta.test, weights: { [model]: weights },
};

let c;
if (library === 'chainrule-js' || library === 'chainrule-native') {
  const backend = library.slice('chainrule-'.length);
  if (backend === 'js') process.env.CHAINRULE_BACKEND = 'js';
  const cr = await import('../dist/index.js');
  await import('../dist/node/index.js');
  const { chainruleTrainingCases } = await import('./cases.js');
  if (!cr.listBackends().includes(backend)) throw new Error(`chainrule backend ${backend} is not available`);
  [c] = chainruleTrainingCases(cr, setup, backend, backend, [model]);
} else if (library === 'tfjs-cpu' || library === 'tfjs-wasm') {
  const { loadTfjs, tfjsTrainingCases } = await import('./cases.js');
  const { tf, backends } = await loadTfjs();
  const backend = library.slice('tfjs-'.length);
  if (!backends.includes(backend)) throw new Error(`TF.js backend ${backend} is not available`);
  const t = await tfjsTrainingCases(tf, setup, [model], false, backend);
  if (t.cases.length === 0) throw new Error(t.notes.join('; '));
  [c] = t.cases;
} else if (library === 'jax') {
  const { loadJax, jaxTrainingCases } = await import('./jax.js');
  const loaded = await loadJax();
  if (loaded.missing) throw new Error(loaded.missing);
  [c] = jaxTrainingCases(loaded.jax, setup, [model]);
} else {
  console.error(`memory-child: unknown library ${library}`);
  process.exit(2);
}

// Linux's high-water mark of the resident set, lowered to the resident set now (clear_refs 5)
// once the setup is done: reading the data files briefly holds more than the training does, and
// that transient is the setup's, not the library's.
const status = () => {
  const text = readFileSync('/proc/self/status', 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
};
writeFileSync('/proc/self/clear_refs', '5');
const beforeKiB = status().rss;
await c.run(steps);
process.stdout.write(JSON.stringify({ beforeKiB, peakKiB: status().peak }) + '\n');
