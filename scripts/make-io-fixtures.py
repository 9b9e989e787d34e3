#!/usr/bin/env python3
"""Writes test/fixtures/io/: model files that cross between PyTorch and chainrule, for
test/io/pytorch-interop.test.ts (the tests never need Python).

PyTorch → chainrule: torch-{mlp,cnn}.safetensors are PyTorch state dicts (PyTorch's names and
dtypes, int64 counters included) written here, and torch-*.json hold an input and PyTorch's
eval-mode output; the test loads each file into the same architecture built with chainrule and
compares outputs. torch-bf16.safetensors has a bfloat16 tensor, which chainrule must refuse.

chainrule → PyTorch: this script runs the built library (`npm run build` first) to write
ours-mlp.safetensors (io.serialize: a model file with its architecture) and
ours-cnn.safetensors (io.serializeStateDict with names: 'pytorch'), loads each into the same
architecture in PyTorch (strict load_state_dict), and writes PyTorch's output on a fixed input to
ours-*.json. The test regenerates both files and checks they equal the committed ones, so the
bytes PyTorch read here are the bytes chainrule writes.

Run: /usr/bin/python3 scripts/make-io-fixtures.py. The safetensors format is read and written by
hand below (Debian has no python3-safetensors); when the `safetensors` package is importable,
every file is also checked against its reader and writer.
"""
import json
import os
import re
import struct
import subprocess

import torch
import torch.nn as nn

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
OUT = os.path.join(REPO, 'test', 'fixtures', 'io')

try:
    import safetensors.torch as official
except ImportError:
    official = None

# ---- safetensors by hand: 8-byte LE header length, JSON header, raw LE data -------------------

DTYPES = {torch.float64: 'F64', torch.int64: 'I64', torch.float32: 'F32', torch.int32: 'I32', torch.bfloat16: 'BF16'}
TORCH = {v: k for k, v in DTYPES.items()}
# The official writer's order: wider dtypes first (so every tensor is aligned), then by name.
RANK = {'F64': 0, 'I64': 0, 'F32': 1, 'I32': 2, 'BF16': 3}


def write_safetensors(path, tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (RANK[DTYPES[kv[1].dtype]], kv[0]))
    header, blobs, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name, t in items:
        raw = t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b''
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def read_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop('__metadata__', {})
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        dtype = TORCH[info['dtype']]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.uint8).view(dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info['shape'])
    return tensors, metadata


def check_with_official(path):
    """The official reader must see what ours sees."""
    if official is None:
        return
    ours, _ = read_safetensors(path)
    theirs = official.load_file(path)
    assert ours.keys() == theirs.keys(), path
    for k in ours:
        assert ours[k].dtype == theirs[k].dtype and torch.equal(ours[k], theirs[k]), (path, k)


def as_json(t):
    return {'shape': list(t.shape), 'data': t.detach().double().flatten().tolist()}


def dump(name, value):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(value, f)
        f.write('\n')


# ---- The architectures (the test builds the same ones with chainrule) -------------------------

def mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.25), nn.Linear(8, 3), nn.LogSoftmax(1))


def cnn():
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.GELU(), nn.AvgPool2d(2),
        nn.Conv2d(4, 3, (3, 1), padding='same'), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(12, 5), nn.Tanh())


INPUT_SHAPES = {'mlp': (5, 4), 'cnn': (3, 2, 8, 8)}


def warm_up(model, shape, steps, generator):
    """Training-mode passes, so the BatchNorm running statistics are not the initial 0 and 1."""
    model.train()
    with torch.no_grad():
        for _ in range(steps):
            model(torch.randn(shape, generator=generator))
    model.eval()


# ---- PyTorch → chainrule ----------------------------------------------------------------------

