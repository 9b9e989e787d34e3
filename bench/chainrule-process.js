// run.js's side of bench/chainrule-worker.js: starts the worker and gives back its cases as
// run.js's own, each run(n), check(), grads() and accuracy() a request to the worker.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./chainrule-worker.js', import.meta.url));

/**
 * { cases, backendLabels, notes, close } for the sections asked (see makeChainruleCases), from a
 * worker whose samples run.js tells apart from other processes' by `tag`.
 */
export async function chainruleProcessCases(request, tag) {
  const child = spawn(process.execPath, [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve({ exited: code })));
  // One request at a time: run.js awaits each answer before it asks again.
  const ask = async (req) => {
    child.stdin.write(JSON.stringify(req) + '\n');
    const next = await Promise.race([lines.next(), exited]);
    if (next.exited !== undefined || next.done) throw new Error(`the chainrule worker exited (code ${next.exited ?? 'unknown'})`);
    const answer = JSON.parse(next.value);
    if (answer.error) throw new Error(`chainrule worker: ${answer.error}`);
    return answer;
  };
  const made = await ask({ cmd: 'init', ...request });
  const cases = made.cases.map(({ has, ...meta }) => ({
    ...meta,
    // run.js pauses between samples of different processes (see SETTLE_MS).
    worker: tag,
    run: async (n) => (await ask({ cmd: 'run', id: meta.id, n })).ms,
    ...(has.check ? { check: async () => (await ask({ cmd: 'check', id: meta.id })).ok } : {}),
    ...(has.grads ? { grads: async () => (await ask({ cmd: 'grads', id: meta.id })).grads } : {}),
    ...(has.accuracy ? { accuracy: async (steps) => ask({ cmd: 'accuracy', id: meta.id, steps }) } : {}),
  }));
  const close = () => child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
  return { cases, backendLabels: made.backendLabels, notes: made.notes, close };
}
