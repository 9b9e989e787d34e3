// The benchmark cases that run inside this Node process: chainrule, TensorFlow.js (cpu backend)
// and the bare-JavaScript floors. Each case is { id, bench, label, run(n) → ms, grads?() }:
// run does n repetitions (n adds, or n forward+backward passes of the graph) and returns the
// elapsed milliseconds; grads gives the leaf gradients of the graph for the correctness check.

import { ADD, LEAVES, MUL, STEPS } from './graph.js';
import {
  CONV, LR, MODELS, accuracyOf, batchesPerEpoch, chwLinearToHwcKernel, hwioToOihw, nchwToNhwc, oihwToHwio, transpose2d,
} from './training.js';

// Every result is stored here, so that the optimizer cannot prove an op's output unused and drop
// its allocation (escape analysis would otherwise make a bare loop look infinitely fast).
export let sink = null;

const now = () => performance.now();

// ---------------------------------------------------------------------------------- chainrule

export async function chainruleCases() {
  const cr = await import('../dist/index.js');
  // The backend these cases run on: the one current when they are made (js, unless the caller
  // chose another). Each run() selects it again, since training cases of other backends
  // interleave with these.
  const backend = cr.getBackend().name;
  const cases = [];
  for (const requiresGrad of [false, true]) {
    // a: shape [1] float32, as the issue specifies; with requiresGrad every add records a node.
    const a = cr.tensor([1.5], { requiresGrad });
    const b = cr.tensor([2.25]);
    cases.push({
      id: requiresGrad ? 'chainrule-add-grad' : 'chainrule-add',
      bench: 'add',
      label: requiresGrad ? 'chainrule a.add(b), a.requiresGrad' : 'chainrule a.add(b)',
      run(n) {
        cr.setBackend(backend);
        const t0 = now();
        for (let i = 0; i < n; i++) sink = a.add(b);
        return now() - t0;
      },
      check: () => sink.item() === 3.75 && sink.requiresGrad === requiresGrad,
    });
  }

  const w = LEAVES.map((v) => cr.tensor(v, { requiresGrad: true }));
  cases.push({
    id: 'chainrule-graph',
    bench: 'graph',
    label: 'chainrule .backward()',
    run(n) {
      cr.setBackend(backend);
      const t0 = now();
      for (let k = 0; k < n; k++) {
        // A fresh gradient per pass, as optimizer.zeroGrad() would give.
        for (let j = 0; j < w.length; j++) w[j].grad = null;
        let h = w[0];
        for (let i = 0; i < STEPS; i++) h = h.mul(w[MUL[i]]).add(w[ADD[i]]).tanh();
        h.backward();
        sink = h;
      }
      return now() - t0;
    },
    grads: () => w.map((x) => x.grad.item()),
  });
  return cases;
}

// ------------------------------------------------------------------------------ TensorFlow.js

/** Case ids and labels of one TF.js backend: 'tfjs-…' for cpu (as before wasm joined), 'tfjs-wasm-…'. */
const tfjsTag = (backend) => (backend === 'cpu' ? 'tfjs' : `tfjs-${backend}`);

/**
 * Loads TF.js with its wasm backend registered. Production mode only silences TF.js's "install
 * tfjs-node" banner; the backends' work is the same with or without it.
 */
export async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs');
  tf.enableProdMode();
  let wasm = null;
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) wasm = 'its wasm backend did not initialise';
  } catch (err) {
    wasm = `@tensorflow/tfjs-backend-wasm did not load (${err.message})`;
  }
  await tf.setBackend('cpu');
  return { tf, backends: wasm === null ? ['cpu', 'wasm'] : ['cpu'], missing: wasm };
}

/**
 * TF.js's backend is global: every case selects its own before it is timed, since the cases of
 * both backends interleave, and each backend's tensors are made while it is selected, so no
 * data moves between backends during a run.
 */
export async function useTfjsBackend(tf, backend) {
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
}

