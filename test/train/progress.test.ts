// The terminal progress bar (chainrule/node) as a fit() callback, on a non-terminal stream as in CI
// logs: progress lines with loss, accuracy, samples/s and ETA during the epoch, a summary line after it, and
// no timer left running when training throws.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fit, nn, optim, type Tensor } from '../../src/index.js';
import { DataLoader } from '../../src/data/index.js';
import { ProgressBar } from '../../src/node/index.js';
import { blobs, classifier } from './helpers.js';

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk.toString()); done(); } });
  return { stream, text: () => chunks.join('') };
}

describe('ProgressBar', () => {
  it('writes progress lines per batch and a summary line per epoch', () => {
    const out = collector();
    const model = classifier();
    fit(model, new DataLoader(blobs(10), { batchSize: 6 }), {
      epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: new nn.CrossEntropyLoss(), metrics: ['accuracy'],
      callbacks: [new ProgressBar({ stream: out.stream, notTTYSchedule: 0 })],
    });
    const lines = out.text().split('\n').filter((l) => l !== '');
    expect(lines.some((l) => /^epoch 1\/2 \[=+-*\] \d\/5 \| loss \d\.\d{4} \| accuracy \d+\.\d{2}% \| \d+ samples\/s \| ETA /.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('epoch 2/2 [==============================] 5/5 | loss'))).toBe(true);
    const summaries = lines.filter((l) => /^epoch \d\/2 {2}loss/.test(l));
    expect(summaries).toHaveLength(2);
    expect(summaries[1]).toMatch(/accuracy \d\.\d{4}/);
  });

  it('stops drawing when training throws', async () => {
    const out = collector();
    const model = classifier();
    let calls = 0;
    const failing = (output: Tensor, target: Tensor): Tensor => {
      if (++calls === 3) throw new Error('bad batch');
      return new nn.CrossEntropyLoss().forward(output, target);
    };
    expect(() => fit(model, new DataLoader(blobs(10), { batchSize: 6 }), {
      epochs: 1, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: failing,
      callbacks: [new ProgressBar({ stream: out.stream, notTTYSchedule: 1 })],
    })).toThrow('bad batch');
    const length = out.text().length;
    expect(length).toBeGreaterThan(0);
    // A bar left running would redraw on its 1 ms timer.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(out.text().length).toBe(length);
  });
});
