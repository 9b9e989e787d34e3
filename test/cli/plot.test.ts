// The chart writers behind `chainrule train`'s pictures (chainrule/node): round-numbered ticks,
// an SVG that shows every series and survives odd names and missing values, its PNG, and the
// text chart.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { lineChart, niceTicks, svgToPng, terminalChart } from '../../src/node/index.js';
import { pngSize } from './run-cli.js';

describe('niceTicks', () => {
  it('covers the range with steps of 1, 2 or 5 × 10^k', () => {
    for (const [lo, hi] of [[0.0123, 2.31], [0.9, 0.97], [-3, 17], [1, 12], [0.5, 0.5000001]]) {
      const ticks = niceTicks(lo, hi, 6, false);
      expect(ticks[0]).toBeLessThanOrEqual(lo);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(hi);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(13);
      const step = ticks[1] - ticks[0];
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
    }
  });

  it('gives whole numbers for epochs, and room around a single value', () => {
    expect(niceTicks(1, 12, 8, true)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(niceTicks(1, 1, 8, true)).toEqual([0, 1, 2]);
    expect(niceTicks(1, 3, 8, true)).toEqual([1, 2, 3]);
  });
});

describe('lineChart', () => {
  const series = [
    { name: 'train <batches> & "all"', x: [1, 2, 3, 4], y: [0.9, NaN, 0.4, 0.3] },
    { name: 'validation', x: [1, 2, 3, 4], y: [1.0, 0.7, 0.5, 0.45] },
  ];
  const svg = lineChart(series, { title: 'Loss & co', xLabel: 'epoch', yLabel: 'loss', yMin: 0 });

  it('draws each series with its legend entry, escaped', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="400" viewBox="0 0 640 400">/);
    expect(svg).toContain('>train &lt;batches&gt; &amp; &quot;all&quot;<');
    expect(svg).toContain('>Loss &amp; co<');
    expect(svg).toContain('>validation<');
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('breaks a line where a value is missing and marks every point', () => {
    const paths = [...svg.matchAll(/<path d="([^"]+)" fill="none" stroke="#/g)].map((m) => m[1]);
    // The axes, then the two series: the first restarts ('M') after its gap.
    expect(paths).toHaveLength(3);
    expect(paths[1].match(/M/g)).toHaveLength(2);
    expect(paths[2].match(/M/g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(7);
  });

  it('says so when there is nothing to draw', () => {
    expect(lineChart([{ name: 'empty', x: [], y: [] }], { title: 't', xLabel: 'x', yLabel: 'y' })).toContain('>no data<');
  });

  it('renders to a PNG of the SVG size times the scale', () => {
    expect(pngSize(svgToPng(svg))).toEqual({ width: 640, height: 400 });
    const png = svgToPng(svg, { scale: 0.5 });
    expect(pngSize(png)).toEqual({ width: 320, height: 200 });
    // White ground, coloured curves.
    const { data } = PNG.sync.read(Buffer.from(png));
    expect([data[0], data[1], data[2], data[3]]).toEqual([255, 255, 255, 255]);
    let orange = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > 180 && data[i + 2] < 80 && data[i + 1] < 140) orange++;
    expect(orange).toBeGreaterThan(20);
    expect(() => svgToPng(svg, { scale: 0 })).toThrow('scale must be in (0, 16]');
  });
});

describe('terminalChart', () => {
  it('plots points in a grid of the given size with the range on the axes', () => {
    const text = terminalChart(
      [{ name: 'falling', x: [0, 1, 2, 3], y: [4, 3, 2, 1], symbol: '*' }, { name: 'flat', x: [0, 3], y: [2.5, 2.5], symbol: 'o' }],
      { width: 4, height: 4, title: 'demo', formatY: (v) => v.toFixed(1) },
    );
    expect(text).toBe([
      'demo',
      '4.0 |*',
      '3.0 | *',
      '    |o *o',
      '1.0 |   *',
      '    +----',
      '     0  3',
      '     * falling   o flat',
      '',
    ].join('\n'));
  });

  it('averages the points that share a column', () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const y = x.map((i) => (i % 2 === 0 ? 0 : 2));
    const lines = terminalChart([{ name: 'noisy', x, y }, { name: 'ends', x: [0, 99], y: [0, 2] }], { width: 10, height: 3 }).split('\n');
    // Each column's even and odd values average to about 1: the middle row, not the 0 or 2 of any one point.
    expect(lines.slice(0, 3)).toEqual(['2.00 |         o', '1.00 |**********', '0.00 |o']);
    expect(terminalChart([], { title: 'none' })).toBe('none\n(no data)\n');
  });
});
