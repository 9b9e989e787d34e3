// `npm run bench`: chainrule against its peers, measured in one run.
//
//   node bench/run.js [--quick] [--only=add,graph,gemm,mlp,cnn,conv,memory] [--backends=js,native] [--in-process] [--no-torch] [--no-tfjs] [--no-jax]
//
// Six sections (see bench/README.md): dispatch — a tiny add on shape-[1] float32 tensors (ops/s)
// and forward+backward of a 999-op scalar graph (ms); float32 GEMM at n = 64…1024 (GFLOP/s);
// training — MLP 784-128-10 and 784-512-512-10
// and a small CNN on the bundled MNIST split (samples/s), from the same weights and batches in
// every library, with the test accuracy each reaches; and conv2d forward+backward (ms). Every case
// is warmed up, then sampled in rounds; each round takes one sample of every case, in a rotated
// order, so that the drift of a noisy shared machine lands on all libraries alike. Figures are
// medians (and best) over rounds; ratios are taken between medians of the same run (results.json
// also holds the median of the round-by-round ratios). Results go to bench/results.json.

import os from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bareAddCase, bareTapeCase, loadTfjs, tfjsCases, tfjsTrainingCases, useTfjsBackend } from './cases.js';
import { makeChainruleCases } from './chainrule-cases.js';
import { chainruleProcessCases } from './chainrule-process.js';
import { TORCH_VARIANTS, torchCases } from './torch.js';
import { jaxConvCase, jaxDispatchCases, jaxGemmCases, jaxTrainingCases, loadJax } from './jax.js';
import { GEMM_SIZES, SLOW_MAX, gemmBench, gemmOperands, tfjsGemmCases } from './gemm.js';
import { LEAVES, OPS, STEPS, maxAbsDiff, referenceGradients } from './graph.js';
import { MEMORY_STEPS, measureMemory } from './memory.js';
import { CONV, LR, MODELS, trainingSetup } from './training.js';

const SECTIONS = {
  add: ['add'], graph: ['graph'], gemm: GEMM_SIZES.map(gemmBench), mlp: ['mlp-small', 'mlp-large'], cnn: ['cnn'], conv: ['conv'],
  // Not timed in rounds: each library trains in a process of its own (bench/memory.js).
  memory: [],
};
const USAGE = 'usage: node bench/run.js [--quick] [--only=add,graph,gemm,mlp,cnn,conv,memory] [--backends=js,native] [--in-process] [--no-torch] [--no-tfjs] [--no-jax]';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
for (const a of args) {
  const list = /^--only=([a-z,]+)$/.exec(a)?.[1].split(',');
  const ok = /^--(quick|in-process|no-torch|no-tfjs|no-jax|backends=[a-z0-9,-]+)$/.test(a) || (list !== undefined && list.every((x) => x in SECTIONS));
  if (!ok) {
    console.error(`bench: unknown argument ${a}; ${USAGE}`);
    process.exit(2);
  }
}
const quick = flag('quick');
const only = option('only');
const sections = only === undefined ? Object.keys(SECTIONS) : only.split(',');
const benches = new Set(sections.flatMap((x) => SECTIONS[x]));
const trainingModels = Object.keys(MODELS).filter((m) => benches.has(m));
const wantConv = benches.has('conv');
const wantMemory = sections.includes('memory');
// The models whose training memory is measured, and the steps each trains (fewer in --quick).
const MEMORY_MODELS = ['mlp-small', 'cnn'];
const gemmSizes = GEMM_SIZES.filter((n) => benches.has(gemmBench(n)));

