// A PNG image as a model input: grey levels in [0, 1] with light ink on a dark ground, the way
// the MNIST digits are stored. pngjs decodes every PNG variant (bit depths, palettes,
// interlacing) to 8-bit RGBA.
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { CliError } from './args.js';

export interface Ink {
  width: number;
  height: number;
  /** Row-major, width × height values in [0, 1]; 1 is full ink. */
  pixels: Float32Array;
  /** Whether the image was dark on light and has been inverted. */
  inverted: boolean;
  /** Whether the ink was read from the image's opacity. */
  fromAlpha: boolean;
}

/**
 * Reads a PNG as ink. With transparency, the opacity is the ink (a digit drawn on a transparent
 * canvas, whatever its colour); otherwise the brightness is, inverted when the image is mostly
 * light, since a model trained on MNIST has only seen light digits on black.
 */
export async function readInk(path: string): Promise<Ink> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new CliError(`no such file: ${path}`);
  }
  let png: { width: number; height: number; data: Buffer };
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    throw new CliError(`${path} is not a PNG image that can be read (${(error as Error).message})`);
  }
  const { width, height, data } = png;
  const n = width * height;
  let translucent = false;
  for (let i = 0; i < n; i++) if (data[4 * i + 3] < 255) translucent = true;
  const pixels = new Float32Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const [red, green, blue, alpha] = [data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]];
    // Rec. 601 luma: the weights the eye gives red, green and blue.
    pixels[i] = translucent ? alpha / 255 : (0.299 * red + 0.587 * green + 0.114 * blue) / 255;
    mean += pixels[i] / n;
  }
  const inverted = !translucent && mean > 0.5;
  if (inverted) for (let i = 0; i < n; i++) pixels[i] = 1 - pixels[i];
  return { width, height, pixels, inverted, fromAlpha: translucent };
}
