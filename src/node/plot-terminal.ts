// A small text chart for the end of a training run: one character per cell, plain ASCII so it
// survives any terminal, CI log or file it is written to.

export interface TerminalSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
  /** The character that marks this series' points (default '*', 'o', '+', '#' by position). */
  symbol?: string;
}

export interface TerminalChartOptions {
  /** Plot columns and rows, axes and labels not counted (default 60 × 10). */
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  formatY?: (value: number) => string;
  formatX?: (value: number) => string;
}

const SYMBOLS = ['*', 'o', '+', '#'];

/**
 * The series drawn in a grid of characters, with the y range at the left and the x range below.
 * Points that share a column are averaged, so a series of every batch's loss becomes one
 * smoothed line; later series are drawn over earlier ones.
 * @example
 * console.log(terminalChart([{ name: 'loss', x: [1, 2, 3], y: [0.9, 0.5, 0.4] }], { title: 'loss' }));
 */
export function terminalChart(series: readonly TerminalSeries[], options: TerminalChartOptions = {}): string {
  const width = Math.max(2, Math.floor(options.width ?? 60));
  const height = Math.max(2, Math.floor(options.height ?? 10));
  const finite = series.flatMap((s) => s.x.map((x, i) => [x, s.y[i]] as const)).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const lines: string[] = [];
  if (options.title !== undefined) lines.push(options.title);
  if (finite.length === 0) return [...lines, '(no data)', ''].join('\n');
  let [xMin, xMax] = extent(finite.map(([x]) => x));
  let [yMin, yMax] = extent(finite.map(([, y]) => y));
  if (xMax === xMin) [xMin, xMax] = [xMin - 1, xMax + 1];
  if (yMax === yMin) [yMin, yMax] = [yMin - Math.abs(yMin || 1) * 0.1, yMax + Math.abs(yMax || 1) * 0.1];

  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  series.forEach((s, k) => {
    const symbol = s.symbol ?? SYMBOLS[k % SYMBOLS.length];
    const sums = new Float64Array(width);
    const counts = new Int32Array(width);
    s.x.forEach((x, i) => {
      const y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      const col = Math.round(((x - xMin) / (xMax - xMin)) * (width - 1));
      sums[col] += y;
      counts[col]++;
    });
    for (let col = 0; col < width; col++) {
      if (counts[col] === 0) continue;
      const row = Math.round(((yMax - sums[col] / counts[col]) / (yMax - yMin)) * (height - 1));
      grid[row][col] = symbol;
    }
  });

  const formatY = options.formatY ?? ((v: number) => v.toPrecision(3));
  const formatX = options.formatX ?? ((v: number) => String(Number(v.toPrecision(4))));
  // The top, bottom and middle rows are labelled with the value each row stands for.
  const middle = Math.floor((height - 1) / 2);
  const labels = grid.map((_, row) => (row === 0 || row === height - 1 || row === middle ? formatY(yMax - (row * (yMax - yMin)) / (height - 1)) : ''));
  const gutter = Math.max(...labels.map((l) => l.length));
  grid.forEach((cells, row) => lines.push(`${labels[row].padStart(gutter)} |${cells.join('').trimEnd()}`));
  lines.push(`${' '.repeat(gutter)} +${'-'.repeat(width)}`);
  const left = formatX(xMin);
  const right = formatX(xMax);
  const xLabel = options.xLabel ?? '';
  const room = width - left.length - right.length;
  const centred = xLabel.length + 2 <= room ? `${' '.repeat(Math.floor((room - xLabel.length) / 2))}${xLabel}`.padEnd(room) : ' '.repeat(Math.max(1, room));
  lines.push(`${' '.repeat(gutter + 2)}${left}${centred}${right}`);
  lines.push(`${' '.repeat(gutter + 2)}${series.map((s, k) => `${s.symbol ?? SYMBOLS[k % SYMBOLS.length]} ${s.name}`).join('   ')}`);
  return `${lines.join('\n')}\n`;
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
