#!/usr/bin/env python3
"""Writes test/fixtures/conv-ops.json and conv-nn.json: forward values and gradients of the
convolution and pooling functions, and of a small CNN, computed by PyTorch in float64, for
test/ops/conv-pytorch.test.ts and test/nn/conv-layers.test.ts (the tests never need Python).

Run with `/usr/bin/python3 scripts/make-conv-fixtures.py`. It reuses make-fixtures.py's case format
and seeding (each case's inputs come from a generator seeded by its own name), so see that file
for the layout of a case.
"""
import importlib.util
import json
import os
import warnings
import zlib

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('make_fixtures', os.path.join(HERE, 'make-fixtures.py'))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)
F64, G, randn, distinct, flat, shape_name = base.F64, base.G, base.randn, base.distinct, base.flat, base.shape_name


class Family(base.Family):
    def write(self):
        os.makedirs(base.ROOT, exist_ok=True)
        path = os.path.join(base.ROOT, self.file)
        with open(path, 'w') as f:
            json.dump({'generator': f'scripts/make-conv-fixtures.py, torch {torch.__version__}', 'cases': self.cases},
                      f, separators=(',', ':'))
            f.write('\n')
        print(f'{path}: {len(self.cases)} cases, {os.path.getsize(path)} bytes')


def tup(v):
    """A JSON attribute as torch wants it: lists become tuples."""
    return tuple(v) if isinstance(v, list) else v


def conv_case(fam, op, x_shape, w_shape, bias, attrs, torch_fn):
    def make():
        xs = [randn(*x_shape), randn(*w_shape)]
        return xs + [randn(w_shape[0] if 'Transpose' not in op else w_shape[1] * attrs.get('groups', 1))] if bias else xs

    def fn(xs):
        kw = {k: tup(v) for k, v in attrs.items()}
        if 'outputPadding' in kw:
            kw['output_padding'] = kw.pop('outputPadding')
        return torch_fn(xs[0], xs[1], xs[2] if bias else None, **kw)

    name = f'{op} {shape_name(x_shape)} {shape_name(w_shape)}{" bias" if bias else ""} {json.dumps(attrs, separators=(",", ":"))}'
    fam.add(name, op, make, fn, attrs)


def convolutions(fam):
    c2 = [
        ((2, 3, 7, 6), (4, 3, 3, 3), True, {}),
        ((2, 2, 9, 8), (3, 2, 3, 3), False, {'stride': 2, 'padding': 1}),
        ((1, 2, 8, 7), (2, 2, 3, 2), True, {'stride': [2, 1], 'padding': [1, 2], 'dilation': [2, 1]}),
        ((2, 4, 6, 6), (6, 2, 3, 3), True, {'groups': 2}),
        ((1, 3, 5, 5), (6, 1, 3, 3), False, {'groups': 3, 'padding': 1}),
        ((2, 2, 5, 6), (3, 2, 3, 3), True, {'padding': 'same'}),
        ((1, 2, 6, 7), (2, 2, 2, 4), False, {'padding': 'same', 'dilation': [1, 2]}),
        ((1, 2, 6, 5), (3, 2, 2, 2), False, {'padding': 'valid'}),
        ((2, 3, 4, 4), (5, 3, 1, 1), True, {}),
        ((3, 5, 6), (4, 3, 3, 3), True, {'padding': 1}),
        ((1, 2, 10, 9), (2, 2, 2, 2), False, {'stride': 3}),
        ((2, 2, 8, 8), (4, 1, 3, 3), True, {'stride': 2, 'dilation': 2, 'padding': 2, 'groups': 2}),
    ]
    for x, w, b, a in c2:
        conv_case(fam, 'conv2d', x, w, b, a, F.conv2d)
    c1 = [
        ((2, 3, 10), (4, 3, 3), True, {}),
        ((1, 2, 11), (3, 2, 3), False, {'stride': 2, 'padding': 1}),
        ((2, 4, 9), (4, 2, 2), True, {'groups': 2, 'dilation': 3}),
        ((1, 2, 8), (2, 2, 4), False, {'padding': 'same'}),
        ((1, 1, 7), (2, 1, 3), True, {'padding': 'same', 'dilation': 2}),
        ((3, 9), (2, 3, 3), True, {'stride': 3, 'padding': 2}),
        ((2, 3, 6), (3, 1, 2), False, {'groups': 3, 'padding': 'valid'}),
    ]
    for x, w, b, a in c1:
        conv_case(fam, 'conv1d', x, w, b, a, F.conv1d)
    t2 = [
        ((2, 3, 4, 4), (3, 2, 3, 3), True, {}),
        ((1, 2, 4, 5), (2, 3, 3, 3), False, {'stride': 2, 'padding': 1, 'outputPadding': 1}),
        ((1, 4, 3, 3), (4, 1, 2, 3), True, {'stride': [2, 1], 'groups': 2, 'dilation': [1, 2]}),
        ((2, 2, 3, 4), (2, 2, 3, 3), False, {'dilation': 2, 'outputPadding': 1, 'padding': 1}),
    ]
    for x, w, b, a in t2:
        conv_case(fam, 'convTranspose2d', x, w, b, a, F.conv_transpose2d)
    t1 = [
        ((2, 3, 5), (3, 2, 3), True, {'stride': 2}),
        ((1, 4, 6), (4, 1, 4), False, {'stride': 3, 'padding': 1, 'outputPadding': 2, 'groups': 2}),
    ]
    for x, w, b, a in t1:
        conv_case(fam, 'convTranspose1d', x, w, b, a, F.conv_transpose1d)


