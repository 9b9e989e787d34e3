// --model: the built-in MLP and CNN, or a JSON file describing a Sequential in the same
// vocabulary as the architecture stored in model files (io.buildModel), and the checks that a
// data set fits a model before any time is spent training it.
import { readFile, stat } from 'node:fs/promises';
import { io, nn, noGrad, type Tensor } from '../index.js';
import { load } from '../node/index.js';
import { CliError } from './args.js';

type Model = nn.TensorModule;
type TensorDataset = { readonly x: Tensor; readonly y: Tensor; readonly length: number };

/** The built-in models by name; each takes 28×28 images (784 values) and gives 10 class scores. */
export const BUILTIN_MODELS: Readonly<Record<string, { describe: string; build: () => Model }>> = {
  mlp: {
    describe: 'MLP 784-128-10 (ReLU)',
    build: () => new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10)),
  },
  cnn: {
    describe: 'CNN conv 1→8 3×3, ReLU, max-pool 2, conv 8→16 3×3, ReLU, max-pool 2, linear 400→10',
    build: () => new nn.Sequential(
      new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(8, 16, 3), new nn.ReLU(), new nn.MaxPool2d(2),
      // 28 → 26 → 13 → 11 → 5: 16 channels of 5×5.
      new nn.Flatten(), new nn.Linear(16 * 5 * 5, 10),
    ),
  },
};

/**
 * A fresh model for --model. Weights come from the default generator, so manualSeed() first
 * makes them reproducible.
 */
export async function createModel(name: string): Promise<{ model: Model; describe: string }> {
  const builtin = BUILTIN_MODELS[name];
  if (builtin !== undefined) return { model: builtin.build(), describe: builtin.describe };
  if (!/\.json$/i.test(name)) throw new CliError(`--model must be ${Object.keys(BUILTIN_MODELS).join(', ')} or a .json file; got '${name}'`, 2);
  let text: string;
  try {
    text = await readFile(name, 'utf8');
  } catch {
    throw new CliError(`--model: cannot read ${name}`);
  }
  const model = modelFromJson(text, name);
  return { model, describe: `${name} (${model.parameters().reduce((n, p) => n + p.size, 0)} parameters)` };
}

/**
 * A model from its JSON description: a list of layers `[{"type": "Linear", "args": [784, 128]},
 * {"type": "ReLU"}, …]` (one Sequential), or the `{"type": "Sequential", "args": [], "children":
 * […]}` form that model files store. Layer types and arguments are those of nn (Linear, Conv2d,
 * MaxPool2d, Flatten, ReLU, Dropout, BatchNorm1d, …), positional as in their constructors.
 */
export function modelFromJson(text: string, where: string): Model {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  const spec = Array.isArray(json) ? { type: 'Sequential', args: [], children: json.map((layer, i) => layerSpec(layer, i, where)) } : json;
  if (spec === null || typeof spec !== 'object') throw new CliError(`${where}: expected a list of layers like [{"type": "Linear", "args": [784, 128]}, {"type": "ReLU"}]`);
  let model: Model;
  try {
    model = io.buildModel(spec as io.LayerSpec);
  } catch (error) {
    throw new CliError(`${where}: ${(error as Error).message}`);
  }
  // buildModel draws placeholder weights from a fixed generator (they are meant to be overwritten
  // by a file's); a model to train gets fresh ones from the seeded default generator instead.
  for (const m of model.modules()) {
    const reset = (m as { resetParameters?: () => void }).resetParameters;
    if (typeof reset === 'function') reset.call(m);
  }
  return model;
}

function layerSpec(layer: unknown, i: number, where: string): io.LayerSpec {
  if (layer === null || typeof layer !== 'object' || typeof (layer as { type?: unknown }).type !== 'string') {
    throw new CliError(`${where}: layer ${i} must be an object with a "type", like {"type": "ReLU"}; got ${JSON.stringify(layer)}`);
  }
  const { type, args = [], children } = layer as { type: string; args?: unknown; children?: unknown };
  if (!Array.isArray(args)) throw new CliError(`${where}: layer ${i} (${type}): "args" must be a list of constructor arguments; got ${JSON.stringify(args)}`);
  const spec: io.LayerSpec = { type, args: args as io.JsonValue[] };
  if (children !== undefined) spec.children = children as io.LayerSpec[];
  return spec;
}

