// `npm run bench`: dispatch overhead of chainrule against its peers, measured in one run.
//
//   node bench/run.js [--quick] [--only=add|graph] [--no-torch] [--no-tfjs]
//
// Two benchmarks (see bench/README.md): a tiny add on shape-[1] float32 tensors (ops/s), and
// forward+backward of a 999-op scalar graph (ms). Every case is warmed up, then sampled in
// rounds; each round takes one sample of every case, in a rotated order, so that the drift of a
// noisy shared machine lands on all libraries alike. Figures are medians (and best) over rounds;
// ratios are taken between medians of the same run (results.json also holds the median of the
// round-by-round ratios). Results go to bench/results.json.

import os from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bareAddCase, bareTapeCase, chainruleCases, tfjsCases } from './cases.js';
import { torchCases } from './torch.js';
import { LEAVES, OPS, STEPS, maxAbsDiff, referenceGradients } from './graph.js';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
for (const a of args) {
  if (!/^--(quick|no-torch|no-tfjs|only=(add|graph))$/.test(a)) {
    console.error(`bench: unknown argument ${a}; usage: node bench/run.js [--quick] [--only=add|graph] [--no-torch] [--no-tfjs]`);
    process.exit(2);
  }
}
const quick = flag('quick');
const only = option('only');
const settings = quick
  ? { rounds: 7, warmupMs: 300, sampleMs: { add: 30, graph: 40 } }
  : { rounds: 21, warmupMs: 800, sampleMs: { add: 100, graph: 150 } };
settings.minWarmupReps = { add: 1e6, graph: 100 };
// Tolerance of a float32 gradient against the float64 oracle, after 333 chained steps.
const GRAD_TOLERANCE = 1e-4;

const log = (s = '') => process.stdout.write(s + '\n');
const loadStart = os.loadavg();
const t0 = performance.now();

// ------------------------------------------------------------------------------ the cases

const cases = [];
const notes = [];
const versions = { chainrule: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version };

try {
  cases.push(...(await chainruleCases()));
} catch (err) {
  if (err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  console.error(`bench: cannot load chainrule from dist/ (${err.message}); build it first: npm run build`);
  process.exit(1);
}
cases.push(bareAddCase(), bareTapeCase());

let tfjs = null;
if (!flag('no-tfjs')) {
  try {
    tfjs = await tfjsCases();
    cases.push(...tfjs.cases);
    versions.tfjs = tfjs.version;
  } catch (err) {
    notes.push(`TensorFlow.js skipped: ${err.message}`);
  }
} else {
  notes.push('TensorFlow.js skipped (--no-tfjs)');
}

let torch = null;
if (!flag('no-torch')) {
  const t = await torchCases();
  if (t.missing) {
    notes.push(`PyTorch skipped: ${t.missing}`);
  } else {
    torch = t;
    cases.push(...t.cases);
    versions.torch = t.version;
  }
} else {
  notes.push('PyTorch skipped (--no-torch)');
}

// Display order: chainrule first, then peers, then the floors.
const ORDER = ['chainrule-add', 'chainrule-add-grad', 'torch-add', 'torch-add-grad', 'tfjs-add', 'bare-add',
  'chainrule-graph', 'torch-graph', 'tfjs-graph', 'bare-graph'];
const active = cases
  .filter((c) => only === undefined || c.bench === only)
  .sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));

log(`chainrule dispatch benchmark${quick ? ' (--quick)' : ''}`);
log(`${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, ` +
  `TF.js ${versions.tfjs ?? '—'}, PyTorch ${versions.torch ?? '—'}${torch ? ` (${torch.threads} thread)` : ''}; ` +
  `load average ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
for (const n of notes) log(`note: ${n}`);

// ------------------------------------------------------------------------ sanity checks

for (const c of active) {
  if (c.check) {
    await c.run(1);
    if (!c.check()) throw new Error(`bench: ${c.label} did not compute 1.5 + 2.25 = 3.75`);
  }
}

// ----------------------------------------------------------------------- warm-up, sampling

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
  const target = settings.sampleMs[c.bench];
  c.n = await calibrate(c, target);
  // Long enough for the JIT to settle: chainrule's graph runs ~10× slower for its first ~20
  // passes, so warm-up also asks for a number of repeats, within 4× the time. Then n is
  // measured again at full speed.
  const start = performance.now();
  const minReps = settings.minWarmupReps[c.bench];
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
}

log(`sampling: ${settings.rounds} rounds${only ? `, ${only} only` : ''}…`);
for (let r = 0; r < settings.rounds; r++) {
  for (let k = 0; k < active.length; k++) {
    // No forced gc() between samples: measured here, a full collection just before a sample
    // made chainrule's next graph sample ~30% slower. Rotating the order instead spreads the
    // collection of one case's garbage over all the cases.
    const c = active[(k + r) % active.length];
    c.samples.push((await c.run(c.n)) / c.n);
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
  const perOp = c.samples;
  const entry = { bench: c.bench, label: c.label, repeatsPerSample: c.n, samples: perOp.length };
  if (c.bench === 'add') {
    // Each sample's time per add, as ops per second.
    const rates = perOp.map((ms) => 1000 / ms);
    Object.assign(entry, { unit: 'ops/s', median: median(rates), best: Math.max(...rates), worst: Math.min(...rates), values: rates });
  } else {
    Object.assign(entry, { unit: 'ms', median: median(perOp), best: Math.min(...perOp), worst: Math.max(...perOp), values: perOp });
  }
  results[c.id] = entry;
}

// How many times faster chainrule is than `peer` (> 1: chainrule is faster), by medians.
const speedup = (mine, peer) => {
  const a = results[mine];
  const b = results[peer];
  if (!a || !b) return null;
  return a.unit === 'ops/s' ? a.median / b.median : b.median / a.median;
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
const ratiosPerRound = {};
const perRound = (mine, peer) => {
  const a = results[mine];
  const b = results[peer];
  const rs = a.values.map((x, r) => (a.unit === 'ops/s' ? x / b.values[r] : b.values[r] / x));
  return median(rs);
};
function table(bench, title, mine, fmt) {
  const rows = active.filter((c) => c.bench === bench);
  if (rows.length === 0) return;
  log();
  log(title);
  log(`  ${pad('case', 52)}${lpad('median', 13)}${lpad('best', 13)}   ${mine.map((m) => lpad(m.header, 14)).join('')}`);
  for (const c of rows) {
    const e = results[c.id];
    const cells = mine.map((m) => {
      const x = c.id === m.id ? null : speedup(m.id, c.id);
      if (x !== null) {
        ratios[`${m.id}/${c.id}`] = x;
        ratiosPerRound[`${m.id}/${c.id}`] = perRound(m.id, c.id);
      }
      return lpad(fmtRatio(x), 14);
    });
    log(`  ${pad(c.label, 52)}${lpad(fmt(e.median), 13)}${lpad(fmt(e.best), 13)}   ${cells.join('')}`);
  }
}

table('add', `tiny add, shape [1] float32: ops/s (higher is better); ratio = chainrule ops/s ÷ this case's`, [
  { id: 'chainrule-add', header: 'chainrule ÷' },
  { id: 'chainrule-add-grad', header: 'cr(grad) ÷' },
], fmtRate);
table('graph', `${OPS}-op scalar graph (${STEPS} × mul, add, tanh over ${LEAVES.length} leaves), forward+backward: ms (lower is better); ratio = this case's ms ÷ chainrule's`, [
  { id: 'chainrule-graph', header: 'this ÷ cr' },
], fmtMs);

