// The scalar graph of the dispatch benchmark, defined once so that every library builds the same
// one: the JS runners import it, and run.js sends LEAVES and STEPS to the PyTorch script.
//
//   h₀ = w₀;  for i in 0…STEPS−1:  h ← tanh(h · w[(i+1) mod 4] + w[(i+2) mod 4])
//
// Each step is three ops (mul, add, tanh), so 333 steps make 999 op nodes over 4 leaf scalars
// that require grad. Every leaf is used about 250 times, so backward also pays the gradient
// accumulation of a fan-out, not only a straight chain.

export const LEAVES = [0.5, -0.3, 0.8, 0.1];
export const STEPS = 333;
export const OPS = 3 * STEPS;

/** The leaf multiplied in at step i. */
export const mulLeaf = (i) => (i + 1) % 4;
/** The leaf added in at step i. */
export const addLeaf = (i) => (i + 2) % 4;
// Precomputed so the timed loops index an array rather than compute a remainder per op.
export const MUL = Int32Array.from({ length: STEPS }, (_, i) => mulLeaf(i));
export const ADD = Int32Array.from({ length: STEPS }, (_, i) => addLeaf(i));

/**
 * d h_STEPS / d w in float64, written out by hand: the oracle that each library's float32
 * gradients are compared with.
 */
export function referenceGradients() {
  const w = LEAVES;
  const h = new Float64Array(STEPS + 1);
  h[0] = w[0];
  for (let i = 0; i < STEPS; i++) h[i + 1] = Math.tanh(h[i] * w[mulLeaf(i)] + w[addLeaf(i)]);
  const grads = [0, 0, 0, 0];
  let gh = 1;
  for (let i = STEPS - 1; i >= 0; i--) {
    const gv = gh * (1 - h[i + 1] * h[i + 1]);
    grads[addLeaf(i)] += gv;
    grads[mulLeaf(i)] += gv * h[i];
    gh = gv * w[mulLeaf(i)];
  }
  grads[0] += gh;
  return { value: h[STEPS], grads };
}

/** The largest |a − b| over two gradient lists. */
export function maxAbsDiff(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
