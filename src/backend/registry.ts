import { jsBackend } from '../backends/js/index.js';
import type { Backend } from './backend.js';

// The js backend is always present and is where every process starts.
const backends = new Map<string, Backend>([['js', jsBackend]]);
let current: Backend = jsBackend;

/** Makes a backend available to setBackend under its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/**
 * Chooses the backend that later ops run on. Tensors keep their typed arrays, so tensors made
 * before the switch work after it.
 */
export function setBackend(name: string): void {
  const backend = backends.get(name);
  if (backend === undefined) {
    throw new RangeError(`setBackend: unknown backend ${JSON.stringify(name)}; available: ${[...backends.keys()].map((k) => JSON.stringify(k)).join(', ')}`);
  }
  current = backend;
}

/** The backend ops run on now. */
export function getBackend(): Backend {
  return current;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}
