// jax-js cases (`@jax-js/jax`, its wasm device, with jit), in this Node process beside the others.
//
// jax-js owns arrays by reference count: every function consumes its arguments, and `.ref`
// keeps an array for another use. Its ops are dispatched asynchronously, so each timed unit
// ends with blockUntilReady: a sample counts only work that is done. In Node it runs on one
// thread (its worker pool needs the browser's global Worker).

import { readFileSync } from 'node:fs';
import { ADD, LEAVES, MUL, STEPS } from './graph.js';
import { CONV, LR, MODELS, accuracyOf, batchesPerEpoch, transpose2d } from './training.js';
import { gemmBench, gemmFlops } from './gemm.js';

let sink = null;
const now = () => performance.now();

/** Loads jax-js on its wasm device; { jax, version } or { missing: 'why' }. */
export async function loadJax() {
  try {
    const jax = await import('@jax-js/jax');
    await jax.init('wasm');
    jax.defaultDevice('wasm');
    const pkg = JSON.parse(readFileSync(new URL('../node_modules/@jax-js/jax/package.json', import.meta.url), 'utf8'));
    return { jax, version: pkg.version };
  } catch (err) {
    return { missing: err.message };
  }
}

/** The tiny add and the scalar graph (jit(grad(f)) over the four leaves). */
export function jaxDispatchCases({ numpy: np, jit, grad, tree }) {
  const a = np.array([1.5]);
  const b = np.array([2.25]);
  const add = {
    id: 'jax-add',
    bench: 'add',
    label: 'jax-js a.ref.add(b.ref), blockUntilReady',
    async run(n) {
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const c = a.ref.add(b.ref);
        await c.blockUntilReady();
        sink = c;
        c.dispose();
      }
      return now() - t0;
    },
  };
  const f = (w) => {
    let h = w[0].ref;
    for (let i = 0; i < STEPS; i++) h = np.tanh(h.mul(w[MUL[i]].ref).add(w[ADD[i]].ref));
    tree.dispose(w);
    return h;
  };
  const gradOf = jit(grad(f));
  const w = LEAVES.map((v) => np.array(v));
  const pass = async () => {
    const gs = gradOf(tree.ref(w));
    await Promise.all(gs.map((g) => g.blockUntilReady()));
    return gs;
  };
  const graph = {
    id: 'jax-graph',
    bench: 'graph',
    label: 'jax-js jit(grad(f))',
    async run(n) {
      const t0 = now();
      for (let k = 0; k < n; k++) {
        const gs = await pass();
        sink = gs;
        tree.dispose(gs);
      }
      return now() - t0;
    },
    async grads() {
      const gs = await pass();
      return gs.map((g) => g.dataSync()[0]);
    },
  };
  return [add, graph];
}

/**
 * The training models in jax-js, written as a loss function of the parameter list: NCHW
 * convolutions with OIHW kernels (PyTorch's layouts), dense kernels [in, out], max-pool 2 as a
 * reshape and a max over the window axes (after dropping an odd last row and column, as
 * PyTorch's floor does). One step is jit(valueAndGrad(loss)) and a jit SGD update.
 */
