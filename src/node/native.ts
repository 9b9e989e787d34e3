// The native backend in Node: loads the C++ addon that `npm install` built, registers it as
// 'native', and (on import of 'chainrule/node') makes it the default. The core ('chainrule') has
// no side effects on import and never loads it; this entry point is where Node-only choices are
// made. Environment:
//   CHAINRULE_BACKEND=js|native   the backend to start on (native: an error if it cannot load)
//   CHAINRULE_NATIVE_ADDON=path   load this addon file instead of build/Release's
//   CHAINRULE_NATIVE_ISA=avx512|avx2|generic   force the GEMM's instruction set (read by the addon)
//   CHAINRULE_NUM_THREADS=n       threads of the addon's pool

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getBackend, listBackends, registerBackend, setBackend } from '../backend/registry.js';
import { createNativeBackend, type NativeAddon, type NativeIsa } from '../backends/native/index.js';
import { allocate, ARRAY_TYPES, type DType, type TypedArray } from '../tensor/dtype.js';

export type { NativeAddon, NativeIsa } from '../backends/native/index.js';

// dist/node/native.js and src/node/native.ts both sit two levels below the package root, where
// node-gyp puts build/.
const ADDON_URL = new URL('../../build/Release/chainrule_native.node', import.meta.url);

let loaded: { addon: NativeAddon | null; error: string | null } | null = null;

/**
 * The addon, loaded once (null if it was not built or does not load here; nativeLoadError says
 * why). Its functions force an instruction set (setIsa) or a thread count (setThreads).
 */
export function nativeAddon(): NativeAddon | null {
  if (loaded === null) {
    try {
      const require = createRequire(import.meta.url);
      const path = process.env.CHAINRULE_NATIVE_ADDON || fileURLToPath(ADDON_URL);
      loaded = { addon: require(path) as NativeAddon, error: null };
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      loaded = { addon: null, error: message };
    }
  }
  return loaded.addon;
}

/** Why the addon did not load, or null if it did (or was not tried yet). */
export function nativeLoadError(): string | null {
  return loaded?.error ?? null;
}

/** Registers the 'native' backend if the addon loads; true if it is available. */
export function registerNativeBackend(): boolean {
  if (listBackends().includes('native')) return true;
  const addon = nativeAddon();
  if (addon === null) return false;
  registerBackend(createNativeBackend(addon, { allocateUninitialized, recycle: recycling() }));
  return true;
}

/** Whether the native backend reuses dead gradients' arrays: CHAINRULE_RECYCLE=0 turns that off. */
const recycling = (): boolean => process.env.CHAINRULE_RECYCLE !== '0';

/**
 * An array for a kernel to fill, in memory Node does not zero first (Buffer.allocUnsafeSlow: its
 * own ArrayBuffer, not a slice of the shared pool). Measured here for a 1.4 MB array made and
 * then written once: 89 µs zeroed, 49 µs not. Below 4 KiB V8's zeroed arrays are as fast.
 */
function allocateUninitialized(dtype: DType, size: number): TypedArray {
  const Type = ARRAY_TYPES[dtype];
  const bytes = size * Type.BYTES_PER_ELEMENT;
  if (bytes < 4096) return allocate(dtype, size);
  return new Type(Buffer.allocUnsafeSlow(bytes).buffer, 0, size);
}

/** What the native backend runs on: instruction set, the ones this CPU could run, threads. */
export interface NativeInfo {
  isa: NativeIsa;
  supportedIsas: NativeIsa[];
  threads: number;
  /** glibc keeps freed arrays' memory for reuse (CHAINRULE_MALLOC_TUNING=0 turns that off). */
  allocatorTuned: boolean;
}

export function nativeInfo(): NativeInfo | null {
  const addon = nativeAddon();
  return addon === null ? null : { isa: addon.isa(), supportedIsas: addon.supportedIsas(), threads: addon.threads(), allocatorTuned: addon.allocatorTuned() };
}

/**
 * The choice made on import: CHAINRULE_BACKEND names a backend, or (unset) native when it loads,
 * else js with one line that says so. Asking for native when it cannot load is an error.
 */
function chooseOnImport(): void {
  const wanted = process.env.CHAINRULE_BACKEND ?? '';
  if (wanted === 'js') {
    setBackend('js');
    return;
  }
  if (wanted === '' || wanted === 'native') {
    if (registerNativeBackend()) {
      setBackend('native');
      return;
    }
    const reason = `the native backend is unavailable (${nativeLoadError() ?? 'not built'}; \`node native/build.js\` in the package builds it)`;
    if (wanted === 'native') throw new Error(`CHAINRULE_BACKEND=native, but ${reason}`);
    if (getBackend().name === 'js') console.warn(`chainrule: ${reason}; running on js`);
    return;
  }
  registerNativeBackend();
  if (!listBackends().includes(wanted)) {
    throw new RangeError(`CHAINRULE_BACKEND=${wanted}: unknown backend; available: ${listBackends().join(', ')}`);
  }
  setBackend(wanted);
}

chooseOnImport();
