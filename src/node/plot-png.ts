// SVG to PNG through @resvg/resvg-js (a Rust renderer shipped as a prebuilt binary per platform),
// loaded on first use: importing chainrule/node must not fail on a platform without its binary.
import { createRequire } from 'node:module';

type ResvgModule = typeof import('@resvg/resvg-js');

let resvg: ResvgModule | null = null;

function loadResvg(): ResvgModule {
  if (resvg === null) {
    try {
      resvg = createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
    } catch (error) {
      throw new Error(`svgToPng: the '@resvg/resvg-js' package does not load here (${(error as Error).message.split('\n')[0]}); install it with \`npm install @resvg/resvg-js\``);
    }
  }
  return resvg;
}

export interface SvgToPngOptions {
  /** Pixels per SVG unit (default 1: a 640 × 400 chart gives a 640 × 400 PNG). */
  scale?: number;
}

/**
 * Renders an SVG document to PNG bytes. Text uses the system's fonts (DejaVu Sans where present,
 * as on Debian); on a system without fonts the text is left out and the lines are still drawn.
 * @example
 * writeFileSync('loss.png', svgToPng(lineChart(series, { title: 'Loss', xLabel: 'epoch', yLabel: 'loss' })));
 */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Uint8Array {
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 16)) throw new RangeError(`svgToPng: scale must be in (0, 16], got ${scale}`);
  const { Resvg } = loadResvg();
  const renderer = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return renderer.render().asPng();
}
