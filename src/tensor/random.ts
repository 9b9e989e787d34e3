/**
 * The seeded random generator behind rand, randn and every initialiser: xoshiro128** (32-bit
 * state words, so it runs on plain JavaScript numbers), seeded through splitmix32. Same seed,
 * same sequence on every backend and platform.
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** A second normal from the last Box–Muller pair, or null. */
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
      throw new TypeError(`manualSeed: seed must be an integer, got ${seed}`);
    }
    // splitmix32 spreads any integer seed (also ones above 2^32) over the four state words.
    let x = (seed >>> 0) ^ Math.floor(seed / 4294967296);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
    this.spare = null;
    return this;
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal sample (Box–Muller, both values of each pair used). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** The full state, for checkpoints: restoring it continues the same sequence. */
  getState(): GeneratorState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  setState(state: GeneratorState): void {
    const { s, spare } = state;
    if (!Array.isArray(s) || s.length !== 4 || s.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new TypeError(`Generator.setState: state.s must be four unsigned 32-bit integers, got ${JSON.stringify(s)}`);
    }
    if (s.every((w) => w === 0)) throw new RangeError('Generator.setState: an all-zero state would repeat zeros forever');
    [this.s0, this.s1, this.s2, this.s3] = s.map((w) => w | 0);
    this.spare = spare;
  }
}

export interface GeneratorState {
  s: number[];
  spare: number | null;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when none is passed. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator: the same seed gives a bit-identical run. */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}