// ------------------------------------------------------------------------ gradient check

const gradientCheck = {};
let checksPassed = true;
if (active.some((c) => c.grads)) {
  const ref = referenceGradients();
  log();
  log(`gradient check: d h/d w for w = [${LEAVES.join(', ')}] against a float64 hand derivation, tolerance ${GRAD_TOLERANCE}`);
  log(`  ${pad('float64 reference', 30)} [${ref.grads.map((g) => g.toFixed(7)).join(', ')}]`);
  for (const c of active.filter((x) => x.grads)) {
    const g = await c.grads();
    const diff = maxAbsDiff(g, ref.grads);
    const ok = g.length === ref.grads.length && g.every(Number.isFinite) && diff <= GRAD_TOLERANCE;
    checksPassed &&= ok;
    gradientCheck[c.id] = { grads: g, maxAbsDiff: diff, ok };
    log(`  ${pad(c.id, 30)} [${g.map((x) => x.toFixed(7)).join(', ')}]  max|Δ| ${diff.toExponential(1)}  ${ok ? 'ok' : 'MISMATCH'}`);
  }
  gradientCheck.reference = ref.grads;
}
if (tfjs) {
  const live = tfjs.liveTensors();
  // a, b and the four leaves stay alive; anything more would be a leak in the TF.js cases.
  if (live > 6) {
    log(`warning: TF.js holds ${live} tensors after the run (expected 6): the TF.js cases leak`);
    checksPassed = false;
  }
}

// ------------------------------------------------------------------------------ targets

const TARGET = 10;
const targets = {};
log();
log(`targets (issue): tiny add ≥ ${TARGET}× PyTorch's ops/s; graph ≤ 1/${TARGET} of PyTorch's time`);
const target = (key, mine, peer, what) => {
  const x = speedup(mine, peer);
  if (x === null) {
    log(`  ${pad(what, 44)} n/a (${results[mine] ? 'PyTorch not measured' : 'not run'})`);
    return;
  }
  targets[key] = { ratio: x, met: x >= TARGET };
  log(`  ${pad(what, 44)} ${lpad(fmtRatio(x), 8)}  ${x >= TARGET ? 'met' : `not met (${(TARGET / x).toFixed(1)}× short)`}`);
};
target('add', 'chainrule-add', 'torch-add', 'tiny add, chainrule ÷ PyTorch');
target('addGrad', 'chainrule-add-grad', 'torch-add-grad', 'tiny add recording grad, chainrule ÷ PyTorch');
target('graph', 'chainrule-graph', 'torch-graph', 'graph, PyTorch ms ÷ chainrule ms');
const floorAdd = speedup('chainrule-add', 'bare-add');
const floorGraph = speedup('chainrule-graph', 'bare-graph');
if (floorAdd !== null) log(`  chainrule's tiny add runs at ${(100 * floorAdd).toFixed(0)}% of the bare-JS floor`);
if (floorGraph !== null) log(`  chainrule's graph runs at ${(100 * floorGraph).toFixed(0)}% of the bare-JS tape's speed`);

// ------------------------------------------------------------------------------ results.json

const loadEnd = os.loadavg();
const out = {
  date: new Date().toISOString(),
  quick,
  only: only ?? null,
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
  notes,
  settings: { ...settings, gradTolerance: GRAD_TOLERANCE },
  graph: { leaves: LEAVES, steps: STEPS, ops: OPS, step: 'h = tanh(h * w[(i+1)%4] + w[(i+2)%4]), h0 = w[0]' },
  results,
  ratios,
  ratiosPerRound,
  targets,
  gradientCheck,
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
torch?.close();