// Per benchmark: the unit, and the timing settings [quick, full]. A training sample is at least
// one SGD step, and TF.js's cpu backend takes about a second for a step of the large MLP or the
// CNN, so the training sections sample fewer rounds.
const BENCH = {
  add: { unit: 'ops/s', sampleMs: [30, 100], rounds: [7, 21], minWarmupReps: 1e6 },
  graph: { unit: 'ms', sampleMs: [40, 150], rounds: [7, 21], minWarmupReps: 100 },
  'mlp-small': { unit: 'samples/s', sampleMs: [150, 400], rounds: [3, 7], minWarmupReps: 10 },
  'mlp-large': { unit: 'samples/s', sampleMs: [150, 400], rounds: [3, 7], minWarmupReps: 3 },
  cnn: { unit: 'samples/s', sampleMs: [150, 400], rounds: [3, 9], minWarmupReps: 5 },
  conv: { unit: 'ms', sampleMs: [60, 200], rounds: [3, 11], minWarmupReps: 10 },
  ...Object.fromEntries(GEMM_SIZES.map((n) => [gemmBench(n), { unit: 'GFLOP/s', sampleMs: [60, 200], rounds: [3, 11], minWarmupReps: 2 }])),
};
const mode = quick ? 0 : 1;
const settings = {
  warmupMs: quick ? 300 : 800,
  benches: Object.fromEntries(Object.entries(BENCH).map(([k, b]) => [k, { unit: b.unit, sampleMs: b.sampleMs[mode], rounds: b.rounds[mode], minWarmupReps: b.minWarmupReps }])),
  accuracySteps: Object.fromEntries(Object.entries(MODELS).map(([k, m]) => [k, m.accuracySteps[mode]])),
};
// Tolerance of a float32 gradient against the float64 oracle, after 333 chained steps.
const GRAD_TOLERANCE = 1e-4;
// Agreement of the training runs with chainrule's js run, from the same weights and batches: the
// first step's loss is the same sum in float32 (only the order of additions differs), the test
// accuracy after many steps may differ by a few digits whose logits were close.
const FIRST_LOSS_TOLERANCE = 1e-4; // relative
const ACCURACY_TOLERANCE = 0.01; // absolute: 1 percentage point
// conv2d's weight gradient sums 64·11·11 products per entry; relative to its largest entry.
const CONV_GRAD_TOLERANCE = 1e-4;

const log = (s = '') => process.stdout.write(s + '\n');
const loadStart = os.loadavg();
const t0 = performance.now();

// ------------------------------------------------------------------------------ the cases

const cases = [];
const notes = [];
const versions = { chainrule: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version };

