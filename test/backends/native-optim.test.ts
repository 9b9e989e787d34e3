import { describe, it } from 'vitest';
import type { AdamStepParams, RmspropStepParams, SgdStepParams } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backends/js/index.js';
import type { FloatArray } from '../../src/tensor/dtype.js';
import { FLOAT_DTYPES, Rng, expectSame, native } from './native-helpers.js';

// The fused optimizer steps: the native loops do the js loops' arithmetic in the same order, in
// double, so several steps in a row must agree bit for bit in float32 and float64.

const clone = <T extends FloatArray | null>(x: T): T => (x === null ? x : (x.slice() as T));

describe('native optimizer steps agree with js bit for bit', () => {
  it('sgdStep: momentum, dampening, Nesterov, weight decay, maximize', () => {
    const rng = new Rng(41);
    for (const dtype of FLOAT_DTYPES) {
      for (const momentum of [0, 0.9]) {
        for (const nesterov of [false, true]) {
          for (const weightDecay of [0, 0.01]) {
            const n = rng.pick([1, 7, 1000, 3001]);
            const p0 = rng.array(dtype, n) as FloatArray;
            const buf0 = momentum > 0 ? (new (dtype === 'float32' ? Float32Array : Float64Array)(n) as FloatArray) : null;
            const [pn, pj, bn, bj] = [clone(p0), clone(p0), clone(buf0), clone(buf0)];
            for (let step = 0; step < 4; step++) {
              const g = rng.array(dtype, n) as FloatArray;
              const h: SgdStepParams = { lr: 0.05, momentum, dampening: step === 2 ? 0.1 : 0, weightDecay, nesterov: nesterov && momentum > 0, maximize: step === 3, freshBuffer: step === 0 };
              native.sgdStep(pn, g, bn, h);
              jsBackend.sgdStep(pj, g, bj, h);
              const what = `sgd ${dtype}[${n}] step ${step} ${JSON.stringify(h)}`;
              expectSame(pn, pj, what);
              if (bn !== null && bj !== null) expectSame(bn, bj, `${what} buffer`);
            }
          }
        }
      }
    }
  });

  it('adamStep: Adam, AdamW, AMSGrad, maximize', () => {
    const rng = new Rng(42);
    for (const dtype of FLOAT_DTYPES) {
      for (const decoupled of [false, true]) {
        for (const amsgrad of [false, true]) {
          const n = rng.pick([1, 33, 2000]);
          const make = (): FloatArray => new (dtype === 'float32' ? Float32Array : Float64Array)(n);
          const p0 = rng.array(dtype, n) as FloatArray;
          const [pn, pj] = [clone(p0), clone(p0)];
          const [mn, mj, vn, vj] = [make(), make(), make(), make()];
          const [xn, xj] = amsgrad ? [make(), make()] : [null, null];
          for (let step = 1; step <= 4; step++) {
            const g = rng.array(dtype, n) as FloatArray;
            const h: AdamStepParams = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled, maximize: step === 4, step };
            native.adamStep(pn, g, mn, vn, xn, h);
            jsBackend.adamStep(pj, g, mj, vj, xj, h);
            const what = `adam ${dtype}[${n}] step ${step} decoupled ${decoupled} amsgrad ${amsgrad}`;
            expectSame(pn, pj, what);
            expectSame(mn, mj, `${what} m`);
            expectSame(vn, vj, `${what} v`);
            if (xn !== null && xj !== null) expectSame(xn, xj, `${what} max v`);
          }
        }
      }
    }
  });

  it('rmspropStep: centered, momentum, weight decay', () => {
    const rng = new Rng(43);
    for (const dtype of FLOAT_DTYPES) {
      for (const centered of [false, true]) {
        for (const momentum of [0, 0.5]) {
          const n = rng.pick([1, 33, 2000]);
          const make = (): FloatArray => new (dtype === 'float32' ? Float32Array : Float64Array)(n);
          const p0 = rng.array(dtype, n) as FloatArray;
          const [pn, pj, sn, sj] = [clone(p0), clone(p0), make(), make()];
          const [an, aj] = centered ? [make(), make()] : [null, null];
          const [bn, bj] = momentum > 0 ? [make(), make()] : [null, null];
          for (let step = 0; step < 4; step++) {
            const g = rng.array(dtype, n) as FloatArray;
            const h: RmspropStepParams = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: step === 1 ? 0.1 : 0, momentum, maximize: step === 2 };
            native.rmspropStep(pn, g, sn, an, bn, h);
            jsBackend.rmspropStep(pj, g, sj, aj, bj, h);
            const what = `rmsprop ${dtype}[${n}] step ${step} centered ${centered} momentum ${momentum}`;
            expectSame(pn, pj, what);
            expectSame(sn, sj, `${what} square avg`);
            if (an !== null && aj !== null) expectSame(an, aj, `${what} grad avg`);
            if (bn !== null && bj !== null) expectSame(bn, bj, `${what} momentum`);
          }
        }
      }
    }
  });
});
