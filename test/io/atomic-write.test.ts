// A save that fails part-way never damages the file it was replacing.
import * as fs from 'node:fs';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { io, manualSeed, nn } from '../../src/index.js';
import { load, save, writeFileAtomic } from '../../src/node/index.js';

// The file system functions stay real; individual tests make one of them fail, as a full disk would.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, fsyncSync: vi.fn(real.fsyncSync), renameSync: vi.fn(real.renameSync), writeSync: vi.fn(real.writeSync) };
});

const dir = mkdtempSync(join(tmpdir(), 'chainrule-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const fn of [fs.fsyncSync, fs.writeSync, fs.renameSync]) vi.mocked(fn).mockClear();
});

function model(seed: number): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 2));
}

/** The directory holds exactly these names: no temporary file was left behind. */
function expectOnly(...names: string[]): void {
  expect(readdirSync(dir).sort()).toEqual(names.sort());
}

function ioError(code: string): Error {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('writeFileAtomic', () => {
  it('replaces a file with the new bytes, keeping its permissions', () => {
    const path = join(dir, 'plain.bin');
    writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    chmodSync(path, 0o640);
    writeFileAtomic(path, [Uint8Array.from([4]), Uint8Array.from([5, 6])]);
    expect(Array.from(readFileSync(path))).toEqual([4, 5, 6]);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(vi.mocked(fs.fsyncSync)).toHaveBeenCalled();
    rmSync(path);
  });

  it('a source that fails after part of the data was written leaves the old file whole', () => {
    const path = join(dir, 'model.safetensors');
    const old = model(1);
    save(old, path);
    const before = readFileSync(path);
    const next = io.serialize(model(2));
    function* chunks(): Generator<Uint8Array> {
      yield next.subarray(0, 100);
      throw new Error('the serializer crashed');
    }
    expect(() => writeFileAtomic(path, chunks())).toThrow('the serializer crashed');
    expect(vi.mocked(fs.writeSync)).toHaveBeenCalled(); // the new bytes had started to go out
    expect(readFileSync(path).equals(before)).toBe(true);
    expectOnly('model.safetensors');
    expect(load(path).toString()).toBe(old.toString());
  });

  it('a disk error while writing, flushing or renaming leaves the old file whole and no temporary file', () => {
    const path = join(dir, 'model.safetensors');
    const before = readFileSync(path);
    const failures: [string, () => void][] = [
      ['writeSync', () => vi.mocked(fs.writeSync).mockImplementationOnce(() => { throw ioError('ENOSPC'); })],
      ['fsyncSync', () => vi.mocked(fs.fsyncSync).mockImplementationOnce(() => { throw ioError('EIO'); })],
      ['renameSync', () => vi.mocked(fs.renameSync).mockImplementationOnce(() => { throw ioError('EXDEV'); })],
    ];
    for (const [fn, fail] of failures) {
      fail();
      expect(() => save(model(3), path), fn).toThrow(/simulated/);
      expect(readFileSync(path).equals(before), fn).toBe(true);
      expectOnly('model.safetensors');
    }
    // With the disk healthy again, the save goes through.
    save(model(3), path);
    expect(readFileSync(path).equals(before)).toBe(false);
    expect(load(path).stateDict()['0.weight'].data).toEqual(model(3).stateDict()['0.weight'].data);
  });

  it('refuses an empty path', () => {
    expect(() => writeFileAtomic('', new Uint8Array(1))).toThrow(/path must be a non-empty string/);
  });
});
