// A small SVG line-chart writer for training curves: axes with round-numbered ticks, axis labels,
// a title, a legend, lines that break at missing values, and a dot at each point so a run of one
// epoch still shows. Plain strings and no DOM, so it runs anywhere; plotPng turns it into PNG.

export interface PlotSeries {
  /** The legend entry. */
  name: string;
  x: readonly number[];
  /** NaN (or a missing value) breaks the line. */
  y: readonly number[];
  /** Any SVG colour (default: one of a fixed palette, by position). */
  color?: string;
  /** 'line' (default): a line with a dot per point; 'faint': a thin pale line, no dots (dense per-batch data). */
  style?: 'line' | 'faint';
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Pixels (default 640 × 400). */
  width?: number;
  height?: number;
  /** Fixes an end of the y axis (e.g. 0 for a loss); by default the data decide, rounded outwards. */
  yMin?: number;
  yMax?: number;
  /** Tick labels of the y axis (default: as many decimals as the tick step needs). */
  formatY?: (value: number) => string;
}

// Colour-blind-safe, distinguishable in greyscale print too (Okabe–Ito).
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const FONT = "font-family=\"DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif\"";

/**
 * An SVG document with the series drawn as lines over shared axes.
 * @example
 * const svg = lineChart([{ name: 'train', x: [1, 2, 3], y: [0.9, 0.5, 0.4] }],
 *   { title: 'Loss', xLabel: 'epoch', yLabel: 'cross-entropy' });
 */