let cr;
try {
  cr = await import('../dist/index.js');
} catch (err) {
  if (err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  console.error(`bench: cannot load chainrule from dist/ (${err.message}); build it first: npm run build`);
  process.exit(1);
}
// chainrule runs in worker processes (bench/chainrule-worker.js), unless --in-process: one for
// the tiny add and the scalar graph, and one per backend and section for the rest (GEMM, each
// training model, conv), as a user's training script uses one backend and trains one model.
// Sharing a process, the graph's samples ran at 0.35–0.6 ms while the training and GEMM cases
// still sampled, and at 0.2 ms after; with the js backend's training samples in its heap, native
// trained the MLPs and the CNN 20–30 % slower (CNN 36.8 k samples/s beside js, 50.8 k alone);
// and in one process with the GEMM, MLP and conv cases, V8 ran a mark-compact about every 25 ms
// of the CNN's samples (126 in 9 samples, against a few alone), and the CNN trained 1.3–1.5×
// slower than in a process of its own sampled in the same rounds (MLP-small 1.3×).
const backends = option('backends')?.split(',');
const sectionsOf = (b) => [
  ...(gemmSizes.length > 0 ? [{ tag: `chainrule-${b}-gemm`, trainingModels: [], wantConv: false, gemmSizes }] : []),
  ...trainingModels.map((m) => ({ tag: `chainrule-${b}-${m}`, trainingModels: [m], wantConv: false, gemmSizes: [] })),
  ...(wantConv ? [{ tag: `chainrule-${b}-conv`, trainingModels: [], wantConv: true, gemmSizes: [] }] : []),
];
const requests = [
  ...(benches.has('add') || benches.has('graph') ? [{ tag: 'chainrule-dispatch', dispatch: true, trainingModels: [], wantConv: false, gemmSizes: [], backends }] : []),
  ...(backends ?? ['js', 'native']).flatMap((b) => sectionsOf(b).map((q) => ({ ...q, dispatch: false, backends: [b] }))),
];
// In this process, one after the other: the dispatch cases must be made (on js) before the other
// request imports 'chainrule/node', which makes native the default.
const chainrules = [];
if (flag('in-process')) for (const q of requests) chainrules.push(await makeChainruleCases(q));
else chainrules.push(...(await Promise.all(requests.map((q) => chainruleProcessCases(q, q.tag)))));
let backendLabels = {};
for (const made of chainrules) {
  cases.push(...made.cases);
  for (const note of made.notes) if (!notes.includes(note)) notes.push(note);
  backendLabels = { ...backendLabels, ...made.backendLabels };
}
cases.push(bareAddCase(), bareTapeCase());

// The peers' data and weights, from the same seeds as the chainrule cases': the same numbers.
let setup = null;
const operands = gemmSizes.length > 0 ? gemmOperands(cr, gemmSizes) : null;
const slowSizes = gemmSizes.filter((n) => n <= SLOW_MAX);
if (trainingModels.length > 0 || wantConv || wantMemory) {
  const node = await import('../dist/node/index.js');
  setup = await trainingSetup(cr, node.loadMnist);
}

// TF.js: its cpu backend and its wasm backend, each with its own tensors.
let tfjs = null;
if (!flag('no-tfjs')) {
  try {
    const loaded = await loadTfjs();
    const { tf } = loaded;
    tfjs = { liveTensors: () => tf.memory().numTensors, held: 0 };
    versions.tfjs = tf.version.tfjs;
    if (loaded.missing) notes.push(`TF.js wasm backend skipped: ${loaded.missing}`);
    for (const backend of loaded.backends) {
      const d = await tfjsCases(tf, backend);
      cases.push(...d.cases);
      tfjs.held += d.held;
      if (setup !== null) {
        const t = await tfjsTrainingCases(tf, setup, trainingModels, wantConv, backend);
        cases.push(...t.cases);
        notes.push(...t.notes);
        tfjs.held += t.held;
      }
      if (operands !== null) {
        const g = await tfjsGemmCases(tf, () => useTfjsBackend(tf, backend), operands, backend, backend === 'cpu' ? slowSizes : gemmSizes);
        cases.push(...g.cases);
        tfjs.held += g.held;
      }
    }
  } catch (err) {
    notes.push(`TensorFlow.js skipped: ${err.message}`);
  }
} else {
  notes.push('TensorFlow.js skipped (--no-tfjs)');
}

// jax-js on its wasm device.
if (!flag('no-jax')) {
  const loaded = await loadJax();
  if (loaded.missing) {
    notes.push(`jax-js skipped: ${loaded.missing}`);
  } else {
    versions.jax = loaded.version;
    cases.push(...jaxDispatchCases(loaded.jax));
    if (setup !== null) cases.push(...jaxTrainingCases(loaded.jax, setup, trainingModels));
    if (wantConv) cases.push(jaxConvCase(loaded.jax, setup));
    if (operands !== null) cases.push(...jaxGemmCases(loaded.jax, operands, gemmSizes));
  }
} else {
  notes.push('jax-js skipped (--no-jax)');
}

// PyTorch: one worker as installed, one with OPENBLAS_CORETYPE=SkylakeX (its better figure counts).
const torches = [];
if (!flag('no-torch')) {
  for (const variant of TORCH_VARIANTS) {
    const t = await torchCases(variant);
    if (t.missing) {
      notes.push(`${variant.name} skipped: ${t.missing}`);
      continue;
    }
    torches.push(t);
    cases.push(...t.cases);
    versions.torch = t.version;
    versions.numpy = t.numpy;
    if (setup !== null) cases.push(...(await t.training(setup, trainingModels, wantConv)));
    if (operands !== null) cases.push(...(await t.gemm(gemmSizes)));
  }
} else {
  notes.push('PyTorch skipped (--no-torch)');
}
const torch = torches[0] ?? null;

// Display order within each benchmark: chainrule (js, then its other backends), TF.js (cpu, wasm),
// jax-js, PyTorch (as installed, SkylakeX), numpy, then the bare-JS floors; ties keep the order
// in which the cases were made.
const LIBRARY_ORDER = [['chainrule-js-', 0], ['chainrule', 1], ['tfjs-wasm', 3], ['tfjs', 2], ['jax', 4],
  ['torch-skx', 6], ['torch', 5], ['numpy-skx', 8], ['numpy', 7], ['bare', 9]];
const rank = (c) => 100 * Object.keys(BENCH).indexOf(c.bench) + (LIBRARY_ORDER.find(([p]) => c.id.startsWith(p))?.[1] ?? 99);
const active = cases
  .filter((c) => benches.has(c.bench))
  .sort((a, b) => rank(a) - rank(b));
const chainruleIds = (bench) => active.filter((c) => c.bench === bench && c.id.startsWith('chainrule-')).map((c) => c.id);

log(`chainrule benchmark${quick ? ' (--quick)' : ''}: ${sections.join(', ')}`);
log(`${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, ` +
  `TF.js ${versions.tfjs ?? '—'}, jax-js ${versions.jax ?? '—'}, PyTorch ${versions.torch ?? '—'}` +
  `${torch ? ` (${torch.threads} thread${torch.threads === 1 ? '' : 's'})` : ''}, numpy ${versions.numpy ?? '—'}; ` +
  `load average ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
for (const n of notes) log(`note: ${n}`);

// ------------------------------------------------------------------------ sanity checks

for (const c of active) {
  if (c.check) {
    await c.run(1);
    if (!(await c.check())) throw new Error(`bench: ${c.label} did not compute 1.5 + 2.25 = 3.75`);
  }
}

// ----------------------------------------------------------------------- warm-up, sampling

// OpenBLAS's threads (PyTorch's and numpy's) busy-wait for about 0.1 s after each product
// before they sleep (its THREAD_TIMEOUT, 2^28 cycles), holding a core that the next case, in
// this process, would want: measured here, a PyTorch sample could halve the speed of the
// chainrule or TF.js sample after it. The other way round, V8's helper threads go on sweeping
// and marking the garbage of this process's sample while a worker's sample runs. So whenever
// the next case runs in another process, a pause comes first (none between one process's own
// samples). After a warm-up, always.
const SETTLE_MS = 150;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function settle(c, next) {
  if (next === null || (c.worker ?? 'main') !== (next.worker ?? 'main')) await sleep(SETTLE_MS);
}

/** Repeats per sample: grows n until one sample lasts about `target` ms. */
async function calibrate(c, target) {
  let n = 1;
  for (;;) {
    const ms = await c.run(n);
    if (ms >= target / 4) return Math.max(1, Math.round((n * target) / ms));
    n = Math.ceil(n * Math.min(10, Math.max(2, target / 2 / Math.max(ms, 0.01))));
  }
}

log(`warming up ${active.length} cases…`);
for (const c of active) {
  const { sampleMs: target, minWarmupReps: minReps } = settings.benches[c.bench];
  const calibrated = performance.now();
  c.n = await calibrate(c, target);
  // A case whose one repeat outlasts the whole warm-up (TF.js's cpu backend takes seconds for a
  // CNN step) is warm after calibrating: a JIT has nothing left to settle in it.
  if (c.n === 1 && performance.now() - calibrated >= 4 * settings.warmupMs) {
    c.samples = [];
    continue;
  }
  // Long enough for the JIT to settle: chainrule's graph runs ~10× slower for its first ~20
  // passes, so warm-up also asks for a number of repeats, within 4× the time. Then n is
  // measured again at full speed.
  const start = performance.now();
  let reps = 0;
  let ms = 0;
  for (;;) {
    const elapsed = performance.now() - start;
    if ((elapsed >= settings.warmupMs && reps >= minReps) || elapsed >= 4 * settings.warmupMs) break;
    ms = await c.run(c.n);
    reps += c.n;
  }
  c.n = Math.max(1, Math.round((c.n * target) / Math.max(ms, 0.01)));
  c.samples = [];
  await settle(c, null);
}

const maxRounds = Math.max(0, ...active.map((c) => settings.benches[c.bench].rounds));
log(`sampling: up to ${maxRounds} rounds…`);
for (let r = 0; r < maxRounds; r++) {
  for (let k = 0; k < active.length; k++) {
    // No forced gc() between samples: measured here, a full collection just before a sample
    // made chainrule's next graph sample ~30% slower. Rotating the order instead spreads the
    // collection of one case's garbage over all the cases.
    const c = active[(k + r) % active.length];
    if (r >= settings.benches[c.bench].rounds) continue;
    c.samples.push((await c.run(c.n)) / c.n);
    await settle(c, active[(k + r + 1) % active.length]);
  }
}

// --------------------------------------------------------------------------- statistics

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const results = {};
for (const c of active) {
  const perRep = c.samples;
  const unit = settings.benches[c.bench].unit;
  const entry = { bench: c.bench, label: c.label, repeatsPerSample: c.n, samples: perRep.length };
  if (c.backend) entry.backend = c.backend;
  if (unit === 'ms') {
    Object.assign(entry, { unit, median: median(perRep), best: Math.min(...perRep), worst: Math.max(...perRep), values: perRep });
  } else {
    // Each sample's time per add (or per SGD step of samplesPerRep examples), as a rate.
    const rates = perRep.map((ms) => (1000 * (c.samplesPerRep ?? 1)) / ms);
    Object.assign(entry, { unit, median: median(rates), best: Math.max(...rates), worst: Math.min(...rates), values: rates });
  }
  results[c.id] = entry;
}

// How many times faster `mine` is than `peer` (> 1: mine is faster), by medians.
const speedup = (mine, peer) => {
  const a = results[mine];
  const b = results[peer];
  if (!a || !b) return null;
  return a.unit === 'ms' ? b.median / a.median : a.median / b.median;
};

/** Of several cases of one benchmark, the id with the best median (null if none ran). */
const bestOf = (ids) => {
  const ran = ids.filter((id) => results[id]);
  if (ran.length === 0) return null;
  return ran.reduce((a, b) => ((results[a].unit === 'ms' ? results[b].median < results[a].median : results[b].median > results[a].median) ? b : a));
};

// ------------------------------------------------------------------------------- tables

const fmtRate = (x) => Math.round(x).toLocaleString('en-US');
const fmtMs = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const fmtRatio = (x) => (x === null ? '' : `${x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3)}×`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

const ratios = {};
// The same ratios taken round by round, then the median: a check on the ratio of medians that
// is less sensitive to load that comes and goes during the run (written to results.json).
// Rounds that one of the two cases did not sample are left out.
const ratiosPerRound = {};
const perRound = (mine, peer) => {
  const a = results[mine];
  const b = results[peer];
  const n = Math.min(a.values.length, b.values.length);
  const rs = a.values.slice(0, n).map((x, r) => (a.unit === 'ms' ? b.values[r] / x : x / b.values[r]));
  return median(rs);
};
function table(bench, title, mine, fmt) {
  const rows = active.filter((c) => c.bench === bench);
  if (rows.length === 0) return;
  log();
  log(title);
  log(`  ${pad('case', 52)}${lpad('median', 13)}${lpad('best', 13)}   ${mine.map((m) => lpad(m.header, 18)).join('')}`);
  for (const c of rows) {
    const e = results[c.id];
    const cells = mine.map((m) => {
      const x = c.id === m.id ? null : speedup(m.id, c.id);
      if (x !== null) {
        ratios[`${m.id}/${c.id}`] = x;
        ratiosPerRound[`${m.id}/${c.id}`] = perRound(m.id, c.id);
      }
      return lpad(fmtRatio(x), 18);
    });
    log(`  ${pad(c.label, 52)}${lpad(fmt(e.median), 13)}${lpad(fmt(e.best), 13)}   ${cells.join('')}`);
  }
}
/** One ratio column per chainrule backend measured in this section. */
const mineColumns = (bench, verb) => chainruleIds(bench).map((id) => ({ id, header: `cr ${results[id]?.backend ?? ''} ${verb}` }));

table('add', `tiny add, shape [1] float32: ops/s (higher is better); ratio = chainrule ops/s ÷ this case's`, [
  { id: 'chainrule-add', header: 'chainrule ÷' },
  { id: 'chainrule-add-grad', header: 'cr(grad) ÷' },
], fmtRate);
table('graph', `${OPS}-op scalar graph (${STEPS} × mul, add, tanh over ${LEAVES.length} leaves), forward+backward: ms (lower is better); ratio = this case's ms ÷ chainrule's`, [
  { id: 'chainrule-graph', header: 'this ÷ cr' },
], fmtMs);
// GEMM: one row per library, one column per size; then chainrule's ratio to the best OpenBLAS
// figure (numpy or torch, as installed or with SkylakeX kernels) at each size.
if (gemmSizes.length > 0) {
  const rows = new Map();
  for (const c of active.filter((x) => x.bench.startsWith('gemm-'))) {
    const key = c.id.replace(/-gemm-\d+$/, '');
    if (!rows.has(key)) rows.set(key, { label: c.label, ids: {} });
    rows.get(key).ids[c.bench] = c.id;
  }
  const cell = (id) => lpad(id && results[id] ? results[id].median.toFixed(1) : '—', 10);
  log();
  log(`float32 GEMM, square n×n: GFLOP/s, median (higher is better); — : not run at that size (js loops and TF.js cpu stop at n = ${SLOW_MAX})`);
  log(`  ${pad('case', 52)}${gemmSizes.map((n) => lpad(`n=${n}`, 10)).join('')}`);
  for (const r of rows.values()) log(`  ${pad(r.label, 52)}${gemmSizes.map((n) => cell(r.ids[gemmBench(n)])).join('')}`);
  const blas = (n) => bestOf(['numpy', 'numpy-skx', 'torch', 'torch-skx'].map((p) => `${p}-gemm-${n}`));
  for (const key of rows.keys()) {
    if (!key.startsWith('chainrule-')) continue;
    const cells = gemmSizes.map((n) => {
      const mine = rows.get(key).ids[gemmBench(n)];
      const peer = blas(n);
      const x = mine && peer ? speedup(mine, peer) : null;
      if (x !== null) ratios[`${mine}/${peer}`] = x;
      return lpad(fmtRatio(x) || '—', 10);
    });
    log(`  ${pad(`${rows.get(key).label} ÷ best OpenBLAS`, 52)}${cells.join('')}`);
  }
}
for (const model of trainingModels) {
  const { title, batch } = MODELS[model];
  table(model, `${title}, batch ${batch}, SGD lr ${LR}: training samples/s (higher is better); ratio = chainrule's samples/s ÷ this case's`,
    mineColumns(model, '÷'), fmtRate);
}
table('conv', `conv2d forward+backward, x [${CONV.batch}, ${CONV.inC}, ${CONV.size}, ${CONV.size}], w [${CONV.outC}, ${CONV.inC}, ${CONV.k}, ${CONV.k}] ` +
  `(${(3 * 2 * CONV.macs / 1e6).toFixed(1)} MFLOP a pass): ms (lower is better); ratio = this case's ms ÷ chainrule's`,
mineColumns('conv', '÷').map((m) => ({ ...m, header: `this ÷ cr ${results[m.id]?.backend ?? ''}` })), fmtMs);

