import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { parseCsv, type CsvDataset, type CsvOptions } from '../data/csv.js';
import { encodeIdx, parseIdx, type IdxArray } from '../data/idx.js';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/**
 * Reads a CSV file into a dataset (see parseCsv for the options); errors name the file and line.
 * @example
 * const iris = await readCsv('iris.csv', { label: 'species' });
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<CsvDataset> {
  const text = await readFile(path, 'utf8');
  try {
    return parseCsv(text, options);
  } catch (e) {
    throw withContext(e, `readCsv(${path})`, 'parseCsv');
  }
}

/**
 * Reads an IDX file (MNIST's format), gzip-compressed or not: compression is recognised by the
 * gzip magic bytes 1F 8B, whatever the file is called.
 * @example
 * const { shape, data } = await readIdx('train-labels-idx1-ubyte.gz');   // [60000], Uint8Array
 */
export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array = await readFile(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new RangeError(`readIdx(${path}): the file is gzip-compressed but cannot be decompressed (${(e as Error).message}); is it truncated?`);
    }
  }
  return parseIdx(bytes, path);
}

/** Writes an array as an IDX file, gzip-compressed when `gzip` is true. */
export async function writeIdx(path: string, array: IdxArray, options: { gzip?: boolean } = {}): Promise<void> {
  const bytes = encodeIdx(array);
  await writeFile(path, options.gzip ? await gzipAsync(bytes) : bytes);
}

function withContext(e: unknown, where: string, replaces: string): unknown {
  if (!(e instanceof Error)) return e;
  const message = e.message.startsWith(`${replaces}: `) ? e.message.slice(replaces.length + 2) : e.message;
  return new (e.constructor as ErrorConstructor)(`${where}: ${message}`, { cause: e });
}
