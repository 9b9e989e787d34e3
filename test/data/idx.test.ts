// IDX files (MNIST's format): encode/parse round trips for every element type, files on disk
// plain and gzipped, MNIST-style datasets from them, and errors for bad magic numbers and
// truncated or padded files.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx, imagesAndLabels, parseIdx, type IdxArray } from '../../src/data/index.js';
import { readIdx, readMnistIdx, writeIdx } from '../../src/node/index.js';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chainrule-idx-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** Three 2×3 "images" and their labels, as the MNIST files hold them. */
const images: IdxArray = { type: 'uint8', shape: [3, 2, 3], data: Uint8Array.from({ length: 18 }, (_, i) => i * 15) };
const labels: IdxArray = { type: 'uint8', shape: [3], data: Uint8Array.from([7, 0, 9]) };

describe('encodeIdx / parseIdx', () => {
  it('writes the MNIST header: magic 0x00000803 for images, then big-endian sizes', () => {
    const bytes = encodeIdx(images);
    expect(Array.from(bytes.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(bytes.length).toBe(16 + 18);
    expect(Array.from(encodeIdx(labels).subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 0, 3]);
  });

  it('round-trips every element type', () => {
    const cases: IdxArray[] = [
      images,
      { type: 'int8', shape: [4], data: Int8Array.from([-128, -1, 0, 127]) },
      { type: 'int16', shape: [2, 2], data: Int16Array.from([-32768, -2, 300, 32767]) },
      { type: 'int32', shape: [3], data: Int32Array.from([-2147483648, 65536, 2147483647]) },
      { type: 'float32', shape: [2], data: Float32Array.from([Math.fround(0.1), -3.5]) },
      { type: 'float64', shape: [1, 2], data: Float64Array.from([Math.PI, -1e-300]) },
    ];
    for (const c of cases) {
      const back = parseIdx(encodeIdx(c));
      expect(back.type).toBe(c.type);
      expect(back.shape).toEqual(c.shape);
      expect(back.data.constructor).toBe(c.data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(c.data));
    }
  });

  it('rejects a bad magic number, naming what an IDX file starts with', () => {
    const bytes = encodeIdx(labels);
    bytes[0] = 0x12;
    expect(() => parseIdx(bytes, 'labels.idx')).toThrow(/parseIdx\(labels.idx\): bad magic number 0x12000801; an IDX file starts with 0x0000TTNN/);
    const badType = encodeIdx(labels);
    badType[2] = 0x07;
    expect(() => parseIdx(badType)).toThrow(/bad magic number 0x00000701/);
    expect(() => parseIdx(gzipSync(encodeIdx(labels)))).toThrow(/bad magic number 0x1f8b.*gzip/);
  });

  it('rejects truncated headers and data, and bytes past the end', () => {
    const bytes = encodeIdx(images);
    expect(() => parseIdx(bytes.subarray(0, 3))).toThrow(/truncated: 3 bytes, fewer than the 4 of the magic number/);
    expect(() => parseIdx(bytes.subarray(0, 10))).toThrow(/truncated: the header of 3 dimensions needs 16 bytes, the data has 10/);
    expect(() => parseIdx(bytes.subarray(0, 30))).toThrow(/truncated: shape \[3, 2, 3\] of uint8 needs 34 bytes, the data has 30/);
    const padded = new Uint8Array(bytes.length + 2);
    padded.set(bytes);
    expect(() => parseIdx(padded)).toThrow(/2 bytes after the last element of shape \[3, 2, 3\]/);
  });

  it('turns images and labels into x float32 [N, pixels] in [0, 1] and y int32 [N]', () => {
    const ds = imagesAndLabels(images, labels);
    expect(ds.x.shape).toEqual([3, 6]);
    expect(ds.x.dtype).toBe('float32');
    expect(ds.x.data[1]).toBeCloseTo(15 / 255, 7);
    expect(ds.x.data[17]).toBe(1);
    expect(ds.y.dtype).toBe('int32');
    expect(ds.y.toArray()).toEqual([7, 0, 9]);
    expect(() => imagesAndLabels(images, { ...labels, shape: [2], data: labels.data.subarray(0, 2) })).toThrow(/3 images but 2 labels/);
    expect(() => imagesAndLabels(labels, labels)).toThrow(/images must be uint8 of shape \[N, rows, cols\]/);
  });
});

describe('IDX files on disk', () => {
  it('writes and reads back plain and gzipped files (gzip recognised by its bytes)', async () => {
    await writeIdx(join(dir, 'plain-images-idx3-ubyte'), images);
    await writeIdx(join(dir, 'zipped-images-idx3-ubyte.gz'), images, { gzip: true });
    // A gzipped file without the .gz name is still recognised.
    await writeFile(join(dir, 'zipped-no-suffix'), gzipSync(encodeIdx(images)));
    const raw = await readFile(join(dir, 'zipped-images-idx3-ubyte.gz'));
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    for (const name of ['plain-images-idx3-ubyte', 'zipped-images-idx3-ubyte.gz', 'zipped-no-suffix']) {
      const back = await readIdx(join(dir, name));
      expect(back.shape).toEqual([3, 2, 3]);
      expect(Array.from(back.data)).toEqual(Array.from(images.data));
    }
  });

  it('reads an MNIST pair of files into a dataset', async () => {
    await writeIdx(join(dir, 'train-images-idx3-ubyte.gz'), images, { gzip: true });
    await writeIdx(join(dir, 'train-labels-idx1-ubyte'), labels);
    const ds = await readMnistIdx(join(dir, 'train-images-idx3-ubyte.gz'), join(dir, 'train-labels-idx1-ubyte'));
    expect(ds.length).toBe(3);
    expect(ds.x.shape).toEqual([3, 6]);
    expect(ds.y.toArray()).toEqual([7, 0, 9]);
    // Images and labels swapped by mistake: the message says which is which.
    await expect(readMnistIdx(join(dir, 'train-labels-idx1-ubyte'), join(dir, 'train-images-idx3-ubyte.gz'))).rejects.toThrow(/readMnistIdx\(.*\): imagesAndLabels: images must be uint8 of shape \[N, rows, cols\]/);
  });

  it('names the file in errors for bad magic numbers, truncated files and damaged gzip', async () => {
    const bad = encodeIdx(images);
    bad[1] = 1;
    await writeFile(join(dir, 'bad-magic'), bad);
    await expect(readIdx(join(dir, 'bad-magic'))).rejects.toThrow(/parseIdx\(.*bad-magic\): bad magic number 0x00010803/);
    await writeFile(join(dir, 'short'), encodeIdx(images).subarray(0, 20));
    await expect(readIdx(join(dir, 'short'))).rejects.toThrow(/parseIdx\(.*short\): truncated: shape \[3, 2, 3\] of uint8 needs 34 bytes, the data has 20/);
    const zipped = gzipSync(encodeIdx(images));
    await writeFile(join(dir, 'short.gz'), zipped.subarray(0, zipped.length - 10));
    await expect(readIdx(join(dir, 'short.gz'))).rejects.toThrow(/readIdx\(.*short.gz\): the file is gzip-compressed but cannot be decompressed .* is it truncated\?/);
  });
});