/** The model saved at --model-file (by train, or by save() from chainrule/node), in eval mode. */
export async function openModelFile(path: string | undefined): Promise<Model> {
  if (path === undefined) throw new CliError('--model-file <path> is required: a model saved by `chainrule train`', 2);
  const info = await stat(path).catch(() => null);
  if (info === null) throw new CliError(`--model-file: no such file: ${path}`);
  if (!info.isFile()) throw new CliError(`--model-file: ${path} is not a file`);
  try {
    return load(path).eval();
  } catch (error) {
    // load() puts the path in front of its message already.
    throw new CliError(`--model-file ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The first layer that computes something, looking inside Sequentials. */
export function firstLayer(model: Model): Model {
  let m = model;
  while (m instanceof nn.Sequential && m.length > 0) m = m.at(0);
  return m;
}

/**
 * Reshapes flat examples [N, F] into what the model's first layer takes: [N, C, s, s] for a
 * Conv2d with C input channels (F = C·s², square images), [N, C, F/C] for a Conv1d; flat
 * examples are left alone for other layers.
 */
export function shapeInputs(model: Model, x: Tensor, where: string): Tensor {
  const first = firstLayer(model);
  if (x.ndim !== 2) return x;
  const [n, f] = x.shape;
  if (first instanceof nn.Conv2d) {
    const c = first.inChannels;
    const side = Math.round(Math.sqrt(f / c));
    if (side * side * c !== f) {
      throw new CliError(`${where}: the model starts with a Conv2d of ${c} input channel(s), which needs square images of ${c}·s² values; the examples have ${f}`);
    }
    return x.reshape([n, c, side, side]);
  }
  if (first instanceof nn.Conv1d) {
    const c = first.inChannels;
    if (f % c !== 0) throw new CliError(`${where}: the model starts with a Conv1d of ${c} input channels; the examples' ${f} values do not split into ${c} channels`);
    return x.reshape([n, c, f / c]);
  }
  return x;
}

/** The dataset with its examples shaped for the model. */
export function shapeDataset<D extends TensorDataset>(model: Model, ds: D, where: string, make: (x: Tensor, y: Tensor) => D): D {
  const x = shapeInputs(model, ds.x, where);
  return x === ds.x ? ds : make(x, ds.y);
}

/**
 * Runs the model on two examples and checks that it gives one score per class for every label
 * in the data, so a data set of the wrong shape fails in one line before training starts.
 * Returns the number of classes the model scores.
 */
export function checkFits(model: Model, ds: TensorDataset, where: string): number {
  if (ds.length === 0) throw new CliError(`${where}: the data set is empty`);
  const sample = ds.x.slice(0, 0, Math.min(2, ds.length));
  const wasTraining = model.training;
  let out: Tensor;
  try {
    model.eval();
    out = noGrad(() => model.forward(sample));
  } catch (error) {
    const values = ds.x.shape.slice(1).reduce((a, b) => a * b, 1);
    const shaped = ds.x.ndim > 2 ? ` (as [${ds.x.shape.slice(1).join(', ')}])` : '';
    throw new CliError(`${where}: examples of ${values} values${shaped} do not fit the model: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    model.train(wasTraining);
  }
  if (out.ndim !== 2) throw new CliError(`${where}: the model's output has shape [${out.shape.join(', ')}]; a classifier gives [examples, classes]`);
  const classes = out.shape[1];
  if (ds.y.dtype !== 'int32' || ds.y.ndim !== 1) throw new CliError(`${where}: expected one class label per example; got labels of shape [${ds.y.shape.join(', ')}]`);
  let max = -1;
  let min = 0;
  for (const v of ds.y.data) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (min < 0 || max >= classes) {
    throw new CliError(`${where}: the labels run from ${min} to ${max}, but the model scores ${classes} classes (0…${classes - 1}); its last layer needs ${max + 1} outputs`);
  }
  return classes;
}
