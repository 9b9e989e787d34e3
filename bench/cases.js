// The benchmark cases that run inside this Node process: chainrule, TensorFlow.js (cpu backend)
// and the bare-JavaScript floors. Each case is { id, bench, label, run(n) → ms, grads?() }:
// run does n repetitions (n adds, or n forward+backward passes of the graph) and returns the
// elapsed milliseconds; grads gives the leaf gradients of the graph for the correctness check.

import { ADD, LEAVES, MUL, STEPS } from './graph.js';

// Every result is stored here, so that the optimizer cannot prove an op's output unused and drop
// its allocation (escape analysis would otherwise make a bare loop look infinitely fast).
export let sink = null;

const now = () => performance.now();

// ---------------------------------------------------------------------------------- chainrule

export async function chainruleCases() {
  const cr = await import('../dist/index.js');
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

export async function tfjsCases() {
  const tf = await import('@tensorflow/tfjs');
  // Production mode only silences TF.js's "install tfjs-node" banner; the cpu backend's work is
  // the same with or without it.
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tf.ready();

  const a = tf.tensor1d([1.5]);
  const b = tf.tensor1d([2.25]);
  // TF.js frees tensors only when told. The cheapest idiom a user has for one op at a time is to
  // dispose each result (measured here: ≈ as fast as tf.tidy per op, ~3× faster than one tidy
  // around a block of many adds), so that is what is timed.
  const add = {
    id: 'tfjs-add',
    bench: 'add',
    label: 'TF.js cpu tf.add(a, b); c.dispose()',
    run(n) {
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
    id: 'tfjs-graph',
    bench: 'graph',
    label: 'TF.js cpu tf.grads(f)',
    run(n) {
      const t0 = now();
      for (let k = 0; k < n; k++) {
        const gs = gradsOf(w);
        sink = gs;
        tf.dispose(gs);
      }
      return now() - t0;
    },
    grads() {
      const gs = gradsOf(w);
      const values = gs.map((g) => g.dataSync()[0]);
      tf.dispose(gs);
      return values;
    },
  };
  return { cases: [add, graph], version: tf.version.tfjs, liveTensors: () => tf.memory().numTensors };
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
