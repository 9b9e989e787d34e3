// The training benchmarks' shared ground: the models, the data and its order, and the initial
// weights, made once here so that every library trains the same network on the same batches from
// the same starting point (the protocol of /work/shared/peers.md):
//
// - data: the bundled MNIST split of loadMnist (8,000 train / 2,000 test), the training set put
//   in one fixed shuffled order (seed ORDER_SEED); batch b is rows [b·B, (b+1)·B) of that order,
//   only full batches, the same sequence every epoch.
// - weights: Glorot-uniform (PyTorch's xavier_uniform_, fans counting the kernel's taps), zero
//   biases, drawn from a seeded generator in PyTorch's layouts ([out, in], [outC, inC, kH, kW]);
//   each library converts them to its own layout.
// - plain SGD, softmax cross-entropy averaged over the batch.
//
// The benchmark cases themselves live with each library's other cases: cases.js (chainrule,
// TF.js) and torch.js (PyTorch).

export const ORDER_SEED = 7;
export const WEIGHT_SEED = 11;
export const LR = 0.1;

/**
 * The networks. Each layer is { kind: 'linear', in, out } | { kind: 'conv', in, out, k } |
 * { kind: 'relu' } | { kind: 'pool' } (max-pool 2, stride 2) | { kind: 'flatten' }.
 * accuracySteps: how many SGD steps the agreement check trains before scoring the test digits,
 * [--quick, full run] as run.js orders its settings; few for the large MLP and the CNN, which
 * TF.js's cpu backend trains at about 2 and 4–7 seconds a step here.
 */
export const MODELS = {
  'mlp-small': {
    title: 'MLP 784-128-10',
    batch: 64,
    image: false,
    layers: [{ kind: 'linear', in: 784, out: 128 }, { kind: 'relu' }, { kind: 'linear', in: 128, out: 10 }],
    accuracySteps: [30, 125],
  },
  'mlp-large': {
    title: 'MLP 784-512-512-10',
    batch: 128,
    image: false,
    layers: [
      { kind: 'linear', in: 784, out: 512 }, { kind: 'relu' },
      { kind: 'linear', in: 512, out: 512 }, { kind: 'relu' },
      { kind: 'linear', in: 512, out: 10 },
    ],
    accuracySteps: [5, 20],
  },
  cnn: {
    title: 'CNN conv 1→8 3×3, ReLU, pool 2, conv 8→16 3×3, ReLU, pool 2, linear 400→10',
    batch: 64,
    image: true,
    layers: [
      { kind: 'conv', in: 1, out: 8, k: 3 }, { kind: 'relu' }, { kind: 'pool' },
      { kind: 'conv', in: 8, out: 16, k: 3 }, { kind: 'relu' }, { kind: 'pool' },
      { kind: 'flatten' }, { kind: 'linear', in: 400, out: 10 },
    ],
    accuracySteps: [3, 20],
  },
};

/** The conv2d micro-benchmark: one forward and backward of a conv layer's worth of work. */
export const CONV = { batch: 64, inC: 8, outC: 16, k: 3, size: 13, seed: 13 };
CONV.out = CONV.size - CONV.k + 1;
CONV.macs = CONV.batch * CONV.outC * CONV.out * CONV.out * CONV.inC * CONV.k * CONV.k;

/** The shapes of a model's parameters in PyTorch's layout, in the order weight, bias per layer. */
export function parameterShapes(model) {
  const shapes = [];
  for (const l of MODELS[model].layers) {
    if (l.kind === 'linear') shapes.push([l.out, l.in], [l.out]);
    if (l.kind === 'conv') shapes.push([l.out, l.in, l.k, l.k], [l.out]);
  }
  return shapes;
}

/**
 * Everything the cases need, made once per run with chainrule's own loader and generator:
 * { trainX, trainY (in the benchmark's order), testX, testY, weights: {model: Float32Array[]},
 *   conv: {x, w, g} }.
 */
