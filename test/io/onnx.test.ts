// Exported graphs run in onnxruntime and give our outputs (to 1e-5) on random inputs.
import * as ort from 'onnxruntime-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator, io, manualSeed, nn, noGrad, randn, type Tensor } from '../../src/index.js';
import { exportOnnx } from '../../src/node/index.js';
import { expectAllClose } from '../helpers/close.js';
import { decodeOnnx } from './onnx-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runOnnx(bytes: Uint8Array, x: Tensor): Promise<{ data: ArrayLike<number>; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const type = x.dtype === 'float64' ? 'float64' : 'float32';
  const { output } = await session.run({ input: new ort.Tensor(type, x.data as Float32Array | Float64Array, x.shape.slice()) });
  return { data: output.data as Float32Array, dims: output.dims };
}

/** Exports at `sample` shape, runs ORT at `run` shape (a different batch size), compares with forward(). */
async function check(model: nn.Module<[Tensor], Tensor>, sample: number[], run: number[], options: io.ExportOnnxOptions = {}, dtype: 'float32' | 'float64' = 'float32'): Promise<void> {
  const bytes = io.exportOnnx(model, sample, options);
  const x = randn(run, { generator: new Generator(run.length * 31 + run[0]), dtype });
  model.eval();
  const expected = noGrad(() => model.forward(x));
  const actual = await runOnnx(bytes, x);
  expect(actual.dims).toEqual(expected.shape);
  expectAllClose(actual.data, expected, { atol: 1e-5, rtol: 1e-5 });
}

function dense(last: nn.Module<[Tensor], Tensor>): nn.Sequential {
  return new nn.Sequential(
    new nn.Linear(6, 8), new nn.ReLU(), new nn.Linear(8, 8), new nn.LeakyReLU(0.1), new nn.Dropout(0.5),
    new nn.Linear(8, 8), new nn.Sigmoid(), new nn.Linear(8, 8, { bias: false }), new nn.Tanh(), new nn.Linear(8, 8), new nn.GELU(),
    new nn.Linear(8, 8), new nn.GELU({ approximate: 'tanh' }), new nn.BatchNorm1d(8), new nn.Linear(8, 4), last,
  );
}

/** A few training-mode passes, so batch norm's running statistics are not 0 and 1. */
function warm(model: nn.Sequential, shape: number[]): nn.Sequential {
  noGrad(() => { for (let i = 0; i < 3; i++) model.forward(randn(shape)); });
  return model;
}

describe('ONNX export, run in onnxruntime', () => {
  it.each([17, 20])('dense layers and every activation (opset %i), any batch size', async (opset) => {
    manualSeed(1);
    await check(warm(dense(new nn.Softmax(1)), [8, 6]), [1, 6], [7, 6], { opset });
    await check(warm(dense(new nn.LogSoftmax(-1)), [8, 6]), [2, 6], [3, 6], { opset });
  });

  it('2-D convolution (same, strided, dilated, grouped), batch norm, max and average pools', async () => {
    manualSeed(2);
    const model = new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 'same' }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 }),
      new nn.AvgPool2d(2, { stride: 1, padding: 1, countIncludePad: false }), new nn.MaxPool2d([2, 1], { stride: [1, 1], padding: [1, 0], dilation: [2, 1] }),
      new nn.AvgPool2d(2), new nn.Flatten(), new nn.Linear(24, 5), new nn.LogSoftmax(1),
    );
    await check(warm(model, [4, 3, 12, 10]), [1, 3, 12, 10], [3, 3, 12, 10]);
  });

  it('1-D convolution with uneven same padding, batch norm on [N, C, L], 1-D pools', async () => {
    manualSeed(3);
    const model = new nn.Sequential(
      new nn.Conv1d(2, 4, 4, { padding: 'same', dilation: 1 }), new nn.BatchNorm1d(4), new nn.Tanh(),
      new nn.MaxPool1d(3, { stride: 2, padding: 1 }), new nn.Conv1d(4, 4, 3, { padding: 'valid', bias: false }),
      new nn.AvgPool1d(2, { padding: 1 }), new nn.Flatten(), new nn.Linear(20, 3),
    );
    await check(warm(model, [4, 2, 20]), [2, 2, 20], [5, 2, 20]);
  });

  it('pools with ceilMode', async () => {
    manualSeed(4);
    await check(new nn.Sequential(new nn.MaxPool2d(3, { stride: 2, ceilMode: true })), [1, 2, 8, 8], [2, 2, 8, 8]);
    await check(new nn.Sequential(new nn.AvgPool2d(3, { stride: 2, ceilMode: true, countIncludePad: false })), [1, 2, 8, 8], [2, 2, 8, 8]);
    await check(new nn.Sequential(new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true })), [1, 2, 8, 8], [2, 2, 8, 8]);
  });

  it('Flatten of inner dims and of everything, Linear on 3-D input', async () => {
    manualSeed(5);
    await check(new nn.Sequential(new nn.Flatten(2, 3), new nn.Linear(12, 3), new nn.ReLU()), [1, 2, 3, 4], [4, 2, 3, 4]);
    await check(new nn.Sequential(new nn.Linear(4, 2, { bias: false }), new nn.Flatten(0, -1)), [2, 3, 4], [2, 3, 4], { dynamicBatch: false });
    await check(new nn.Sequential(new nn.Linear(4, 2)), [2, 3, 4], [5, 3, 4]);
  });

  it('a single layer, an empty Sequential, and float64 models', async () => {
    manualSeed(6);
    await check(new nn.Linear(3, 2) as nn.Module<[Tensor], Tensor>, [1, 3], [4, 3]);
    await check(new nn.Sequential(), [1, 3], [2, 3]);
    const wide = new nn.Sequential(new nn.Linear(3, 4, { dtype: 'float64' }), new nn.ReLU(), new nn.Linear(4, 2, { dtype: 'float64' }));
    await check(wide, [1, 3], [2, 3], {}, 'float64');
  });
});

