// The ledger's graph as SVG, laid out by Graphviz compiled to WebAssembly (@viz-js/viz, which runs
// in Node and in browsers). It is imported on first use, so importing chainrule never loads it,
// and its start-up is asynchronous, hence the promise.
import type { Viz } from '@viz-js/viz';
import type { Ledger } from './ledger.js';
import { renderDot, type DotOptions } from './render-dot.js';

let viz: Promise<Viz> | null = null;

/** Renders DOT text to an SVG document with Graphviz's dot layout. */
export async function dotToSvg(dot: string): Promise<string> {
  // A failed load is not kept, so that a later call can try again.
  viz ??= import('@viz-js/viz').then((m) => m.instance()).catch((error: unknown) => {
    viz = null;
    throw error;
  });
  return (await viz).renderString(dot, { format: 'svg', engine: 'dot' });
}

/**
 * The ledger's graph as SVG.
 * @example
 * const svg = await renderSvg(explain(loss));   // '<svg …'
 */
export async function renderSvg(ledger: Ledger, options: DotOptions = {}): Promise<string> {
  return dotToSvg(renderDot(ledger, options));
}