export async function trainingSetup(cr, loadMnist) {
  const { train, test } = await loadMnist();
  const n = train.length;
  const order = new Int32Array(n).map((_, i) => i);
  const gen = new cr.Generator(ORDER_SEED);
  for (let i = n - 1; i > 0; i--) {
    const j = gen.integer(0, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const trainX = new Float32Array(n * 784);
  const trainY = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    trainX.set(train.x.data.subarray(order[i] * 784, (order[i] + 1) * 784), i * 784);
    trainY[i] = train.y.data[order[i]];
  }

  const weights = {};
  for (const model of Object.keys(MODELS)) {
    const wg = new cr.Generator(WEIGHT_SEED);
    weights[model] = parameterShapes(model).map((shape) => {
      const t = cr.zeros(shape);
      // Biases (1-D) stay zero; weights are Glorot-uniform.
      if (shape.length > 1) cr.nn.init.xavierUniform_(t, 1, { generator: wg });
      return t.data;
    });
  }

  const cg = new cr.Generator(CONV.seed);
  const uniform = (size) => Float32Array.from({ length: size }, () => 2 * cg.random() - 1);
  const conv = {
    x: uniform(CONV.batch * CONV.inC * CONV.size * CONV.size),
    w: uniform(CONV.outC * CONV.inC * CONV.k * CONV.k),
    g: uniform(CONV.batch * CONV.outC * CONV.out * CONV.out),
  };
  return {
    trainX, trainY, testX: test.x.data, testY: test.y.data, trainCount: n, testCount: test.length,
    weights, conv,
  };
}

/** Full batches per epoch for a model. */
export function batchesPerEpoch(setup, model) {
  return Math.floor(setup.trainCount / MODELS[model].batch);
}

/** Share of correct predictions, from logits [count, 10] and int labels. */
export function accuracyOf(logits, labels) {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
    if (best === labels[i]) right++;
  }
  return right / labels.length;
}

// NCHW ↔ NHWC and PyTorch ↔ TF.js kernel layouts, for the TF.js cases.

/** [N, C, H, W] → [N, H, W, C]. */
export function nchwToNhwc(src, n, c, h, w) {
  const out = new Float32Array(src.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    out[((b * h + y) * w + x) * c + ch] = src[((b * c + ch) * h + y) * w + x];
  }
  return out;
}

/** [N, H, W, C] → [N, C, H, W]. */
export function nhwcToNchw(src, n, c, h, w) {
  const out = new Float32Array(src.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    out[((b * c + ch) * h + y) * w + x] = src[((b * h + y) * w + x) * c + ch];
  }
  return out;
}

/** Conv weight [outC, inC, kH, kW] → TF.js filter [kH, kW, inC, outC]. */
export function oihwToHwio(src, o, i, kh, kw) {
  const out = new Float32Array(src.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    out[((y * kw + x) * i + b) * o + a] = src[((a * i + b) * kh + y) * kw + x];
  }
  return out;
}

/** TF.js filter [kH, kW, inC, outC] → [outC, inC, kH, kW]. */
export function hwioToOihw(src, o, i, kh, kw) {
  const out = new Float32Array(src.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    out[((a * i + b) * kh + y) * kw + x] = src[((y * kw + x) * i + b) * o + a];
  }
  return out;
}

/** Linear weight [out, in] → TF.js dense kernel [in, out]. */
export function transpose2d(src, rows, cols) {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  return out;
}

/**
 * The CNN's last Linear weight [10, C·H·W] (PyTorch flattens [C, H, W]) as a TF.js kernel
 * [H·W·C, 10] (TF.js flattens NHWC activations as [H, W, C]), so both compute the same logits
 * without a transpose of the activations.
 */
export function chwLinearToHwcKernel(src, out, c, h, w) {
  const k = new Float32Array(src.length);
  for (let o = 0; o < out; o++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    k[((y * w + x) * c + ch) * out + o] = src[o * c * h * w + (ch * h + y) * w + x];
  }
  return k;
}
