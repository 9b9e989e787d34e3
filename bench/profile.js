// Where chainrule's dispatch time goes: runs one chainrule case of the benchmark under
// `node --cpu-prof` and prints the functions and files that take the time.
//
//   node bench/profile.js add|add-grad|graph [seconds=5] [--keep]
//
// Needs dist/ (npm run build). The .cpuprofile is written to a temporary folder and removed
// afterwards unless --keep is given (then its path is printed; open it in Chrome DevTools).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CASES = { add: 'chainrule-add', 'add-grad': 'chainrule-add-grad', graph: 'chainrule-graph' };
const args = process.argv.slice(2);

if (args[0] === '--child') {
  // The profiled process: warm up, then run the case for the given time.
  const { chainruleCases } = await import('./cases.js');
  const c = (await chainruleCases()).find((x) => x.id === args[1]);
  const seconds = Number(args[2]);
  const n = c.bench === 'add' ? 100_000 : 20;
  for (const until = performance.now() + 500; performance.now() < until;) c.run(n);
  let reps = 0;
  let ms = 0;
  for (const until = performance.now() + seconds * 1000; performance.now() < until; reps += n) ms += c.run(n);
  const per = ms / reps;
  console.log(c.bench === 'add' ? `${c.label}: ${Math.round(1000 / per).toLocaleString('en-US')} ops/s while profiled` : `${c.label}: ${per.toFixed(3)} ms per pass while profiled`);
  process.exit(0);
}

const which = args.find((a) => !a.startsWith('--')) ?? 'graph';
const id = CASES[which];
if (!id) {
  console.error(`usage: node bench/profile.js ${Object.keys(CASES).join('|')} [seconds] [--keep]`);
  process.exit(2);
}
const seconds = Number(args.filter((a) => !a.startsWith('--'))[1] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'chainrule-prof-'));
const self = fileURLToPath(import.meta.url);
const run = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, self, '--child', id, String(seconds)], { stdio: 'inherit' });
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