export function jaxTrainingCases(jax, setup, models) {
  const { numpy: np, nn, lax, jit, valueAndGrad, tree } = jax;
  const cases = [];
  for (const model of models) {
    const { batch: b, image, layers } = MODELS[model];
    const forward = (ps, x) => {
      let h = x;
      let i = 0;
      let shape = [1, 28, 28];
      for (const l of layers) {
        if (l.kind === 'conv') {
          h = lax.conv(h, ps[i], [1, 1], 'VALID').add(ps[i + 1].reshape([1, l.out, 1, 1]));
          shape = [l.out, shape[1] - l.k + 1, shape[2] - l.k + 1];
          i += 2;
        } else if (l.kind === 'linear') {
          h = np.matmul(h, ps[i]).add(ps[i + 1]);
          i += 2;
        } else if (l.kind === 'relu') {
          h = nn.relu(h);
        } else if (l.kind === 'pool') {
          const [c, hh, ww] = shape;
          const oh = hh >> 1;
          const ow = ww >> 1;
          if (hh % 2 || ww % 2) h = h.slice([], [], [0, 2 * oh], [0, 2 * ow]);
          h = h.reshape([-1, c, oh, 2, ow, 2]).max([3, 5]);
          shape = [c, oh, ow];
        } else if (l.kind === 'flatten') {
          h = h.reshape([-1, shape[0] * shape[1] * shape[2]]);
        }
      }
      return h;
    };
    const loss = (ps, x, y) => nn.logSoftmax(forward(ps, x), -1).mul(y).sum().mul(-1 / b);
    const valueGrad = jit(valueAndGrad(loss));
    const sgd = jit((ps, gs) => ps.map((p, i) => p.sub(gs[i].mul(LR))));
    const predict = jit(forward);

    const initial = () => {
      const ws = setup.weights[model];
      const ps = [];
      let i = 0;
      for (const l of layers) {
        if (l.kind === 'conv') {
          ps.push(np.array(ws[i]).reshape([l.out, l.in, l.k, l.k]), np.array(ws[i + 1]));
          i += 2;
        } else if (l.kind === 'linear') {
          ps.push(np.array(transpose2d(ws[i], l.out, l.in)).reshape([l.in, l.out]), np.array(ws[i + 1]));
          i += 2;
        }
      }
      return ps;
    };
    const batches = [];
    for (let k = 0; k < batchesPerEpoch(setup, model); k++) {
      const x = np.array(setup.trainX.subarray(k * b * 784, (k + 1) * b * 784)).reshape(image ? [b, 1, 28, 28] : [b, 784]);
      const hot = new Float32Array(b * 10);
      for (let r = 0; r < b; r++) hot[r * 10 + setup.trainY[k * b + r]] = 1;
      batches.push([x, np.array(hot).reshape([b, 10])]);
    }
    /** One SGD step: returns [loss, the updated parameters]; consumes ps. */
    const step = (ps, [x, y]) => {
      const [l, gs] = valueGrad(tree.ref(ps), x.ref, y.ref);
      return [l, sgd(ps, gs)];
    };
    let params = initial();
    let cursor = 0;
    cases.push({
      id: `jax-${model}`,
      bench: model,
      label: 'jax-js wasm, jit(valueAndGrad) + jit SGD',
      async run(n) {
        const t0 = now();
        for (let k = 0; k < n; k++) {
          const [l, next] = step(params, batches[cursor++ % batches.length]);
          l.dispose();
          params = next;
        }
        await jax.blockUntilReady(params);
        return now() - t0;
      },
      async accuracy(steps) {
        let ps = initial();
        const losses = [];
        for (let k = 0; k < steps; k++) {
          const [l, next] = step(ps, batches[k % batches.length]);
          ps = next;
          if (k === 0 || k === steps - 1) losses.push((await l.data())[0]);
          else l.dispose();
        }
        const logits = new Float32Array(setup.testCount * 10);
        for (let s = 0; s < setup.testCount; s += 500) {
          const rows = Math.min(500, setup.testCount - s);
          const x = np.array(setup.testX.subarray(s * 784, (s + rows) * 784)).reshape(image ? [rows, 1, 28, 28] : [rows, 784]);
          logits.set(await predict(tree.ref(ps), x).data(), s * 10);
        }
        tree.dispose(ps);
        return { accuracy: accuracyOf(logits, setup.testY), firstLoss: losses[0], lastLoss: losses[losses.length - 1] };
      },
      samplesPerRep: b,
    });
  }
  return cases;
}

/** conv2d forward and both gradients: jit(grad) of Σ conv(x, w)·g with respect to x and w. */
export function jaxConvCase({ numpy: np, lax, jit, grad }, setup) {
  const { batch, inC, outC, k, size, out } = CONV;
  const x = np.array(setup.conv.x).reshape([batch, inC, size, size]);
  const w = np.array(setup.conv.w).reshape([outC, inC, k, k]);
  const g = np.array(setup.conv.g).reshape([batch, outC, out, out]);
  const gradsOf = jit(grad((xi, wi, gi) => lax.conv(xi, wi, [1, 1], 'VALID').mul(gi).sum(), { argnums: [0, 1] }));
  const pass = async () => {
    const gs = gradsOf(x.ref, w.ref, g.ref);
    await Promise.all(gs.map((t) => t.blockUntilReady()));
    return gs;
  };
  return {
    id: 'jax-conv',
    bench: 'conv',
    label: 'jax-js jit(grad(Σ conv·g))',
    async run(n) {
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const gs = await pass();
        sink = gs;
        gs.forEach((t) => t.dispose());
      }
      return now() - t0;
    },
    async grads() {
      const [dx, dw] = await pass();
      dx.dispose();
      return Array.from(await dw.data());
    },
  };
}

/** jit(matmul) on the shared operands. */
export function jaxGemmCases({ numpy: np, jit }, operands, sizes) {
  const mm = jit((a, b) => np.matmul(a, b));
  return sizes.map((n) => {
    const [a, b] = operands[n].map((data) => np.array(data).reshape([n, n]));
    return {
      id: `jax-gemm-${n}`,
      bench: gemmBench(n),
      label: 'jax-js jit(matmul)',
      async run(reps) {
        const t0 = now();
        for (let i = 0; i < reps; i++) {
          const c = mm(a.ref, b.ref);
          await c.blockUntilReady();
          sink = c;
          c.dispose();
        }
        return now() - t0;
      },
      samplesPerRep: gemmFlops(n) / 1e9,
    };
  });
}
