// The process in which chainrule's benchmark cases run (started by bench/chainrule-process.js):
// a heap of its own, as in a user's training script, and as PyTorch has in its worker. Sharing
// run.js's process, V8's collector threads also marked the heaps that TF.js and jax-js keep
// there, and on this 2-core machine they took most of a core from chainrule's native threads.
//
// Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.
//   { cmd: 'init', trainingModels, wantConv, gemmSizes, backends } → { cases: [metadata], backendLabels, notes }
//   { cmd: 'run', id, n } → { ms }        { cmd: 'check', id } → { ok }
//   { cmd: 'grads', id } → { grads }      { cmd: 'accuracy', id, steps } → { accuracy, firstLoss, lastLoss }
//   { cmd: 'quit' }

import { createInterface } from 'node:readline';
import { makeChainruleCases } from './chainrule-cases.js';

const reply = (answer) => process.stdout.write(JSON.stringify(answer) + '\n');
const byId = new Map();

async function answer(req) {
  if (req.cmd === 'init') {
    const made = await makeChainruleCases(req);
    for (const c of made.cases) byId.set(c.id, c);
    const cases = made.cases.map((c) => {
      const meta = {};
      for (const [k, v] of Object.entries(c)) if (typeof v !== 'function') meta[k] = v;
      meta.has = { check: typeof c.check === 'function', grads: typeof c.grads === 'function', accuracy: typeof c.accuracy === 'function' };
      return meta;
    });
    return { cases, backendLabels: made.backendLabels, notes: made.notes };
  }
  const c = byId.get(req.id);
  if (c === undefined) throw new Error(`no case ${req.id}`);
  if (req.cmd === 'run') return { ms: await c.run(req.n) };
  if (req.cmd === 'check') return { ok: await c.check() };
  if (req.cmd === 'grads') return { grads: Array.from(await c.grads()) };
  if (req.cmd === 'accuracy') return await c.accuracy(req.steps);
  throw new Error(`unknown command ${req.cmd}`);
}

for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  if (req.cmd === 'quit') break;
  try {
    reply(await answer(req));
  } catch (err) {
    reply({ error: err.stack ?? String(err) });
  }
}
process.exit(0);
