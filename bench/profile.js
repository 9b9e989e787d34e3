// Where chainrule's time goes: runs one chainrule case of the benchmark under V8's sampling
// profiler (the one `node --cpu-prof` uses, started through node:inspector around the timed
// loop only) and prints the functions and files that take the time.
//
//   node bench/profile.js add|add-grad|graph|mlp|mlp-large|cnn|conv [seconds=5] [--backend=js|native] [--keep]
//
// Needs dist/ (npm run build). The training cases (mlp, mlp-large, cnn) and conv are the ones of
// `npm run bench`, on the backend named (default js). The .cpuprofile is written to a temporary
// folder and removed afterwards unless --keep is given (then its path is printed; open it in
// Chrome DevTools).

import { spawnSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CASES = {
  add: 'chainrule-add', 'add-grad': 'chainrule-add-grad', graph: 'chainrule-graph',
  mlp: 'mlp-small', 'mlp-large': 'mlp-large', cnn: 'cnn', conv: 'conv',
};
const args = process.argv.slice(2);

/** The case to profile: a dispatch case of cases.js, or a training/conv case on `backend`. */
async function findCase(id, backend) {
  const cases = await import('./cases.js');
  if (id.startsWith('chainrule-')) return (await cases.chainruleCases()).find((x) => x.id === id);
  const cr = await import('../dist/index.js');
  const node = await import('../dist/node/index.js');
  const { trainingSetup } = await import('./training.js');
  if (!cr.listBackends().includes(backend)) throw new Error(`backend ${backend} is not available (have ${cr.listBackends().join(', ')})`);
  const setup = await trainingSetup(cr, node.loadMnist);
  return id === 'conv'
    ? cases.chainruleConvCase(cr, setup, backend, backend)
    : cases.chainruleTrainingCases(cr, setup, backend, backend, [id])[0];
}

if (args[0] === '--child') {
  // The profiled process: warm up, then run the case for the given time.
  const c = await findCase(args[1], args[3]);
  const seconds = Number(args[2]);
  const n = c.bench === 'add' ? 100_000 : c.bench === 'graph' ? 20 : 1;
  for (const until = performance.now() + 500; performance.now() < until;) c.run(n);
  // Profiled from here on only: the warm-up, and the loading of MNIST for the training cases,
  // would otherwise take a good share of the samples.
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  let reps = 0;
  let ms = 0;
  for (const until = performance.now() + seconds * 1000; performance.now() < until; reps += n) ms += c.run(n);
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(join(args[4], 'child.cpuprofile'), JSON.stringify(profile));
  const per = ms / reps;
  const what = c.bench === 'add' ? `${Math.round(1000 / per).toLocaleString('en-US')} ops/s`
    : c.samplesPerRep ? `${per.toFixed(2)} ms per step, ${Math.round((1000 * c.samplesPerRep) / per).toLocaleString('en-US')} samples/s`
      : `${per.toFixed(3)} ms per pass`;
  console.log(`${c.label}${c.samplesPerRep ? ` ${c.bench}` : ''}: ${what} while profiled`);
  process.exit(0);
}

const which = args.find((a) => !a.startsWith('--')) ?? 'graph';
const id = CASES[which];
const backend = args.find((a) => a.startsWith('--backend='))?.split('=')[1] ?? 'js';
if (!id) {
  console.error(`usage: node bench/profile.js ${Object.keys(CASES).join('|')} [seconds] [--backend=js|native] [--keep]`);
  process.exit(2);
}
const seconds = Number(args.filter((a) => !a.startsWith('--'))[1] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'chainrule-prof-'));
const self = fileURLToPath(import.meta.url);
const run = spawnSync(process.execPath, [self, '--child', id, String(seconds), backend, dir], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile')));
summarize(JSON.parse(readFileSync(file, 'utf8')));
if (args.includes('--keep')) console.log(`\nprofile: ${file}`);
else rmSync(dir, { recursive: true, force: true });

/** Self and inclusive time per function, and self time per file, over the timed part. */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + us);
  }
  const short = (url) => url.replace(/^file:\/\//, '').replace(/^.*\/(dist|bench|node_modules)\//, '$1/');
  const where = (cf) => (cf.url ? `${short(cf.url)}:${cf.lineNumber + 1}` : '');
  const nameOf = (cf) => `${cf.functionName || '(anonymous)'} ${where(cf)}`.trim();

  // Inclusive time: a node's self time plus its descendants'; a function counted once per stack.
  const inclusive = new Map();
  const walk = (node, onStack) => {
    let total = selfUs.get(node.id) ?? 0;
    const key = nameOf(node.callFrame);
    const fresh = !onStack.has(key);
    if (fresh) onStack.add(key);
    for (const c of node.children ?? []) total += walk(byId.get(c), onStack);
    if (fresh) {
      onStack.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + total);
    }
    return total;
  };
  const root = profile.nodes[0];
  const all = walk(root, new Set());
  const self = new Map();
  const files = new Map();
  for (const n of profile.nodes) {
    const us = selfUs.get(n.id) ?? 0;
    if (us === 0) continue;
    const key = nameOf(n.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    const f = n.callFrame.url ? short(n.callFrame.url) : n.callFrame.functionName;
    files.set(f, (files.get(f) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / all).toFixed(1).padStart(5)}%`;
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log(`\nself time by function (of ${(all / 1e6).toFixed(1)} s sampled)`);
  for (const [k, us] of top(self, 25)) console.log(`  ${pct(us)}  ${k}`);
  console.log('\nself time by file');
  for (const [k, us] of top(files, 12)) console.log(`  ${pct(us)}  ${k}`);
  console.log('\ninclusive time (chainrule and bench functions)');
  for (const [k, us] of top(new Map([...inclusive].filter(([k]) => /dist\/|bench\//.test(k))), 25)) console.log(`  ${pct(us)}  ${k}`);
}
