// Reusing the arrays of a backward pass's dead gradients (backend/recycler.ts): the recycler's
// own bookkeeping, and, on the native backend, that nothing a user can still reach is ever handed
// out again — leaf and retained .grad, gradients() results, what a user-defined rule keeps — while
// training gives the same numbers bit for bit as without reuse.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BufferRecycler } from '../../src/backend/recycler.js';
import { getBackend, registerBackend, setBackend } from '../../src/backend/registry.js';
import { createNativeBackend } from '../../src/backends/native/index.js';
import { apply, defineOp, gradients, manualSeed, nn, optim, randn, Tensor } from '../../src/index.js';
import { addon } from './native-helpers.js';

const make = (dtype: 'float32' | 'float64' | 'int32', size: number) =>
  dtype === 'float32' ? new Float32Array(size) : dtype === 'float64' ? new Float64Array(size) : new Int32Array(size);

describe('BufferRecycler', () => {
  it('hands out again, after end(), what a pass allocated and nothing keeps', () => {
    const r = new BufferRecycler({ minBytes: 64 });
    expect(r.begin()).toBe(true);
    const a = r.take('float32', 100, make);
    const kept = r.take('float32', 100, make);
    expect(r.noted).toBe(true);
    r.end(new Set([kept.buffer]));
    expect(r.heldBytes).toBe(400);
    // Same byte length, any dtype: the free buffer comes back, stale, as a view of the new type.
    const b = r.take('float64', 50, make);
    expect(b.buffer).toBe(a.buffer);
    expect(b).toBeInstanceOf(Float64Array);
    expect(r.heldBytes).toBe(0);
    expect(r.take('float32', 100, make).buffer).not.toBe(kept.buffer);
  });

  it('zeroes a reused buffer when asked', () => {
    const r = new BufferRecycler({ minBytes: 64 });
    r.begin();
    r.take('float32', 100, make).fill(7);
    r.end(new Set());
    expect(Array.from(r.take('float32', 100, make, true))).toEqual(new Array(100).fill(0));
  });

  it('keeps nothing after end(null), outside a pass, or below minBytes', () => {
    const r = new BufferRecycler({ minBytes: 64 });
    r.take('float32', 100, make);
    r.begin();
    expect(r.noted).toBe(false);
    r.take('float32', 10, make);
    expect(r.noted).toBe(false);
    r.take('float32', 100, make);
    r.end(null);
    expect(r.heldBytes).toBe(0);
  });

  it('a nested pass recycles nothing, and neither does the one around it', () => {
    const r = new BufferRecycler({ minBytes: 64 });
    expect(r.begin()).toBe(true);
    r.take('float32', 100, make);
    expect(r.begin()).toBe(false);
    r.take('float32', 100, make);
    r.end(new Set());
    expect(r.heldBytes).toBe(0);
    // The next pass starts clean.
    expect(r.begin()).toBe(true);
    r.take('float32', 100, make);
    r.end(new Set());
    expect(r.heldBytes).toBe(400);
  });

  it('holds at most perSize buffers of a size and maxBytes in all', () => {
    const r = new BufferRecycler({ minBytes: 64, perSize: 2, maxBytes: 1000 });
    r.begin();
    for (let i = 0; i < 4; i++) r.take('float32', 100, make);
    r.take('float32', 150, make);
    r.end(new Set());
    expect(r.heldBytes).toBe(800);
    r.clear();
    expect(r.heldBytes).toBe(0);
  });
});

describe('the native backend reuses dead gradients and nothing else', () => {
  const recycling = createNativeBackend(addon);
  const plain = { ...createNativeBackend(addon, { recycle: false }), name: 'native-no-recycling' };
  let before = 'js';
  beforeEach(() => {
    before = getBackend().name;
    registerBackend({ ...recycling, name: 'native-recycling' });
    registerBackend(plain);
    setBackend('native-recycling');
  });
  afterEach(() => setBackend(before));

  const held = (): number => (getBackend().recycler as BufferRecycler).heldBytes;
  const snapshot = (t: Tensor | null): number[] => Array.from(t!.data);

  /** Passes on a second layer of the same shapes: they ask for buffers of every size the first used. */
  const churn = (): void => {
    const other = new nn.Linear(64, 128);
    for (let i = 0; i < 3; i++) other.forward(randn([32, 64])).relu().sum().backward();
  };

  it('frees the pass\'s intermediate gradients for the next step\'s outputs', () => {
    const layer = new nn.Linear(64, 128);
    layer.forward(randn([32, 64])).relu().sum().backward();
    const freed = held();
    expect(freed).toBeGreaterThan(0);
    layer.forward(randn([32, 64]));
    expect(held()).toBeLessThan(freed);
  });

  it('leaves .grad of the leaves alone', () => {
    manualSeed(3);
    const layer = new nn.Linear(64, 128);
    layer.forward(randn([32, 64])).relu().sum().backward();
    const w = snapshot(layer.weight.grad);
    const b = snapshot(layer.bias!.grad);
    churn();
    expect(snapshot(layer.weight.grad)).toEqual(w);
    expect(snapshot(layer.bias!.grad)).toEqual(b);
  });

  it('leaves a retained non-leaf gradient and the results of gradients() alone', () => {
    const layer = new nn.Linear(64, 128);
    const h = layer.forward(randn([32, 64])).retainGrad();
    h.relu().mul(h).sum().backward();
    const hg = snapshot(h.grad);
    const [gw] = gradients(layer.forward(randn([32, 64])).relu().sum(), [layer.weight]);
    const gwValues = snapshot(gw);
    churn();
    expect(snapshot(h.grad)).toEqual(hg);
    expect(snapshot(gw)).toEqual(gwValues);
  });

  it('recycles nothing in a pass through an op defined outside the library', () => {
    let kept: Tensor | null = null;
    // A rule that holds on to its upstream gradient, as a user's might.
    const keep = defineOp({
      name: 'keep',
      forward: (_be, [x]) => new Tensor(x.data.slice(), x.shape, x.dtype),
      vjp: (g) => {
        kept = g;
        return [g];
      },
    });
    const layer = new nn.Linear(64, 128);
    apply(keep, [layer.forward(randn([32, 64]))], undefined).relu().sum().backward();
    const values = snapshot(kept);
    churn();
    expect(snapshot(kept)).toEqual(values);
  });

  it('trains a small CNN to the same weights bit for bit as without reuse', () => {
    const train = (backend: string): number[][] => {
      setBackend(backend);
      manualSeed(11);
      const net = new nn.Sequential(
        new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 13 * 13, 10),
      );
      const opt = new optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
      const loss = new nn.CrossEntropyLoss();
      for (let step = 0; step < 4; step++) {
        const x = randn([16, 1, 28, 28]);
        const y = randn([16, 10]).argmax(1);
        opt.zeroGrad();
        loss.forward(net.forward(x), y).backward();
        opt.step();
      }
      return net.parameters().map((p) => Array.from(p.data));
    };
    expect(train('native-recycling')).toEqual(train('native-no-recycling'));
  });
});