// ------------------------------------------------------------------------ gradient check

const gradientCheck = {};
let checksPassed = true;
if (active.some((c) => c.grads && c.bench === 'graph')) {
  const ref = referenceGradients();
  log();
  log(`gradient check: d h/d w for w = [${LEAVES.join(', ')}] against a float64 hand derivation, tolerance ${GRAD_TOLERANCE}`);
  log(`  ${pad('float64 reference', 30)} [${ref.grads.map((g) => g.toFixed(7)).join(', ')}]`);
  for (const c of active.filter((x) => x.grads && x.bench === 'graph')) {
    const g = await c.grads();
    const diff = maxAbsDiff(g, ref.grads);
    const ok = g.length === ref.grads.length && g.every(Number.isFinite) && diff <= GRAD_TOLERANCE;
    checksPassed &&= ok;
    gradientCheck[c.id] = { grads: g, maxAbsDiff: diff, ok };
    log(`  ${pad(c.id, 30)} [${g.map((x) => x.toFixed(7)).join(', ')}]  max|Δ| ${diff.toExponential(1)}  ${ok ? 'ok' : 'MISMATCH'}`);
  }
  gradientCheck.reference = ref.grads;
}

// conv2d: every library's ∂L/∂w against chainrule js's (or the first chainrule case's).
const convCheck = {};
const convCases = active.filter((c) => c.grads && c.bench === 'conv');
if (convCases.length > 0) {
  const ref = await convCases[0].grads();
  const scale = Math.max(...ref.map(Math.abs));
  log();
  log(`conv2d check: ∂L/∂w (${ref.length} entries, largest |·| ${scale.toFixed(2)}) against ${convCases[0].id}, tolerance ${CONV_GRAD_TOLERANCE} relative to the largest`);
  for (const c of convCases.slice(1)) {
    const g = await c.grads();
    const rel = maxAbsDiff(g, ref) / scale;
    const ok = g.length === ref.length && g.every(Number.isFinite) && rel <= CONV_GRAD_TOLERANCE;
    checksPassed &&= ok;
    convCheck[c.id] = { maxRelDiff: rel, ok };
    log(`  ${pad(c.id, 30)} max|Δ|/max|g| ${rel.toExponential(1)}  ${ok ? 'ok' : 'MISMATCH'}`);
  }
}

