// PyTorch cases, run in one long-lived /usr/bin/python3 child (bench/torch_bench.py) that
// answers JSON requests line by line, so its samples interleave with the JS libraries' samples.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADD, LEAVES, MUL } from './graph.js';
import { CONV, LR, MODELS, parameterShapes } from './training.js';
import { GEMM_SIZES, gemmFlops } from './gemm.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url));

/**
 * The PyTorch workers run.js starts: torch as installed, and torch with OpenBLAS told the right
 * kernels for an AVX-512 CPU (OpenBLAS misdetects some and falls back to slow generic ones).
 * The issue asks for PyTorch's better figure of the two.
 */
export const TORCH_VARIANTS = [
  { tag: 'torch', name: 'PyTorch', env: {} },
  { tag: 'torch-skx', name: 'PyTorch SkylakeX', env: { OPENBLAS_CORETYPE: 'SkylakeX' } },
];

/**
 * Starts one PyTorch worker (a variant of TORCH_VARIANTS). Resolves to { cases, version, close }
 * or, when python3 or torch is missing, to { missing: 'why' } so that the benchmark goes on
 * without PyTorch. Case ids start with the variant's tag.
 */
export async function torchCases(variant = TORCH_VARIANTS[0]) {
  const { tag, name } = variant;
  let child;
  try {
    child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...variant.env } });
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

  // Every case says which worker process runs it (run.js pauses between processes' samples: see SETTLE_MS).
  const mark = (list) => list.map((c) => ({ ...c, worker: tag }));
  const cases = mark([
    { id: `${tag}-add`, bench: 'add', label: `${name} a + b`, run: async (n) => (await ask({ cmd: 'add', n, grad: false })).ms },
    { id: `${tag}-add-grad`, bench: 'add', label: `${name} a + b, a.requires_grad`, run: async (n) => (await ask({ cmd: 'add', n, grad: true })).ms },
    {
      id: `${tag}-graph`,
      bench: 'graph',
      label: `${name} .backward()`,
      run: async (n) => (await ask({ cmd: 'graph', n })).ms,
      grads: async () => (await ask({ cmd: 'grads' })).grads,
    },
  ]);
  let dir = null;
  /**
   * The training and conv cases: the shared data, batch order and weights go to the worker as
   * raw float32/int32 files in a temporary folder (removed by close()), which it maps with numpy.
   */
  const training = async (setup, models, withConv) => {
    dir = mkdtempSync(join(tmpdir(), 'chainrule-bench-'));
    const write = (name, array) => writeFileSync(join(dir, name), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    const out = [];
    if (models.length > 0) {
      write('train_x.f32', setup.trainX);
      write('train_y.i32', setup.trainY);
      write('test_x.f32', setup.testX);
      write('test_y.i32', setup.testY);
      await ask({ cmd: 'data', dir, train: setup.trainCount, test: setup.testCount });
    }
    for (const model of models) {
      const ws = setup.weights[model];
      const flat = new Float32Array(ws.reduce((n, w) => n + w.length, 0));
      ws.reduce((at, w) => (flat.set(w, at), at + w.length), 0);
      const file = `weights-${model}.f32`;
      write(file, flat);
      const { layers, batch } = MODELS[model];
      await ask({ cmd: 'model', id: model, layers, batch, lr: LR, weights: join(dir, file), shapes: parameterShapes(model) });
      out.push({
        id: `${tag}-${model}`,
        bench: model,
        label: `${name} ${hello.version}, ${hello.threads} thread${hello.threads === 1 ? '' : 's'}, optim.SGD`,
        run: async (n) => (await ask({ cmd: 'train', id: model, n })).ms,
        accuracy: async (steps) => {
          const { accuracy, firstLoss, lastLoss } = await ask({ cmd: 'accuracy', id: model, steps });
          return { accuracy, firstLoss, lastLoss };
        },
        samplesPerRep: batch,
      });
    }
    if (withConv) {
      write('conv_x.f32', setup.conv.x);
      write('conv_w.f32', setup.conv.w);
      write('conv_g.f32', setup.conv.g);
      await ask({ cmd: 'conv_init', dir, batch: CONV.batch, inC: CONV.inC, outC: CONV.outC, k: CONV.k, size: CONV.size });
      out.push({
        id: `${tag}-conv`,
        bench: 'conv',
        label: `${name} F.conv2d, y.backward(g)`,
        run: async (n) => (await ask({ cmd: 'conv', n })).ms,
        grads: async () => (await ask({ cmd: 'conv_grads' })).grads,
      });
    }
    return mark(out);
  };

  /** float32 matrix products a @ b in torch and in numpy (both on the worker's OpenBLAS). */
  const gemm = async (sizes = GEMM_SIZES) => {
    await ask({ cmd: 'gemm_init', sizes });
    const libs = [['torch', `${name} a @ b`], ['numpy', `numpy ${hello.numpy}${tag === 'torch' ? '' : ' SkylakeX'} a @ b`]];
    return mark(libs.flatMap(([lib, label]) => sizes.map((n) => ({
      id: `${lib === 'torch' ? tag : tag.replace('torch', 'numpy')}-gemm-${n}`,
      bench: `gemm-${n}`,
      label,
      library: lib,
      run: async (reps) => (await ask({ cmd: 'gemm', n, reps, lib })).ms,
      samplesPerRep: gemmFlops(n) / 1e9,
    }))));
  };

  const close = () => {
    child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  };
  /** The worker's resident set now and its peak (since the last reset), in KiB (Linux). */
  const memory = async (reset = false) => {
    const { rssKiB, peakKiB } = await ask({ cmd: 'memory', reset });
    return { rssKiB, peakKiB };
  };

  return { cases, training, gemm, memory, version: hello.version, numpy: hello.numpy, threads: hello.threads, close };
}