def torch_fixtures():
    for name, make, seed in (('mlp', mlp, 1), ('cnn', cnn, 2)):
        torch.manual_seed(seed)
        g = torch.Generator().manual_seed(100 + seed)
        model = make()
        warm_up(model, INPUT_SHAPES[name], 3, g)
        path = os.path.join(OUT, f'torch-{name}.safetensors')
        state = {k: v.contiguous() for k, v in model.state_dict().items()}
        write_safetensors(path, state, {'format': 'pt'})
        if official is not None:
            official.save_file(state, path + '.official', {'format': 'pt'})
            with open(path, 'rb') as a, open(path + '.official', 'rb') as b:
                assert a.read() == b.read(), f'{path}: the hand-written writer differs from safetensors.save_file'
            os.remove(path + '.official')
        x = torch.randn(INPUT_SHAPES[name], generator=g)
        with torch.no_grad():
            y = model(x)
        dump(f'torch-{name}.json', {'input': as_json(x), 'output': as_json(y)})
        print(f'wrote torch-{name}.safetensors ({os.path.getsize(path)} bytes)')
    write_safetensors(os.path.join(OUT, 'torch-bf16.safetensors'), {'w': torch.ones(2, 2, dtype=torch.bfloat16)})
    # Every dtype chainrule writes, odd sizes, a scalar and an empty tensor: the test re-encodes
    # it and expects these exact bytes, i.e. the official writer's layout.
    g = torch.Generator().manual_seed(3)
    layout = {
        'b.weight': torch.randn(3, 5, generator=g), 'a.bias': torch.randn(7, generator=g, dtype=torch.float64),
        'counter': torch.tensor(5, dtype=torch.int32), 'z.empty': torch.zeros(0, 4), 'ids': torch.arange(3, dtype=torch.int32),
        'scalar': torch.tensor(2.5, dtype=torch.float64),
    }
    path = os.path.join(OUT, 'layout.safetensors')
    write_safetensors(path, layout, {'format': 'pt'})
    if official is not None:
        official.save_file(layout, path + '.official', {'format': 'pt'})
        with open(path, 'rb') as a, open(path + '.official', 'rb') as b:
            assert a.read() == b.read(), f'{path}: the hand-written writer differs from safetensors.save_file'
        os.remove(path + '.official')


# ---- chainrule → PyTorch ----------------------------------------------------------------------

# The same recipes as test/io/fixture-models.ts (the test fails if they drift apart).
NODE_SCRIPT = r"""
import { writeFileSync } from 'node:fs';
import { io, manualSeed, nn, noGrad, randn } from '%(dist)s';
function warmUp(model, shape, steps) {
  noGrad(() => { for (let i = 0; i < steps; i++) model.forward(randn(shape)); });
}
manualSeed(7);
const mlp = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(8, 3), new nn.LogSoftmax(1));
warmUp(mlp, [6, 4], 3);
writeFileSync('%(out)s/ours-mlp.safetensors', io.serialize(mlp));
manualSeed(8);
const cnn = new nn.Sequential(new nn.Conv2d(2, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.GELU(), new nn.AvgPool2d(2),
  new nn.Conv2d(4, 3, [3, 1], { padding: 'same' }), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(12, 5), new nn.Tanh());
warmUp(cnn, [3, 2, 8, 8], 2);
writeFileSync('%(out)s/ours-cnn.safetensors', io.serializeStateDict(cnn, { names: 'pytorch' }));
"""


def snake(name):
    return re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', name).lower()


def our_fixtures():
    script = NODE_SCRIPT % {'dist': os.path.join(REPO, 'dist', 'index.js'), 'out': OUT}
    subprocess.run(['node', '--input-type=module', '-e', script], check=True, cwd=REPO)
    for name, make in (('mlp', mlp), ('cnn', cnn)):
        path = os.path.join(OUT, f'ours-{name}.safetensors')
        check_with_official(path)
        tensors, metadata = read_safetensors(path)
        if name == 'mlp':
            # A model file: chainrule's camelCase buffer names, plus the architecture as metadata.
            arch = json.loads(metadata['chainrule.architecture'])
            assert [layer['type'] for layer in arch['children']] == ['Linear', 'BatchNorm1d', 'ReLU', 'Dropout', 'Linear', 'LogSoftmax'], arch
            tensors = {snake(k): v for k, v in tensors.items()}
        model = make()
        # int32 counters are copied into PyTorch's int64 buffers by load_state_dict.
        model.load_state_dict(tensors, strict=True)
        model.eval()
        g = torch.Generator().manual_seed(200)
        x = torch.randn(INPUT_SHAPES[name], generator=g)
        with torch.no_grad():
            y = model(x)
        dump(f'ours-{name}.json', {'input': as_json(x), 'output': as_json(y)})
        print(f'PyTorch loaded ours-{name}.safetensors (strict) and ran it')


def main():
    os.makedirs(OUT, exist_ok=True)
    torch_fixtures()
    our_fixtures()
    for f in sorted(os.listdir(OUT)):
        if f.endswith('.safetensors') and f != 'torch-bf16.safetensors':
            check_with_official(os.path.join(OUT, f))
    print('official safetensors cross-check:', 'done' if official is not None else 'skipped (package not importable)')


if __name__ == '__main__':
    main()