// ------------------------------------------------------------------ training agreement

// From the same initial weights, every library trains the same batches in the same order, then
// scores the 2,000 test digits: the same maths gives the same accuracy (to a few digits).
const accuracy = {};
for (const model of trainingModels) {
  const steps = settings.accuracySteps[model];
  const runs = active.filter((c) => c.bench === model && c.accuracy);
  if (runs.length === 0) continue;
  const { batch } = MODELS[model];
  log();
  log(`${MODELS[model].title}: test accuracy after ${steps} SGD steps of batch ${batch} (lr ${LR}) from the same weights and batches`);
  log(`  ${pad('case', 52)}${lpad('loss step 1', 13)}${lpad(`loss step ${steps}`, 14)}${lpad('test acc.', 11)}`);
  accuracy[model] = { steps, batch, runs: {} };
  let ref = null;
  for (const c of runs) {
    const started = performance.now();
    const r = await c.accuracy(steps);
    r.seconds = (performance.now() - started) / 1000;
    ref ??= { id: c.id, ...r };
    const lossOk = Math.abs(r.firstLoss - ref.firstLoss) <= FIRST_LOSS_TOLERANCE * Math.abs(ref.firstLoss);
    const accOk = Math.abs(r.accuracy - ref.accuracy) <= ACCURACY_TOLERANCE;
    r.ok = lossOk && accOk && Number.isFinite(r.lastLoss);
    checksPassed &&= r.ok;
    accuracy[model].runs[c.id] = r;
    const verdict = c.id === ref.id ? '' : r.ok ? '  ok' : `  MISMATCH with ${ref.id}${lossOk ? '' : ' (first loss)'}${accOk ? '' : ' (accuracy)'}`;
    log(`  ${pad(c.label, 52)}${lpad(r.firstLoss.toFixed(6), 13)}${lpad(r.lastLoss.toFixed(6), 14)}${lpad(`${(100 * r.accuracy).toFixed(2)}%`, 11)}${verdict}`);
  }
}

