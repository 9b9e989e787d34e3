// GEMM throughput of the native backend against the js backend (and NumPy, where
// /usr/bin/python3 has it), float32 and float64, square n×n products.
//
//   npm run build && node bench/gemm-native.js [--quick] [--sizes=64,128,256,512,1024] [--no-numpy]
//
// Each case is warmed up, then timed in batches for a fixed time; the figure is the best batch
// (GFLOP/s = 2n³ / time), since on a shared machine contention only ever slows a batch down. The
// median is printed beside it. Native runs on every instruction set this CPU supports, on one
// thread and on all. js is slow enough at n ≥ 512 that it runs once there.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = args.includes('--quick');
const sizes = (option('sizes') ?? '64,128,256,512,1024').split(',').map(Number);
const budgetMs = quick ? 250 : 700;

const { jsBackend } = await import('../dist/index.js');
const { createNativeBackend } = await import('../dist/backends/native/index.js');
const { nativeAddon, nativeLoadError } = await import('../dist/node/native.js');
const addon = nativeAddon();
if (addon === null) {
  console.error(`bench: the native addon did not load (${nativeLoadError()}); build it with \`node native/build.js\``);
  process.exit(1);
}
// Every call reaches C++, whatever the size.
const native = createNativeBackend(addon, { thresholds: { matmulMacs: 0 } });

function random(dtype, n) {
  const x = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

/** Best and median seconds per call of f, over batches run for budgetMs (at least one call). */
function time(f, flop) {
  f();
  const perBatch = Math.max(1, Math.floor(5e7 / flop));
  const samples = [];
  const end = performance.now() + budgetMs;
  do {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) f();
    samples.push((performance.now() - t0) / 1000 / perBatch);
  } while (performance.now() < end);
  samples.sort((a, b) => a - b);
  return { best: samples[0], median: samples[Math.floor(samples.length / 2)] };
}

function once(f) {
  const t0 = performance.now();
  f();
  const s = (performance.now() - t0) / 1000;
  return { best: s, median: s };
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const cores = os.availableParallelism?.() ?? os.cpus().length;
console.log(`GEMM, square n×n, GFLOP/s (best batch; median in parentheses) — ${cpu}, ${cores} cores, load ${os.loadavg()[0].toFixed(2)}`);
console.log(`native: instruction sets ${addon.supportedIsas().join(', ')} (default ${addon.bestIsa()}), ${addon.threads()} threads by default\n`);

const rows = [];
const defaultThreads = addon.threads();
const isas = addon.supportedIsas().filter((isa) => isa !== 'avx512-tiles');
for (const dtype of ['float32', 'float64']) {
  for (const n of sizes) {
    const a = random(dtype, n * n);
    const b = random(dtype, n * n);
    const p = { batch: 1, m: n, n, k: n, transA: false, transB: false, strideA: 0, strideB: 0 };
    const flop = 2 * n * n * n;
    const row = { dtype, n, cells: {} };
    for (const isa of isas) {
      addon.setIsa(isa);
      for (const threads of [...new Set([1, defaultThreads])]) {
        addon.setThreads(threads);
        const t = time(() => native.matmul(a, b, p, dtype), flop);
        row.cells[`native ${isa} ${threads}t`] = t;
      }
    }
    addon.setIsa(addon.bestIsa());
    addon.setThreads(defaultThreads);
    if (n <= 512 || !quick) row.cells.js = n >= 512 ? once(() => jsBackend.matmul(a, b, p, dtype)) : time(() => jsBackend.matmul(a, b, p, dtype), flop);
    rows.push(row);
  }
}

// NumPy, with OpenBLAS's kernels for this CPU forced where it misdetects them (SkylakeX needs
// AVX-512; on an AVX2-only CPU Haswell's are the right ones).
let numpyNote = null;
if (!args.includes('--no-numpy') && existsSync('/usr/bin/python3')) {
  const avx512 = existsSync('/proc/cpuinfo') && /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  const coretype = avx512 ? 'SkylakeX' : 'Haswell';
  const script = `
import json, sys, time
import numpy as np
try:
    cfg = np.__config__.get_info('blas_opt_info')
    blas = ','.join(cfg.get('libraries', [])) or 'unknown'
except Exception:
    blas = 'unknown'
out = {'version': np.__version__, 'blas': blas, 'results': {}}
for dtype in ('float32', 'float64'):
    for n in ${JSON.stringify(sizes)}:
        a = np.random.rand(n, n).astype(dtype); b = np.random.rand(n, n).astype(dtype)
        a @ b
        flop = 2.0 * n ** 3
        per = max(1, int(5e7 / flop)); samples = []; end = time.perf_counter() + ${budgetMs / 1000}
        while True:
            t0 = time.perf_counter()
            for _ in range(per): a @ b
            samples.append((time.perf_counter() - t0) / per)
            if time.perf_counter() > end: break
        samples.sort()
        out['results'][dtype + ' ' + str(n)] = {'best': samples[0], 'median': samples[len(samples) // 2]}
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, OPENBLAS_CORETYPE: coretype }, timeout: 600_000 });
  if (r.status === 0) {
    const np = JSON.parse(r.stdout.trim().split('\n').pop());
    for (const row of rows) {
      const t = np.results[`${row.dtype} ${row.n}`];
      if (t) row.cells['numpy'] = t;
    }
    numpyNote = `numpy ${np.version}, BLAS libraries: ${np.blas} (OPENBLAS_CORETYPE=${coretype}; 'blas' is the reference BLAS unless the system's libblas.so.3 points to OpenBLAS)`;
  } else {
    numpyNote = `numpy skipped: ${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop()}`;
  }
}

const columns = [...new Set(rows.flatMap((r) => Object.keys(r.cells)))];
const fmt = (row, col) => {
  const t = row.cells[col];
  if (!t) return '—';
  const flop = 2 * row.n ** 3;
  return `${(flop / t.best / 1e9).toFixed(1)} (${(flop / t.median / 1e9).toFixed(1)})`;
};
const header = ['dtype', 'n', ...columns];
const table = [header, ...rows.map((r) => [r.dtype, String(r.n), ...columns.map((c) => fmt(r, c))])];
const widths = header.map((_, i) => Math.max(...table.map((line) => line[i].length)));
for (const line of table) console.log(line.map((cell, i) => cell.padStart(widths[i])).join('  '));
if (numpyNote) console.log(`\n${numpyNote}`);
const best = addon.bestIsa();
for (const row of rows) {
  const nat = row.cells[`native ${best} ${defaultThreads}t`];
  if (row.cells.js && nat && row.n === sizes[sizes.length - 1]) console.log(`native (${best}, ${defaultThreads} threads) / js at n=${row.n}, ${row.dtype}: ${(row.cells.js.best / nat.best).toFixed(0)}×`);
}
