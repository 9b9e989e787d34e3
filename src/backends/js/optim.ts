import type { AdamStepParams, RmspropStepParams, SgdStepParams } from '../../backend/backend.js';
import type { FloatArray } from '../../tensor/dtype.js';

// Fused optimizer updates: one loop per parameter doing, element by element, what PyTorch 1.13's
// single-tensor implementations do tensor by tensor. Each line keeps PyTorch's order of
// operations (x + alpha·y, self + value·(a/b)) so float64 results agree to the last bits.
// Intermediates are JS doubles; a float32 array rounds only when a value is stored.

/**
 * d = ±g (+ weightDecay·p); buf = momentum·buf + (1 − dampening)·d (or d when fresh);
 * d = nesterov ? d + momentum·buf : buf; p −= lr·d.
 */
export function sgdStep(p: FloatArray, g: FloatArray, momentumBuf: FloatArray | null, h: SgdStepParams): void {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize, freshBuffer } = h;
  for (let i = 0; i < p.length; i++) {
    let d = maximize ? -g[i] : g[i];
    if (weightDecay !== 0) d += weightDecay * p[i];
    if (momentumBuf !== null) {
      momentumBuf[i] = freshBuffer ? d : momentum * momentumBuf[i] + (1 - dampening) * d;
      // Read back from the buffer, so a float32 buffer's rounding is what p sees, as in PyTorch.
      d = nesterov ? d + momentum * momentumBuf[i] : momentumBuf[i];
    }
    p[i] -= lr * d;
  }
}

/**
 * m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; p −= lr/(1 − β1ᵗ) · m / (√v̂/√(1 − β2ᵗ) + eps),
 * with v̂ = max over steps of v for AMSGrad. Adam adds weightDecay·p to g; AdamW first scales p
 * by 1 − lr·weightDecay.
 */
export function adamStep(
  p: FloatArray, g: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null, h: AdamStepParams,
): void {
  const { lr, beta1, beta2, eps, weightDecay, decoupled, maximize, step } = h;
  const stepSize = lr / (1 - beta1 ** step);
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  const decay = 1 - lr * weightDecay;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (decoupled) p[i] *= decay;
    else if (weightDecay !== 0) gi += weightDecay * p[i];
    expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * gi;
    expAvgSq[i] = beta2 * expAvgSq[i] + (1 - beta2) * gi * gi;
    let second = expAvgSq[i];
    if (maxExpAvgSq !== null) {
      maxExpAvgSq[i] = Math.max(maxExpAvgSq[i], second);
      second = maxExpAvgSq[i];
    }
    const denom = Math.sqrt(second) / biasCorrection2Sqrt + eps;
    p[i] -= stepSize * (expAvg[i] / denom);
  }
}

/**
 * s = α·s + (1 − α)·g²; centered: a = α·a + (1 − α)·g and the denominator is √(s − a²) + eps,
 * else √s + eps; with momentum buf = momentum·buf + g/denominator and p −= lr·buf, else
 * p −= lr·g/denominator.
 */
export function rmspropStep(
  p: FloatArray, g: FloatArray, squareAvg: FloatArray, gradAvg: FloatArray | null, momentumBuf: FloatArray | null, h: RmspropStepParams,
): void {
  const { lr, alpha, eps, weightDecay, momentum, maximize } = h;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (weightDecay !== 0) gi += weightDecay * p[i];
    squareAvg[i] = alpha * squareAvg[i] + (1 - alpha) * gi * gi;
    let avg: number;
    if (gradAvg !== null) {
      gradAvg[i] = alpha * gradAvg[i] + (1 - alpha) * gi;
      avg = Math.sqrt(squareAvg[i] - gradAvg[i] * gradAvg[i]);
    } else {
      avg = Math.sqrt(squareAvg[i]);
    }
    avg += eps;
    if (momentumBuf !== null) {
      momentumBuf[i] = momentum * momentumBuf[i] + gi / avg;
      p[i] -= lr * momentumBuf[i];
    } else {
      p[i] -= lr * (gi / avg);
    }
  }
}
