// Where a call into C++ starts to pay: time per kernel call on the js backend and on the native
// addon (forced, whatever the size), for arrays from 1 element up. The crossovers set
// DEFAULT_THRESHOLDS in src/backends/native/index.ts, below which the native backend hands a call
// to js, so that tiny-op dispatch is never slower than js.
//
//   npm run build && node bench/native-dispatch.js

import os from 'node:os';

const { jsBackend } = await import('../dist/index.js');
const { createNativeBackend, DEFAULT_THRESHOLDS } = await import('../dist/backends/native/index.js');
const { nativeAddon, nativeLoadError } = await import('../dist/node/native.js');
const addon = nativeAddon();
if (addon === null) {
  console.error(`bench: the native addon did not load (${nativeLoadError()})`);
  process.exit(1);
}
const zero = { elementwise: 0, transcendental: 0, reduce: 0, movement: 0, matmulMacs: 0, optimizer: 0 };
const forced = createNativeBackend(addon, { thresholds: zero });
const routed = createNativeBackend(addon);

const random = (n) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);

/**
 * Nanoseconds of this process's CPU time per call, the best of several 40 ms batches. CPU time,
 * not wall time: on a shared machine the wall clock also counts the time other processes ran.
 * (These calls are all below the sizes that wake the addon's worker threads.)
 */
function ns(f) {
  for (let i = 0; i < 2000; i++) f();
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    let calls = 0;
    const c0 = process.cpuUsage();
    let us;
    do {
      for (let i = 0; i < 100; i++) f();
      calls += 100;
      const c = process.cpuUsage(c0);
      us = c.user + c.system;
    } while (us < 40_000);
    best = Math.min(best, (us * 1e3) / calls);
  }
  return best;
}

const cases = {
  'add (same shape)': (n) => {
    const a = random(n), b = random(n);
    return (be) => () => be.binary('add', a, [n], b, [n], [n], 'float32');
  },
  'mul (row broadcast)': (n) => {
    const cols = Math.max(1, Math.round(Math.sqrt(n)));
    const rows = Math.max(1, Math.round(n / cols));
    const a = random(rows * cols), b = random(cols);
    return (be) => () => be.binary('mul', a, [rows, cols], b, [cols], [rows, cols], 'float32');
  },
  relu: (n) => {
    const a = random(n);
    return (be) => () => be.unary('relu', a, 'float32');
  },
  exp: (n) => {
    const a = random(n);
    return (be) => () => be.unary('exp', a, 'float32');
  },
  'sum (rows)': (n) => {
    const cols = Math.max(1, Math.round(Math.sqrt(n)));
    const rows = Math.max(1, Math.round(n / cols));
    const a = random(rows * cols);
    return (be) => () => be.reduce('sum', a, [rows, cols], [1]);
  },
  softmax: (n) => {
    const cols = Math.min(n, 10);
    const rows = Math.max(1, Math.round(n / cols));
    const a = random(rows * cols);
    return (be) => () => be.softmax(a, [rows, cols], 1, false);
  },
  'permute (transpose)': (n) => {
    const cols = Math.max(1, Math.round(Math.sqrt(n)));
    const rows = Math.max(1, Math.round(n / cols));
    const a = random(rows * cols);
    return (be) => () => be.permute(a, [rows, cols], [1, 0]);
  },
  'sgdStep (momentum)': (n) => {
    const p = random(n), g = random(n), buf = random(n);
    const h = { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, freshBuffer: false };
    return (be) => () => be.sgdStep(p, g, buf, h);
  },
};

console.log(`CPU ns per call (best of 7 batches) — ${os.cpus()[0]?.model}, load ${os.loadavg()[0].toFixed(2)}`);
console.log('columns: js | native forced | native as routed by the thresholds\n');
const sizes = [1, 4, 16, 64, 256, 1024, 4096, 16384];
for (const [name, make] of Object.entries(cases)) {
  const cells = sizes.map((n) => {
    const run = make(n);
    return `${ns(run(jsBackend)).toFixed(0)}|${ns(run(forced)).toFixed(0)}|${ns(run(routed)).toFixed(0)}`;
  });
  console.log(`${name.padEnd(22)} ${sizes.map((n, i) => `${n}: ${cells[i]}`).join('  ')}`);
}

console.log('\nmatmul m = n = k (ns per call): js | native forced | routed');
for (const n of [2, 4, 8, 12, 16, 24, 32, 48, 64]) {
  const a = random(n * n), b = random(n * n);
  const p = { batch: 1, m: n, n, k: n, transA: false, transB: false, strideA: 0, strideB: 0 };
  const t = [jsBackend, forced, routed].map((be) => ns(() => be.matmul(a, b, p, 'float32')).toFixed(0));
  console.log(`  ${String(n).padStart(3)}: ${t.join(' | ')}`);
}
console.log(`\nthresholds in use: ${JSON.stringify(DEFAULT_THRESHOLDS)}`);