if (tfjs) {
  const live = tfjs.liveTensors();
  // The cases' own operands and variables stay alive; anything more would be a leak in the TF.js cases.
  if (live > tfjs.held) {
    log(`warning: TF.js holds ${live} tensors after the run (expected ${tfjs.held}): the TF.js cases leak`);
    checksPassed = false;
  }
}

// ------------------------------------------------------------------------------ targets

// ------------------------------------------------------------------------------- memory

let memory = null;
if (wantMemory) {
  const skip = [...(flag('no-tfjs') ? ['tfjs'] : []), ...(flag('no-jax') ? ['jax'] : []), ...(flag('no-torch') || torches.length === 0 ? ['torch'] : [])];
  if (!('native' in backendLabels)) skip.push('chainrule-native');
  const stepsFor = (m) => (quick ? Math.max(2, MEMORY_STEPS[m] / 4) : MEMORY_STEPS[m]);
  log();
  log('peak memory: each library trains in a fresh process of its own (bench/memory.js) …');
  memory = await measureMemory(setup, MEMORY_MODELS, { torchWorker: () => torchCases(TORCH_VARIANTS[0]).then((t) => (t.missing ? null : t)), skip, stepsFor });
  const mib = (kib) => (kib / 1024).toFixed(0);
  for (const [model, m] of Object.entries(memory)) {
    log();
    log(`${MODELS[model].title}: resident memory (MiB) of a process that trains ${m.steps} SGD steps of batch ${m.batch}`);
    log(`  ${pad('library', 40)}${lpad('loaded', 10)}${lpad('peak', 10)}${lpad('peak − loaded', 16)}`);
    for (const r of Object.values(m.runs)) {
      if (r.error) log(`  ${pad(r.label, 40)}  not measured: ${r.error}`);
      else log(`  ${pad(r.label, 40)}${lpad(mib(r.beforeKiB), 10)}${lpad(mib(r.peakKiB), 10)}${lpad(mib(r.peakKiB - r.beforeKiB), 16)}`);
    }
  }
}

