// 'chainrule/node': the Node-only parts (files, MNIST, terminal progress, charts). The core in
// 'chainrule' stays free of Node imports so it runs in browsers as is.
export { readCsv, readIdx, writeIdx } from './files.js';
export { loadMnist, readMnistIdx, MNIST_SPLIT_SEED, type MnistSplit, type MnistOptions } from './mnist.js';
export { ProgressBar, type ProgressBarOptions } from './progress.js';
export { nativeAddon, nativeInfo, nativeLoadError, registerNativeBackend, type NativeInfo, type NativeIsa, type NativeAddon } from './native.js';
export { save, load, saveWeights, loadWeights, saveCheckpoint, loadCheckpoint, checkpointFile, checkpointCallback, exportOnnx, writeFileAtomic } from './io.js';
export { lineChart, niceTicks, type PlotSeries, type LineChartOptions } from './plot-svg.js';
export { svgToPng, type SvgToPngOptions } from './plot-png.js';
export { terminalChart, type TerminalSeries, type TerminalChartOptions } from './plot-terminal.js';
