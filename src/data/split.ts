import { defaultGenerator, type Generator } from '../tensor/random.js';

/**
 * Splits example indices into train and test with each class in proportion: round(fraction·n_c)
 * of class c go to test, the roundings fixed up by largest remainder so the test set has
 * round(fraction·N) in all; which ones is decided by a shuffle of each class, and each set is then
 * shuffled whole. The result depends only on the labels and the generator's state.
 * @example
 * const { train, test } = stratifiedSplit(ds.y.data, 0.2, new Generator(0));
 * const trainSet = new Subset(ds, train);
 */
export function stratifiedSplit(labels: ArrayLike<number>, fraction: number, generator: Generator = defaultGenerator): { train: Int32Array; test: Int32Array } {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`stratifiedSplit: fraction must be in [0, 1], got ${fraction}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list === undefined) byClass.set(labels[i], [i]);
    else list.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const exact = classes.map((c) => byClass.get(c)!.length * fraction);
  const counts = exact.map(Math.floor);
  let missing = Math.round(labels.length * fraction) - counts.reduce((a, b) => a + b, 0);
  // Ties in the remainder go to the smaller class label, so the result is fully determined.
  const order = classes.map((_, k) => k).sort((a, b) => (exact[b] - counts[b]) - (exact[a] - counts[a]) || a - b);
  for (const k of order) {
    if (missing <= 0) break;
    counts[k]++;
    missing--;
  }
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((c, k) => {
    const members = shuffled(byClass.get(c)!, generator);
    test.push(...members.slice(0, counts[k]));
    train.push(...members.slice(counts[k]));
  });
  return { train: Int32Array.from(shuffled(train, generator)), test: Int32Array.from(shuffled(test, generator)) };
}

/** A Fisher–Yates shuffled copy. */
function shuffled(values: number[], generator: Generator): number[] {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
