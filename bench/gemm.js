// The GEMM benchmark: float32 square products c = a·b at n = 64…1024, in GFLOP/s (2n³ per
// product). Each library multiplies the same operands (PyTorch and numpy draw their own, of the
// same sizes: the values do not change the time). A case's run(reps) makes `reps` products and
// returns the ms; the runner turns that into GFLOP/s through samplesPerRep = 2n³ / 1e9.
//
// The slow libraries (chainrule's js loops, TF.js's cpu backend: below 2 GFLOP/s, seconds for
// one product at n = 1024) run up to SLOW_MAX only, so that the whole run stays short.

export const GEMM_SIZES = [64, 128, 256, 512, 1024];
export const SLOW_MAX = 256;
export const GEMM_SEED = 17;

export const gemmFlops = (n) => 2 * n * n * n;
export const gemmBench = (n) => `gemm-${n}`;

let sink = null;
const now = () => performance.now();

/** The operands, made once: { n: [a, b] } as flat row-major Float32Arrays in [0, 1). */
export function gemmOperands(cr, sizes = GEMM_SIZES) {
  const g = new cr.Generator(GEMM_SEED);
  return Object.fromEntries(sizes.map((n) => [n, [0, 1].map(() => Float32Array.from({ length: n * n }, () => g.random()))]));
}

/** chainrule a.matmul(b) through the public API, on one backend. */
export function chainruleGemmCases(cr, operands, backend, label, sizes) {
  return sizes.map((n) => {
    const [a, b] = operands[n].map((data) => cr.tensor(data, { shape: [n, n] }));
    return {
      id: `chainrule-${backend}-gemm-${n}`,
      bench: gemmBench(n),
      label: `chainrule ${label}`,
      backend,
      run(reps) {
        cr.setBackend(backend);
        const t0 = now();
        for (let i = 0; i < reps; i++) sink = a.matmul(b);
        return now() - t0;
      },
      samplesPerRep: gemmFlops(n) / 1e9,
    };
  });
}

/**
 * TF.js tf.matMul on one backend (selected by `select` before each sample); each product is
 * read back with dataSync, which waits for it, then disposed.
 */
export async function tfjsGemmCases(tf, select, operands, backend, sizes) {
  await select();
  const before = tf.memory().numTensors;
  const cases = sizes.map((n) => {
    const [a, b] = operands[n].map((data) => tf.tensor2d(data, [n, n]));
    return {
      id: `${backend === 'cpu' ? 'tfjs' : `tfjs-${backend}`}-gemm-${n}`,
      bench: gemmBench(n),
      label: `TF.js ${backend} tf.matMul`,
      async run(reps) {
        await select();
        const t0 = now();
        for (let i = 0; i < reps; i++) {
          const c = tf.matMul(a, b);
          sink = c.dataSync();
          c.dispose();
        }
        return now() - t0;
      },
      samplesPerRep: gemmFlops(n) / 1e9,
    };
  });
  return { cases, held: tf.memory().numTensors - before };
}