describe('ONNX file structure', () => {
  it('names initializers as the state dict, marks the batch dimension, and records its versions', () => {
    manualSeed(7);
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Sequential(new nn.Linear(3, 2), new nn.GELU()));
    const onnx = decodeOnnx(io.exportOnnx(model, [1, 4]));
    expect(onnx.irVersion).toBe(8);
    expect(onnx.opset).toEqual([{ domain: '', version: 17 }]);
    expect(onnx.producer).toBe('chainrule');
    expect(onnx.producerVersion).toBe(io.VERSION);
    expect(onnx.initializers.filter((t) => t.dims.length > 0).map((t) => [t.name, t.dims])).toEqual([['0.weight', [3, 4]], ['0.bias', [3]], ['2.0.weight', [2, 3]], ['2.0.bias', [2]]]);
    const weight = onnx.initializers[0];
    expect(new Float32Array(weight.raw.slice().buffer)).toEqual(model.at(0).stateDict().weight.data);
    expect(onnx.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm', 'Div', 'Erf', 'Add', 'Mul', 'Mul']);
    expect(onnx.nodes[0]).toMatchObject({ inputs: ['input', '0.weight', '0.bias'], outputs: ['0/output'], attributes: { transB: 1 } });
    expect(onnx.nodes.at(-1)!.outputs).toEqual(['output']);
    expect(onnx.inputs).toEqual([{ name: 'input', elemType: 1, dims: ['N', 4] }]);
    expect(onnx.outputs).toEqual([{ name: 'output', elemType: 1, dims: ['N', 2] }]);
    const at20 = decodeOnnx(io.exportOnnx(model, [1, 4], { opset: 20, dynamicBatch: false }));
    expect(at20.irVersion).toBe(9);
    expect(at20.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm', 'Gelu']);
    expect(at20.nodes[3].attributes).toEqual({ approximate: 'none' });
    expect(at20.inputs[0].dims).toEqual([1, 4]);
  });

  it('writes a file in Node, and leaves the model\'s training mode as it was', () => {
    manualSeed(8);
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.5));
    model.train();
    const path = join(dir, 'model.onnx');
    const bytes = exportOnnx(model, [1, 2], path);
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(bytes))).toBe(true);
    expect(model.modules().every((m) => m.training)).toBe(true);
  });
});

describe('ONNX export errors', () => {
  class Twice extends nn.Module {
    forward(x: Tensor): Tensor {
      return x.mul(2);
    }
  }

  it('names what cannot be exported and where', () => {
    const linear = (): nn.Linear => new nn.Linear(2, 2);
    expect(() => io.exportOnnx(new nn.Sequential(linear(), new Twice()), [1, 2])).toThrow(/the layer at '1' is a Twice, which has no ONNX conversion \(supported: Sequential, ReLU/);
    expect(() => io.exportOnnx(new nn.Sequential(linear(), new nn.BatchNorm1d(2, { trackRunningStats: false })), [3, 2]))
      .toThrow(/the layer at '1' \(BatchNorm1d\): a BatchNorm without running statistics/);
    expect(() => io.exportOnnx(new nn.Sequential(new nn.Conv1d(1, 1, 2)), [1, 5])).toThrow(/ONNX's Conv needs a batched input \[N, C, …\]; export with a batched sample shape instead of \[1, 5\]/);
    expect(() => io.exportOnnx(new nn.Sequential(linear(), new nn.Linear(2, 2, { dtype: 'float64' })), [1, 2])).toThrow(/mixes float32 and float64/);
    expect(() => io.exportOnnx(linear(), [1, 3])).toThrow(/the sample input of shape \[1, 3\] does not fit the model: linear: /);
    expect(() => io.exportOnnx(linear(), [1, 2], { opset: 12 })).toThrow(/opset must be an integer from 13 to 21, got 12/);
    expect(() => io.exportOnnx(linear(), [1, 2.5])).toThrow(/sampleInputShape must be a list of positive integers/);
  });
});
