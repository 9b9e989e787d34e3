// Datasets and loaders: the browser-safe part. File readers and MNIST live in 'chainrule/node'.
export { TensorDataset, Subset, fetchBatch, gatherRows, type Dataset, type Sample } from './dataset.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { parseCsv, CsvDataset, type CsvOptions } from './csv.js';
export { parseIdx, encodeIdx, imagesAndLabels, type IdxArray, type IdxData, type IdxType } from './idx.js';
export { stratifiedSplit } from './split.js';
