import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackend, manualSeed, nn, noGrad, randn, setBackend, tensor, type Tensor } from '../../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/io/', import.meta.url));

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + name));
}

/** An input and PyTorch's eval-mode output, as scripts/make-io-fixtures.py wrote them. */
export function fixtureCase(name: string): { input: Tensor; output: Tensor } {
  const raw = JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as Record<'input' | 'output', { shape: number[]; data: number[] }>;
  const t = (v: { shape: number[]; data: number[] }): Tensor => tensor(Float32Array.from(v.data), { shape: v.shape });
  return { input: t(raw.input), output: t(raw.output) };
}

// The architectures of the fixtures, the same as mlp() and cnn() in scripts/make-io-fixtures.py.
export function mlp(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(8, 3), new nn.LogSoftmax(1));
}

export function cnn(): nn.Sequential {
  return new nn.Sequential(new nn.Conv2d(2, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.GELU(), new nn.AvgPool2d(2),
    new nn.Conv2d(4, 3, [3, 1], { padding: 'same' }), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(12, 5), new nn.Tanh());
}

/**
 * Training-mode passes so the BatchNorm statistics are not the initial 0 and 1. On the js
 * backend, whichever backend the suite runs on: the committed files hold the js backend's bits,
 * and another backend's sums round differently in the last place.
 */
function warmUp(model: nn.Sequential, shape: number[], steps: number): void {
  const before = getBackend().name;
  setBackend('js');
  try {
    noGrad(() => { for (let i = 0; i < steps; i++) model.forward(randn(shape)); });
  } finally {
    setBackend(before);
  }
}

// The recipes of ours-*.safetensors: the same as NODE_SCRIPT in scripts/make-io-fixtures.py.
export function oursMlp(): nn.Sequential {
  manualSeed(7);
  const model = mlp();
  warmUp(model, [6, 4], 3);
  return model;
}

export function oursCnn(): nn.Sequential {
  manualSeed(8);
  const model = cnn();
  warmUp(model, [3, 2, 8, 8], 2);
  return model;
}