export async function tfjsCases(tf, backend = 'cpu') {
  await useTfjsBackend(tf, backend);
  const tag = tfjsTag(backend);
  const select = () => useTfjsBackend(tf, backend);

  const a = tf.tensor1d([1.5]);
  const b = tf.tensor1d([2.25]);
  // TF.js frees tensors only when told. The cheapest idiom a user has for one op at a time is to
  // dispose each result (measured here: ≈ as fast as tf.tidy per op, ~3× faster than one tidy
  // around a block of many adds), so that is what is timed.
  const add = {
    id: `${tag}-add`,
    bench: 'add',
    label: `TF.js ${backend} tf.add(a, b); c.dispose()`,
    async run(n) {
      await select();
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const c = tf.add(a, b);
        sink = c;
        c.dispose();
      }
      return now() - t0;
    },
  };

  const w = LEAVES.map((v) => tf.scalar(v));
  // tf.grads differentiates f with respect to its arguments and disposes the intermediates
  // itself; only the returned gradients are the caller's to dispose.
  const gradsOf = tf.grads((...leaves) => {
    let h = leaves[0];
    for (let i = 0; i < STEPS; i++) h = tf.tanh(tf.add(tf.mul(h, leaves[MUL[i]]), leaves[ADD[i]]));
    return h;
  });
  const graph = {
    id: `${tag}-graph`,
    bench: 'graph',
    label: `TF.js ${backend} tf.grads(f)`,
    async run(n) {
      await select();
      const t0 = now();
      for (let k = 0; k < n; k++) {
        const gs = gradsOf(w);
        sink = gs;
        tf.dispose(gs);
      }
      return now() - t0;
    },
    async grads() {
      await select();
      const gs = gradsOf(w);
      const values = gs.map((g) => g.dataSync()[0]);
      tf.dispose(gs);
      return values;
    },
  };
  // a, b and the four leaves stay alive (`held`); anything more after a run would be a leak.
  return { cases: [add, graph], held: 6 };
}

// --------------------------------------------------------------------------- bare JavaScript

/**
 * What V8 itself costs: per add, one 1-element Float32Array and one small object holding it, as
 * any tensor library must allocate at least. No shapes, dtypes, dispatch or graph.
 */
export function bareAddCase() {
  const a = { data: Float32Array.of(1.5), shape: [1] };
  const b = { data: Float32Array.of(2.25), shape: [1] };
  return {
    id: 'bare-add',
    bench: 'add',
    label: 'bare JS: Float32Array(1) + object per add (floor)',
    run(n) {
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const out = new Float32Array(1);
        out[0] = a.data[0] + b.data[0];
        sink = { data: out, shape: a.shape };
      }
      return now() - t0;
    },
    check: () => sink.data[0] === 3.75,
  };
}

// A minimal scalar tape: a value node per op (a Float32Array(1) and an object with its inputs)
// pushed in creation order, so backward is one reverse walk with a switch. This is a floor for
// the graph benchmark, not a library: no shapes, no broadcasting, no op registry.
const MULOP = 0;
const ADDOP = 1;
const TANHOP = 2;
class Val {
  constructor(v, op, a, b) {
    this.data = new Float32Array(1);
    this.data[0] = v;
    this.grad = 0;
    this.op = op;
    this.a = a;
    this.b = b;
  }
}

export function bareTapeCase() {
  const w = LEAVES.map((v) => new Val(v, -1, null, null));
  let tape = [];
  const record = (v) => (tape.push(v), v);
  const mul = (x, y) => record(new Val(x.data[0] * y.data[0], MULOP, x, y));
  const add = (x, y) => record(new Val(x.data[0] + y.data[0], ADDOP, x, y));
  const tanh = (x) => record(new Val(Math.tanh(x.data[0]), TANHOP, x, null));
  const backward = (root) => {
    root.grad = 1;
    for (let i = tape.length - 1; i >= 0; i--) {
      const v = tape[i];
      const g = v.grad;
      switch (v.op) {
        case MULOP: v.a.grad += g * v.b.data[0]; v.b.grad += g * v.a.data[0]; break;
        case ADDOP: v.a.grad += g; v.b.grad += g; break;
        case TANHOP: v.a.grad += g * (1 - v.data[0] * v.data[0]); break;
      }
    }
  };
  return {
    id: 'bare-graph',
    bench: 'graph',
    label: 'bare JS scalar tape (floor)',
    run(n) {
      const t0 = now();
      for (let k = 0; k < n; k++) {
        for (let j = 0; j < w.length; j++) w[j].grad = 0;
        tape = [];
        let h = w[0];
        for (let i = 0; i < STEPS; i++) h = tanh(add(mul(h, w[MUL[i]]), w[ADD[i]]));
        backward(h);
        sink = h;
      }
      return now() - t0;
    },
    grads: () => w.map((x) => x.grad),
  };
}