// The issue's targets, as ratios of medians from this run. A library measured in several forms
// (PyTorch as installed and with SkylakeX kernels; numpy and torch for OpenBLAS) counts with its
// best; chainrule counts with its best backend in the training sections.
const targets = {};
const TARGETS = [
  { key: 'add', what: 'tiny add: chainrule ops/s ÷ PyTorch', min: 10, mine: ['chainrule-add'], peer: ['torch-add', 'torch-skx-add'], peerName: 'PyTorch' },
  { key: 'addGrad', what: 'tiny add recording grad ÷ PyTorch', min: 10, mine: ['chainrule-add-grad'], peer: ['torch-add-grad', 'torch-skx-add-grad'], peerName: 'PyTorch' },
  { key: 'graph', what: '999-op graph: PyTorch ms ÷ chainrule ms', min: 10, mine: ['chainrule-graph'], peer: ['torch-graph', 'torch-skx-graph'], peerName: 'PyTorch' },
  { key: 'gemm1024', what: 'GEMM n=1024: chainrule ÷ OpenBLAS', min: 0.9, mine: chainruleIds('gemm-1024'),
    peer: ['numpy-gemm-1024', 'numpy-skx-gemm-1024', 'torch-gemm-1024', 'torch-skx-gemm-1024'], peerName: 'OpenBLAS (numpy, torch)' },
  { key: 'mlpSmallTorch', what: 'MLP 784-128-10: chainrule ÷ PyTorch', min: 2, mine: chainruleIds('mlp-small'), peer: ['torch-mlp-small', 'torch-skx-mlp-small'], peerName: 'PyTorch' },
  { key: 'mlpSmallJax', what: 'MLP 784-128-10: chainrule ÷ jax-js', min: 4, mine: chainruleIds('mlp-small'), peer: ['jax-mlp-small'], peerName: 'jax-js' },
  { key: 'cnnTorch', what: 'CNN: chainrule ÷ PyTorch', min: 2, mine: chainruleIds('cnn'), peer: ['torch-cnn', 'torch-skx-cnn'], peerName: 'PyTorch' },
];
const wantedTargets = TARGETS.filter((t) => t.mine.some((id) => results[id]));
if (wantedTargets.length > 0) {
  log();
  log('targets (issue 7), ratios of medians in this run (> 1: chainrule is faster)');
  for (const t of wantedTargets) {
    const mine = bestOf(t.mine);
    const peer = bestOf(t.peer);
    if (peer === null) {
      log(`  ${pad(t.what, 44)}      n/a (${t.peerName} not measured)`);
      continue;
    }
    const x = speedup(mine, peer);
    targets[t.key] = { ratio: x, min: t.min, met: x >= t.min, mine, peer };
    const verdict = x >= t.min ? 'met' : `not met (${(t.min / x).toFixed(2)}× short)`;
    log(`  ${pad(t.what, 44)} ${lpad(fmtRatio(x), 8)}  target ≥ ${t.min}×: ${verdict}   [${mine} vs ${peer}]`);
  }
  const floorAdd = speedup('chainrule-add', 'bare-add');
  const floorGraph = speedup('chainrule-graph', 'bare-graph');
  if (floorAdd !== null) log(`  chainrule's tiny add runs at ${(100 * floorAdd).toFixed(0)}% of the bare-JS floor`);
  if (floorGraph !== null) log(`  chainrule's graph runs at ${(100 * floorGraph).toFixed(0)}% of the bare-JS tape's speed`);
}

