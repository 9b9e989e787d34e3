import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that a crash or an error part-way never leaves a damaged one: the bytes go to
 * a temporary file in the same directory (a rename is atomic only within one file system), which
 * is flushed to disk and then renamed over the target. Until the rename the old file, if any, is
 * untouched; after it, the new one is complete. `data` may come in chunks.
 * @example
 * writeFileAtomic('model.safetensors', io.serialize(model));
 */
export function writeFileAtomic(path: string, data: Uint8Array | Iterable<Uint8Array>): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`writeFileAtomic: path must be a non-empty string, got ${JSON.stringify(path)}`);
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const chunks: Iterable<Uint8Array> = data instanceof Uint8Array ? [data] : data;
  const fd = openSync(temp, 'wx');
  let renamed = false;
  try {
    try {
      keepMode(path, fd);
      for (const chunk of chunks) {
        for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    renamed = true;
  } finally {
    if (!renamed) removeQuietly(temp);
  }
  syncDirectory(dir);
}

/** A replaced file keeps its permissions. */
function keepMode(path: string, fd: number): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    return;
  }
  fchmodSync(fd, mode);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // The write failed already; that error is the one to report.
  }
}

/** Makes the rename itself durable; some platforms cannot fsync a directory, which is fine there. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort: the file itself is complete and in place.
  }
}