// ------------------------------------------------------------------- training (chainrule)

/**
 * One chainrule model of bench/training.js, built from nn layers and loaded with the shared
 * initial weights (PyTorch's layout, which is chainrule's too).
 */
function chainruleModel(cr, model, weights) {
  const layers = MODELS[model].layers.map((l) => {
    switch (l.kind) {
      case 'linear': return new cr.nn.Linear(l.in, l.out);
      case 'conv': return new cr.nn.Conv2d(l.in, l.out, l.k);
      case 'relu': return new cr.nn.ReLU();
      case 'pool': return new cr.nn.MaxPool2d(2);
      case 'flatten': return new cr.nn.Flatten();
      default: throw new Error(`bench: unknown layer ${l.kind}`);
    }
  });
  const net = new cr.nn.Sequential(...layers);
  const params = net.parameters();
  params.forEach((p, i) => p.data.set(weights[i]));
  return net;
}

/** The model's batches as chainrule tensors: views of the shared arrays, no copies. */
function chainruleBatches(cr, setup, model) {
  const { batch: b, image } = MODELS[model];
  const batches = [];
  for (let i = 0; i < batchesPerEpoch(setup, model); i++) {
    const x = setup.trainX.subarray(i * b * 784, (i + 1) * b * 784);
    batches.push([cr.tensor(x, { shape: image ? [b, 1, 28, 28] : [b, 784] }), cr.tensor(setup.trainY.subarray(i * b, (i + 1) * b))]);
  }
  return batches;
}

/**
 * Training cases of chainrule on one backend: `run(n)` takes n SGD steps (batch after batch,
 * going on from where the last sample stopped) and returns the ms; `accuracy(steps)` trains a
 * fresh copy from the initial weights and scores the test digits. Each case selects its backend
 * when it runs, since the cases of several backends interleave.
 */