// ------------------------------------------------------------------------------ results.json

const loadEnd = os.loadavg();
const out = {
  date: new Date().toISOString(),
  quick,
  only: only ?? null,
  sections,
  machine: {
    cpu: os.cpus()[0]?.model ?? null,
    cores: os.cpus().length,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    loadavgStart: loadStart,
    loadavgEnd: loadEnd,
  },
  versions,
  backends: backendLabels,
  notes,
  settings: { ...settings, gradTolerance: GRAD_TOLERANCE, firstLossTolerance: FIRST_LOSS_TOLERANCE, accuracyTolerance: ACCURACY_TOLERANCE, convGradTolerance: CONV_GRAD_TOLERANCE },
  graph: { leaves: LEAVES, steps: STEPS, ops: OPS, step: 'h = tanh(h * w[(i+1)%4] + w[(i+2)%4]), h0 = w[0]' },
  training: setup === null ? null : {
    lr: LR,
    models: Object.fromEntries(trainingModels.map((m) => [m, { title: MODELS[m].title, batch: MODELS[m].batch, layers: MODELS[m].layers }])),
    conv: wantConv ? CONV : null,
  },
  results,
  ratios,
  ratiosPerRound,
  targets,
  gradientCheck,
  convCheck,
  accuracy,
  memory,
  checksPassed,
  seconds: (performance.now() - t0) / 1000,
};
const file = fileURLToPath(new URL('./results.json', import.meta.url));
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
log();
log(`load average at the end ${loadEnd.map((x) => x.toFixed(2)).join(' ')}; ${out.seconds.toFixed(0)} s; wrote bench/results.json`);
if (!checksPassed) {
  log('CHECK FAILED: see above');
  process.exitCode = 1;
}
for (const t of torches) t.close();
for (const made of chainrules) made.close?.();
