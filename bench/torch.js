// PyTorch cases, run in one long-lived /usr/bin/python3 child (bench/torch_bench.py) that
// answers JSON requests line by line, so its samples interleave with the JS libraries' samples.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { ADD, LEAVES, MUL } from './graph.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url));

/**
 * Starts the PyTorch worker. Resolves to { cases, version, close } or, when python3 or torch is
 * missing, to { missing: 'why' } so that the benchmark goes on without PyTorch.
 */
export async function torchCases() {
  let child;
  try {
    child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  } catch (err) {
    return { missing: `cannot start ${PYTHON}: ${err.message}` };
  }
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const failed = new Promise((resolve) => child.once('error', (err) => resolve({ missing: `cannot start ${PYTHON}: ${err.message}` })));
  const read = async () => {
    const next = await Promise.race([lines.next(), failed]);
    if (next.missing) throw new Error(next.missing);
    if (next.done) throw new Error('the PyTorch worker exited');
    return JSON.parse(next.value);
  };
  const ask = async (req) => {
    child.stdin.write(JSON.stringify(req) + '\n');
    const answer = await read();
    if (answer.error) throw new Error(`PyTorch worker: ${answer.error}`);
    return answer;
  };

  let hello;
  try {
    hello = await read();
  } catch (err) {
    return { missing: err.message };
  }
  if (!hello.ok) {
    child.kill();
    return { missing: `torch does not import in ${PYTHON} (${hello.error})` };
  }
  await ask({ cmd: 'init', leaves: LEAVES, mul: Array.from(MUL), add: Array.from(ADD) });

  const cases = [
    { id: 'torch-add', bench: 'add', label: 'PyTorch a + b', run: async (n) => (await ask({ cmd: 'add', n, grad: false })).ms },
    { id: 'torch-add-grad', bench: 'add', label: 'PyTorch a + b, a.requires_grad', run: async (n) => (await ask({ cmd: 'add', n, grad: true })).ms },
    {
      id: 'torch-graph',
      bench: 'graph',
      label: 'PyTorch .backward()',
      run: async (n) => (await ask({ cmd: 'graph', n })).ms,
      grads: async () => (await ask({ cmd: 'grads' })).grads,
    },
  ];
  const close = () => {
    child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
  };
  return { cases, version: hello.version, threads: hello.threads, close };
}