export function chainruleTrainingCases(cr, setup, backend, label, models) {
  const cases = [];
  const lossFn = new cr.nn.CrossEntropyLoss();
  const step = (net, opt, [x, y]) => {
    opt.zeroGrad();
    const loss = lossFn.forward(net.forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  for (const model of models) {
    const { batch, image } = MODELS[model];
    const batches = chainruleBatches(cr, setup, model);
    const net = chainruleModel(cr, model, setup.weights[model]);
    const opt = new cr.optim.SGD(net.parameters(), { lr: LR });
    let cursor = 0;
    cases.push({
      id: `chainrule-${backend}-${model}`,
      bench: model,
      label: `chainrule ${label}`,
      backend,
      run(n) {
        cr.setBackend(backend);
        const t0 = now();
        for (let k = 0; k < n; k++) sink = step(net, opt, batches[cursor++ % batches.length]);
        return now() - t0;
      },
      accuracy(steps) {
        cr.setBackend(backend);
        const fresh = chainruleModel(cr, model, setup.weights[model]);
        const o = new cr.optim.SGD(fresh.parameters(), { lr: LR });
        const losses = [];
        for (let k = 0; k < steps; k++) {
          const l = step(fresh, o, batches[k % batches.length]).item();
          if (k === 0 || k === steps - 1) losses.push(l);
        }
        const logits = new Float32Array(setup.testCount * 10);
        cr.noGrad(() => {
          for (let s = 0; s < setup.testCount; s += 500) {
            const rows = Math.min(500, setup.testCount - s);
            const x = cr.tensor(setup.testX.subarray(s * 784, (s + rows) * 784), { shape: image ? [rows, 1, 28, 28] : [rows, 784] });
            logits.set(fresh.forward(x).data, s * 10);
          }
        });
        return { accuracy: accuracyOf(logits, setup.testY), firstLoss: losses[0], lastLoss: losses[losses.length - 1] };
      },
      samplesPerRep: batch,
    });
  }
  return cases;
}

/** conv2d forward + backward (both gradients) on one backend; grads() gives ∂L/∂w. */
export function chainruleConvCase(cr, setup, backend, label) {
  const { batch, inC, outC, k, size, out } = CONV;
  const x = cr.tensor(setup.conv.x, { shape: [batch, inC, size, size], requiresGrad: true });
  const w = cr.tensor(setup.conv.w, { shape: [outC, inC, k, k], requiresGrad: true });
  const g = cr.tensor(setup.conv.g, { shape: [batch, outC, out, out] });
  const pass = () => {
    x.grad = null;
    w.grad = null;
    const y = cr.nn.functional.conv2d(x, w);
    y.backward(g);
    return y;
  };
  return {
    id: `chainrule-${backend}-conv`,
    bench: 'conv',
    label: `chainrule ${label}`,
    backend,
    run(n) {
      cr.setBackend(backend);
      const t0 = now();
      for (let i = 0; i < n; i++) sink = pass();
      return now() - t0;
    },
    grads() {
      cr.setBackend(backend);
      pass();
      return Array.from(w.grad.data);
    },
  };
}

// ----------------------------------------------------------------------- training (TF.js)

/**
 * The same models in TF.js (cpu backend), written by hand with tf.train.sgd and
 * tf.losses.softmaxCrossEntropy, NHWC as TF.js computes convolutions. The shared weights are
 * converted to TF.js's layouts (dense kernels [in, out], filters [kH, kW, inC, outC], and the
 * CNN's last kernel reordered for TF.js's [H, W, C] flattening), so the logits are the same.
 */
export async function tfjsTrainingCases(tf, setup, models, withConv, backend = 'cpu') {
  await useTfjsBackend(tf, backend);
  const tag = tfjsTag(backend);
  const select = () => useTfjsBackend(tf, backend);
  const notes = [];
  const before = tf.memory().numTensors;
  const cases = [];

  // tf.variable keeps its own reference to the initial tensor's data; the tensor itself would
  // stay counted as live until disposed.
  const variable = (values, shape) => {
    const t = tf.tensor(values, shape);
    const v = tf.variable(t);
    t.dispose();
    return v;
  };
  const variables = (model) => {
    const ws = setup.weights[model];
    const vars = [];
    let shape = [28, 28, 1]; // the activation's [H, W, C] while convolutions run
    let flat = null;
    let i = 0;
    for (const l of MODELS[model].layers) {
      if (l.kind === 'conv') {
        vars.push(variable(oihwToHwio(ws[i], l.out, l.in, l.k, l.k), [l.k, l.k, l.in, l.out]), variable(ws[i + 1], [l.out]));
        shape = [shape[0] - l.k + 1, shape[1] - l.k + 1, l.out];
        i += 2;
      } else if (l.kind === 'pool') {
        shape = [Math.floor(shape[0] / 2), Math.floor(shape[1] / 2), shape[2]];
      } else if (l.kind === 'flatten') {
        flat = shape;
      } else if (l.kind === 'linear') {
        const kernel = flat !== null
          ? chwLinearToHwcKernel(ws[i], l.out, flat[2], flat[0], flat[1])
          : transpose2d(ws[i], l.out, l.in);
        flat = null;
        vars.push(variable(kernel, [l.in, l.out]), variable(ws[i + 1], [l.out]));
        i += 2;
      }
    }
    return vars;
  };
  const forward = (model, vars, x) => {
    let h = x;
    let i = 0;
    for (const l of MODELS[model].layers) {
      if (l.kind === 'conv') h = tf.add(tf.conv2d(h, vars[i++], 1, 'valid'), vars[i++]);
      else if (l.kind === 'linear') h = tf.add(tf.matMul(h, vars[i++]), vars[i++]);
      else if (l.kind === 'relu') h = tf.relu(h);
      else if (l.kind === 'pool') h = tf.maxPool(h, 2, 2, 'valid');
      else if (l.kind === 'flatten') h = tf.reshape(h, [h.shape[0], -1]);
    }
    return h;
  };

  for (const model of models) {
    const { batch: b, image } = MODELS[model];
    const batches = [];
    for (let i = 0; i < batchesPerEpoch(setup, model); i++) {
      const xs = setup.trainX.subarray(i * b * 784, (i + 1) * b * 784);
      const x = image ? tf.tensor4d(xs, [b, 28, 28, 1]) : tf.tensor2d(xs, [b, 784]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(setup.trainY.subarray(i * b, (i + 1) * b), 'int32'), 10).toFloat());
      batches.push([x, y]);
    }
    const vars = variables(model);
    const opt = tf.train.sgd(LR);
    // minimize() runs f under variableGrads, which disposes f's intermediates and the gradients.
    const step = (o, vs, [x, y], cost) => o.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(model, vs, x)), cost, vs);
    // A backend without some kernel (the wasm backend's gradients of conv2d and max-pool, here)
    // says so on the first step: that model is left out with the backend's own message.
    const probe = tf.train.sgd(0); // lr 0: the variables stay as they are
    try {
      tf.tidy(() => step(probe, vars, batches[0], false));
    } catch (err) {
      notes.push(`TF.js ${backend} cannot train ${MODELS[model].title}: ${err.message.split('\n')[0]}`);
      tf.dispose(vars);
      batches.forEach((b) => tf.dispose(b));
      continue;
    } finally {
      probe.dispose();
    }
    let cursor = 0;
    cases.push({
      id: `${tag}-${model}`,
      bench: model,
      label: `TF.js ${backend}, tf.train.sgd().minimize`,
      async run(n) {
        await select();
        const t0 = now();
        for (let k = 0; k < n; k++) sink = step(opt, vars, batches[cursor++ % batches.length], false);
        return now() - t0;
      },
      async accuracy(steps) {
        await select();
        const vs = variables(model);
        const o = tf.train.sgd(LR);
        const losses = [];
        for (let k = 0; k < steps; k++) {
          const keep = k === 0 || k === steps - 1;
          const cost = step(o, vs, batches[k % batches.length], keep);
          if (keep) {
            losses.push(cost.dataSync()[0]);
            cost.dispose();
          }
        }
        const logits = new Float32Array(setup.testCount * 10);
        for (let s = 0; s < setup.testCount; s += 500) {
          const rows = Math.min(500, setup.testCount - s);
          const xs = setup.testX.subarray(s * 784, (s + rows) * 784);
          const out = tf.tidy(() => forward(model, vs, image ? tf.tensor4d(xs, [rows, 28, 28, 1]) : tf.tensor2d(xs, [rows, 784])));
          logits.set(out.dataSync(), s * 10);
          out.dispose();
        }
        tf.dispose(vs);
        o.dispose();
        return { accuracy: accuracyOf(logits, setup.testY), firstLoss: losses[0], lastLoss: losses[losses.length - 1] };
      },
      samplesPerRep: b,
    });
  }

  if (withConv) {
    const { batch, inC, outC, k, size, out } = CONV;
    const x = tf.tensor4d(nchwToNhwc(setup.conv.x, batch, inC, size, size), [batch, size, size, inC]);
    const w = tf.tensor4d(oihwToHwio(setup.conv.w, outC, inC, k, k), [k, k, inC, outC]);
    const dy = tf.tensor4d(nchwToNhwc(setup.conv.g, batch, outC, out, out), [batch, out, out, outC]);
    const gradsOf = tf.grads((xi, wi) => tf.conv2d(xi, wi, 1, 'valid'));
    let missing = null;
    try {
      tf.dispose(gradsOf([x, w], dy));
    } catch (err) {
      missing = err.message.split('\n')[0];
    }
    if (missing !== null) {
      notes.push(`TF.js ${backend} cannot differentiate conv2d: ${missing}`);
      tf.dispose([x, w, dy]);
    } else cases.push({
      id: `${tag}-conv`,
      bench: 'conv',
      label: `TF.js ${backend} tf.grads(conv2d) (NHWC)`,
      async run(n) {
        await select();
        const t0 = now();
        for (let i = 0; i < n; i++) {
          const gs = gradsOf([x, w], dy);
          sink = gs;
          tf.dispose(gs);
        }
        return now() - t0;
      },
      async grads() {
        await select();
        const gs = gradsOf([x, w], dy);
        const dw = hwioToOihw(gs[1].dataSync(), outC, inC, k, k);
        tf.dispose(gs);
        return Array.from(dw);
      },
    });
  }
  // The batches, variables and conv operands are held on purpose; anything above is a leak.
  return { cases, notes, held: tf.memory().numTensors - before };
}