export function lineChart(series: readonly PlotSeries[], options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const plot = { left: 72, right: width - 20, top: 44, bottom: height - 56 };
  const points = series.flatMap((s) => s.x.map((x, i) => [x, s.y[i]] as const)).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const xTicks = niceTicks(xs.length > 0 ? Math.min(...xs) : 0, xs.length > 0 ? Math.max(...xs) : 1, 8, true);
  const yTicks = niceTicks(options.yMin ?? (ys.length > 0 ? Math.min(...ys) : 0), options.yMax ?? (ys.length > 0 ? Math.max(...ys) : 1), 6, false);
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const px = (x: number): number => plot.left + ((x - x0) / (x1 - x0)) * (plot.right - plot.left);
  const py = (y: number): number => plot.bottom - ((y - y0) / (y1 - y0)) * (plot.bottom - plot.top);
  const formatY = options.formatY ?? ((v: number) => v.toFixed(decimalsFor(yTicks[1] - yTicks[0])));
  const formatX = (v: number): string => v.toFixed(decimalsFor(xTicks[1] - xTicks[0]));

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="26" text-anchor="middle" ${FONT} font-size="16" font-weight="bold" fill="#222">${escapeXml(options.title)}</text>`,
  ];
  // Grid and ticks first, so the curves are drawn over them.
  for (const t of yTicks) {
    const y = r(py(t));
    out.push(`<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#e4e4e4" stroke-width="1"/>`);
    out.push(`<text x="${plot.left - 8}" y="${y + 4}" text-anchor="end" ${FONT} font-size="12" fill="#444">${escapeXml(formatY(t))}</text>`);
  }
  for (const t of xTicks) {
    const x = r(px(t));
    out.push(`<line x1="${x}" y1="${plot.bottom}" x2="${x}" y2="${plot.bottom + 5}" stroke="#444" stroke-width="1"/>`);
    out.push(`<text x="${x}" y="${plot.bottom + 20}" text-anchor="middle" ${FONT} font-size="12" fill="#444">${escapeXml(formatX(t))}</text>`);
  }
  out.push(`<path d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" fill="none" stroke="#444" stroke-width="1"/>`);
  out.push(`<text x="${(plot.left + plot.right) / 2}" y="${height - 14}" text-anchor="middle" ${FONT} font-size="13" fill="#222">${escapeXml(options.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" ${FONT} font-size="13" fill="#222">${escapeXml(options.yLabel)}</text>`);

  series.forEach((s, i) => out.push(...drawSeries(s, s.color ?? PALETTE[i % PALETTE.length], px, py)));
  if (points.length === 0) {
    out.push(`<text x="${(plot.left + plot.right) / 2}" y="${(plot.top + plot.bottom) / 2}" text-anchor="middle" ${FONT} font-size="14" fill="#888">no data</text>`);
  }
  const pixels = points.map(([x, y]) => [px(x), py(y)] as const);
  out.push(...legend(series, plot, pixels));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function drawSeries(s: PlotSeries, color: string, px: (x: number) => number, py: (y: number) => number): string[] {
  const faint = s.style === 'faint';
  // One path with a new 'M' after every gap, so missing values break the line.
  let d = '';
  let pen = false;
  const dots: string[] = [];
  s.x.forEach((x, i) => {
    const y = s.y[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${r(px(x))} ${r(py(y))}`;
    pen = true;
    if (!faint) dots.push(`<circle cx="${r(px(x))}" cy="${r(py(y))}" r="3" fill="${color}"/>`);
  });
  const line = d === '' ? [] : [`<path d="${d}" fill="none" stroke="${color}" stroke-width="${faint ? 1 : 2}"${faint ? ' stroke-opacity="0.35"' : ''} stroke-linejoin="round"/>`];
  return [...line, ...dots];
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The legend in whichever corner of the plot hides the fewest data points. */
function legend(series: readonly PlotSeries[], plot: Box, pixels: ReadonlyArray<readonly [number, number]>): string[] {
  const rows = series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length], faint: s.style === 'faint' }));
  if (rows.length === 0) return [];
  // About 7 px per character at 12 px: wide enough for the longest name without measuring text.
  const w = 44 + 7 * Math.max(...rows.map((row) => row.name.length));
  const h = rows.length * 18 + 8;
  const corners = [
    [plot.right - w - 8, plot.top + 8], [plot.right - w - 8, plot.bottom - h - 8],
    [plot.left + 8, plot.top + 8], [plot.left + 8, plot.bottom - h - 8],
  ];
  const hidden = ([x, y]: number[]): number => pixels.filter(([a, b]) => a >= x - 4 && a <= x + w + 4 && b >= y - 4 && b <= y + h + 4).length;
  const [x, top] = corners.reduce((best, c) => (hidden(c) < hidden(best) ? c : best));
  const out = [`<rect x="${x}" y="${top}" width="${w}" height="${h}" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`];
  rows.forEach((row, i) => {
    const y = top + 4 + i * 18 + 9;
    out.push(`<line x1="${x + 8}" y1="${y}" x2="${x + 30}" y2="${y}" stroke="${row.color}" stroke-width="${row.faint ? 1 : 2}"${row.faint ? ' stroke-opacity="0.35"' : ''}/>`);
    out.push(`<text x="${x + 36}" y="${y + 4}" ${FONT} font-size="12" fill="#222">${escapeXml(row.name)}</text>`);
  });
  return out;
}

/**
 * Round-numbered ticks (steps of 1, 2 or 5 × 10^k) covering [lo, hi], about `count` of them;
 * whole numbers only when `integer` (epochs).
 */
export function niceTicks(lo: number, hi: number, count: number, integer: boolean): number[] {
  if (!(hi > lo)) {
    // One value (a single epoch, a flat curve): widen around it so it sits inside the axes.
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    [lo, hi] = [lo - pad, hi + pad];
    if (integer) [lo, hi] = [Math.floor(lo), Math.ceil(hi)];
  }
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(lo / step + 1e-9);
  // From the last tick at or below lo to the first at or above hi, as multiples of step (no
  // accumulated rounding).
  const ticks = [Number((first * step).toFixed(12))];
  for (let k = first + 1; ticks[ticks.length - 1] < hi - step * 1e-9; k++) ticks.push(Number((k * step).toFixed(12)));
  return ticks;
}

function decimalsFor(step: number): number {
  return step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
}

function r(v: number): number {
  return Math.round(v * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