def pool_case(fam, op, shape, kernel, attrs, torch_fn):
    def fn(xs):
        kw = {k: tup(v) for k, v in attrs.items()}
        for ours, theirs in [('ceilMode', 'ceil_mode'), ('countIncludePad', 'count_include_pad')]:
            if ours in kw:
                kw[theirs] = kw.pop(ours)
        return torch_fn(xs[0], tup(kernel), **kw)

    name = f'{op} {shape_name(shape)} k={json.dumps(kernel)} {json.dumps(attrs, separators=(",", ":"))}'
    # Distinct values: no ties, even in float32, so the argmax is the same as PyTorch's.
    fam.add(name, op, lambda: distinct(shape), fn, {**attrs, 'kernelSize': kernel})


def pools(fam):
    for shape, k, a in [
        ((2, 3, 6, 6), 2, {}),
        ((1, 2, 7, 7), 3, {'stride': 2, 'padding': 1}),
        ((1, 2, 8, 9), [2, 3], {'stride': [1, 2], 'dilation': [2, 1]}),
        ((2, 1, 7, 6), 2, {'ceilMode': True}),
        ((1, 1, 6, 7), 3, {'stride': 2, 'padding': 1, 'ceilMode': True}),
        ((3, 5, 5), 2, {'stride': 1}),
        # ceil mode would start a last window inside the padding; PyTorch drops it.
        ((1, 1, 5, 5), 2, {'stride': 2, 'padding': 1, 'ceilMode': True}),
    ]:
        pool_case(fam, 'maxPool2d', shape, k, a, F.max_pool2d)
    for shape, k, a in [
        ((2, 3, 8), 2, {}),
        ((1, 2, 9), 3, {'stride': 2, 'padding': 1, 'dilation': 2}),
        ((2, 7), 3, {'ceilMode': True}),
    ]:
        pool_case(fam, 'maxPool1d', shape, k, a, F.max_pool1d)
    for shape, k, a in [
        ((2, 3, 6, 6), 2, {}),
        ((1, 2, 7, 7), 3, {'stride': 2, 'padding': 1}),
        ((1, 2, 7, 7), 3, {'stride': 2, 'padding': 1, 'countIncludePad': False}),
        ((1, 2, 6, 7), [2, 3], {'stride': [2, 1], 'padding': [1, 1]}),
        ((1, 1, 6, 7), 3, {'stride': 2, 'padding': 1, 'ceilMode': True}),
        ((1, 1, 6, 7), 3, {'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False}),
        ((2, 5, 4), 2, {'stride': 1}),
    ]:
        pool_case(fam, 'avgPool2d', shape, k, a, F.avg_pool2d)
    for shape, k, a in [
        ((2, 3, 8), 2, {}),
        ((1, 2, 9), 4, {'stride': 3, 'padding': 2, 'countIncludePad': False}),
        ((2, 7), 3, {'ceilMode': True, 'padding': 1}),
        ((1, 2, 5), 2, {'stride': 2, 'padding': 1, 'ceilMode': True}),
    ]:
        pool_case(fam, 'avgPool1d', shape, k, a, F.avg_pool1d)


class SmallCnn(torch.nn.Module):
    """conv → batch norm → ReLU → max pool → conv → average pool → flatten → linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(2, 4, 3, padding='same')
        self.bn = torch.nn.BatchNorm2d(4)
        self.conv2 = torch.nn.Conv2d(4, 6, 3, stride=1, groups=2)
        self.fc = torch.nn.Linear(6 * 2 * 2, 3)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.bn(self.conv1(x))), 2)
        h = F.avg_pool2d(self.conv2(h), 2)
        return self.fc(h.flatten(1))


def camel(name):
    head, *rest = name.split('_')
    return head + ''.join(w.title() for w in rest)


def cnn():
    """One training-mode step of SmallCnn: the state dict, input, output, cross-entropy loss,
    every parameter's gradient, the batch-norm running statistics after the step, and the output
    in evaluation mode after it."""
    torch.manual_seed(zlib.crc32(b'conv-nn.json/small cnn'))
    model = SmallCnn().double()
    state = {k: flat(v) for k, v in model.state_dict().items()}
    x = torch.randn(3, 2, 12, 12, dtype=F64).float().double()
    labels = torch.tensor([0, 2, 1])
    y = model(x)
    loss = F.cross_entropy(y, labels)
    loss.backward()
    # Evaluation uses the running statistics the training step just moved.
    model.eval()
    with torch.no_grad():
        y_eval = model(x)
    case = {
        'name': 'small cnn, training mode',
        'state': {'.'.join(camel(p) for p in k.split('.')): v for k, v in state.items()},
        'input': flat(x), 'labels': labels.tolist(), 'output': flat(y), 'evalOutput': flat(y_eval), 'loss': loss.item(),
        'grads': {'.'.join(camel(p) for p in k.split('.')): flat(p.grad) for k, p in model.named_parameters()},
        'runningMean': flat(model.bn.running_mean), 'runningVar': flat(model.bn.running_var),
    }
    path = os.path.join(base.ROOT, 'conv-nn.json')
    with open(path, 'w') as f:
        json.dump({'generator': f'scripts/make-conv-fixtures.py, torch {torch.__version__}', 'cases': [case]}, f, separators=(',', ':'))
        f.write('\n')
    print(f'{path}: 1 case, {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    # PyTorch notes that 'same' with an even kernel copies the input; that is expected here.
    warnings.filterwarnings('ignore', message="Using padding='same'")
    torch.set_default_dtype(F64)
    fam = Family('conv-ops.json')
    convolutions(fam)
    pools(fam)
    fam.write()
    cnn()
