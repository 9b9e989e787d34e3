import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addon, ALL_ISAS, ISAS } from './native-helpers.js';

// Loading and choosing the native backend: the addon's controls, what importing 'chainrule/node'
// selects under each CHAINRULE_BACKEND, the one-line fallback to js, and CHAINRULE_NATIVE_ISA.

const ADDON_PATH = fileURLToPath(new URL('../../build/Release/chainrule_native.node', import.meta.url));

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});

/** A fresh copy of the registry and the Node loader, as a new process would see them. */
async function freshImport(): Promise<{ backend: string; listBackends: () => string[] }> {
  vi.resetModules();
  await import('../../src/node/native.js');
  const registry = await import('../../src/backend/registry.js');
  return { backend: registry.getBackend().name, listBackends: registry.listBackends };
}

describe('the native addon', () => {
  it('reports its instruction sets; the generic path is always there', () => {
    expect(ISAS).toContain('generic');
    expect(ISAS).toContain(addon.bestIsa());
    for (const isa of ISAS) expect(ALL_ISAS).toContain(isa);
    expect(addon.threads()).toBeGreaterThanOrEqual(1);
  });

  it('refuses a path the CPU cannot run, and names the valid ones for an unknown name', () => {
    const before = addon.isa();
    for (const isa of ALL_ISAS.filter((i) => !ISAS.includes(i))) {
      expect(addon.setIsa(isa)).toBe(false);
      expect(addon.isa()).toBe(before);
    }
    expect(() => addon.setIsa('sse9' as never)).toThrow(/unknown instruction set 'sse9'.*avx512/);
  });

  it('turns a broken invariant into a JS error naming it, not a crash', () => {
    expect(() => addon.matmul(new Float32Array(4), new Float32Array(4), new Float32Array(4), new Float64Array([1, 2, 2, 5, 0, 0, 4, 4]))).toThrow(/internal error.*matmul/);
    expect(() => addon.unary(new Float32Array(4), new Float64Array(3), new Float64Array([0, 0]))).toThrow(/internal error/);
  });

  it('CHAINRULE_NATIVE_ISA forces a path at load; an unsupported one falls back with a message', () => {
    const run = (isa: string) => spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(ADDON_PATH)}).isa())`], {
      env: { ...process.env, CHAINRULE_NATIVE_ISA: isa }, encoding: 'utf8',
    });
    for (const isa of ISAS) expect(run(isa).stdout).toBe(isa);
    const unsupported = ALL_ISAS.find((i) => !ISAS.includes(i));
    if (unsupported !== undefined) {
      const r = run(unsupported);
      expect(r.stdout).toBe(addon.bestIsa());
      expect(r.stderr).toMatch(new RegExp(`CHAINRULE_NATIVE_ISA=${unsupported} is not supported by this CPU`));
    }
    expect(run('bogus').stderr).toMatch(/CHAINRULE_NATIVE_ISA=bogus is not one of/);
  });

  it('tunes glibc\'s allocator on load unless CHAINRULE_MALLOC_TUNING=0', () => {
    const run = (value: string | undefined) => spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(ADDON_PATH)}).allocatorTuned()))`], {
      env: { ...process.env, CHAINRULE_MALLOC_TUNING: value }, encoding: 'utf8',
    });
    // glibc is what Linux distributions other than Alpine ship; elsewhere the setting does not exist.
    const glibc = process.platform === 'linux' && typeof (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })?.header?.glibcVersionRuntime === 'string';
    expect(run(undefined).stdout).toBe(String(glibc));
    expect(run('0').stdout).toBe('false');
  });
});

describe("importing 'chainrule/node'", () => {
  it('registers the native backend and makes it the default', async () => {
    vi.stubEnv('CHAINRULE_BACKEND', '');
    const { backend, listBackends } = await freshImport();
    expect(backend).toBe('native');
    expect(listBackends()).toEqual(expect.arrayContaining(['js', 'native']));
  });

  it('stays on js with CHAINRULE_BACKEND=js, and selects native with =native', async () => {
    vi.stubEnv('CHAINRULE_BACKEND', 'js');
    expect((await freshImport()).backend).toBe('js');
    vi.stubEnv('CHAINRULE_BACKEND', 'native');
    expect((await freshImport()).backend).toBe('native');
  });

  it('rejects an unknown CHAINRULE_BACKEND, naming the backends there are', async () => {
    vi.stubEnv('CHAINRULE_BACKEND', 'cuda');
    await expect(freshImport()).rejects.toThrow(/CHAINRULE_BACKEND=cuda: unknown backend; available: js, native/);
  });

  it('falls back to js with one line when the addon cannot load, and throws if native was asked for', async () => {
    vi.stubEnv('CHAINRULE_BACKEND', '');
    vi.stubEnv('CHAINRULE_NATIVE_ADDON', '/nonexistent/chainrule_native.node');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { backend, listBackends } = await freshImport();
    expect(backend).toBe('js');
    expect(listBackends()).toEqual(['js']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^chainrule: the native backend is unavailable \(.*\); running on js$/);
    expect(warn.mock.calls[0][0]).not.toContain('\n');
    vi.stubEnv('CHAINRULE_BACKEND', 'native');
    await expect(freshImport()).rejects.toThrow(/CHAINRULE_BACKEND=native, but the native backend is unavailable/);
  });
});

describe('a network on native', () => {
  it('trains like it does on js: the same losses to float32 precision', async () => {
    const { manualSeed, nn, optim, randn, randint, setBackend } = await import('../../src/index.js');
    await import('../../src/node/native.js');
    const losses: Record<string, number[]> = {};
    for (const name of ['js', 'native']) {
      setBackend(name);
      manualSeed(7);
      const model = new nn.Sequential(new nn.Linear(40, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.Tanh(), new nn.Linear(64, 10));
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const lossFn = new nn.CrossEntropyLoss();
      const x = randn([128, 40]);
      const y = randint(0, 10, [128]);
      losses[name] = [];
      for (let step = 0; step < 10; step++) {
        opt.zeroGrad();
        const loss = lossFn.forward(model.forward(x), y);
        loss.backward();
        opt.step();
        losses[name].push(loss.item());
      }
    }
    setBackend('js');
    for (let i = 0; i < 10; i++) expect(Math.abs(losses.native[i] - losses.js[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(losses.js[i])));
    expect(losses.native[9]).toBeLessThan(losses.native[0]);
  });
});
