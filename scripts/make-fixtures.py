#!/usr/bin/env python3
"""Writes test/fixtures/ops-*.json: forward values and gradients of every op, computed by PyTorch
in float64, for test/ops/pytorch-*.test.ts to compare against (the tests never need Python).

Run with `npm run fixtures`. Each case draws its inputs from a generator seeded by the case's own
name, so adding or reordering cases leaves every other case's numbers unchanged.

A case is {name, op, attrs, inputs: [{shape, data, dtype?, requiresGrad}], output: {shape, data,
dtype?}, upstream, grads}. `op` and `attrs` name the chainrule call (the test maps them); data
is flat row-major float64 (Python's repr round-trips exactly through JSON.parse). Ops without a
gradient have `upstream: null`.
"""
import json
import os
import zlib

import torch
import torch.nn.functional as F

F64 = torch.float64
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures'))
G = torch.Generator()


# ---- Inputs: each helper draws from G, reseeded per case -------------------------------------

def randn(*shape, scale=1.0):
    return torch.randn(shape, generator=G, dtype=F64) * scale


def unif(*shape, lo=-1.0, hi=1.0):
    return torch.rand(shape, generator=G, dtype=F64) * (hi - lo) + lo


def away(*shape, lo=0.1, hi=2.0):
    """Values with lo ≤ |x| ≤ hi: clear of a kink at 0 (relu, abs, sign)."""
    s = torch.randint(0, 2, shape, generator=G).to(F64) * 2 - 1
    return s * unif(*shape, lo=lo, hi=hi)


def distinct(*shapes):
    """Tensors of these shapes whose values are all at least 0.05 apart from each other (no ties
    for max/min/argmax, even after rounding to float32)."""
    sizes = [int(torch.tensor(s).prod()) if len(s) else 1 for s in shapes]
    n = sum(sizes)
    v = (torch.randperm(n, generator=G).to(F64) + unif(n, lo=0.1, hi=0.9)) * 0.25 - n * 0.125
    out, at = [], 0
    for s, k in zip(shapes, sizes):
        out.append(v[at:at + k].reshape(s))
        at += k
    return out


def small_ints(*shape):
    """Integer-valued floats in [-2, 2]: comparisons see many exact ties."""
    return torch.randint(-2, 3, shape, generator=G).to(F64)


def mask(*shape):
    return torch.randint(0, 2, shape, generator=G).to(torch.int32)


def indices(size, *shape):
    """int64 indices into a dimension of this size; repeats make scatterAdd accumulate."""
    return torch.randint(0, size, shape, generator=G)


def with_zeros(x, points=(0.0,)):
    """Puts about a third of the values exactly on the points: the kinks PyTorch decides by convention."""
    for p in points:
        x = torch.where(torch.rand(x.shape, generator=G) < 0.3, torch.full_like(x, p), x)
    return x


def avoid(x, points, gap=0.02):
    """Moves values within gap of a point (a clamp bound) out of the way."""
    for p in points:
        x = torch.where((x - p).abs() < gap, x + 3 * gap, x)
    return x


# ---- Cases ----------------------------------------------------------------------------------

def flat(t):
    t = t.detach()
    if t.dtype in (torch.bool, torch.int32, torch.int64):
        return {'shape': list(t.shape), 'data': [int(v) for v in t.reshape(-1).tolist()], 'dtype': 'int32'}
    return {'shape': list(t.shape), 'data': t.reshape(-1).tolist()}


class Family:
    def __init__(self, file):
        self.file = file
        self.cases = []
        self.names = set()

    def add(self, name, op, make, fn, attrs=None, grad=True):
        """make() draws the inputs (after seeding); fn(inputs) computes the op in PyTorch."""
        assert name not in self.names, f'duplicate case name {name}'
        self.names.add(name)
        G.manual_seed(zlib.crc32(f'{self.file}/{name}'.encode()))
        # Inputs and upstream gradients are float32 values (held in float64), so the float32 run
        # of the tests differs from PyTorch only by its arithmetic, not by rounded inputs.
        xs = [x.float().double() if x.is_floating_point() else x.clone() for x in make()]
        differentiable = [grad and x.is_floating_point() for x in xs]
        for x, d in zip(xs, differentiable):
            x.requires_grad_(d)
        y = fn(xs)
        case = {'name': name, 'op': op, 'attrs': attrs or {}, 'inputs': [], 'output': flat(y)}
        for x, d in zip(xs, differentiable):
            case['inputs'].append({**flat(x), 'requiresGrad': d})
        if grad:
            g = randn(*y.shape).float().double()
            y.backward(g)
            case['upstream'] = flat(g)
            case['grads'] = [flat(x.grad if x.grad is not None else torch.zeros_like(x)) if d else None
                             for x, d in zip(xs, differentiable)]
        else:
            case['upstream'] = None
            case['grads'] = [None for _ in xs]
        self.cases.append(case)

    def write(self):
        os.makedirs(ROOT, exist_ok=True)
        path = os.path.join(ROOT, self.file)
        with open(path, 'w') as f:
            json.dump({'generator': f'scripts/make-fixtures.py, torch {torch.__version__}', 'cases': self.cases},
                      f, separators=(',', ':'))
            f.write('\n')
        print(f'{path}: {len(self.cases)} cases, {os.path.getsize(path)} bytes')


def scalar(v):
    return torch.tensor(v, dtype=F64)


# ---- Elementwise: unary, binary, comparisons, where, clamp ------------------------------------

UNARY = {
    'neg': (torch.neg, lambda *s: randn(*s)),
    'exp': (torch.exp, lambda *s: unif(*s, lo=-2, hi=2)),
    'log': (torch.log, lambda *s: unif(*s, lo=0.2, hi=3)),
    'sqrt': (torch.sqrt, lambda *s: unif(*s, lo=0.2, hi=3)),
    'abs': (torch.abs, lambda *s: away(*s)),
    'square': (torch.square, lambda *s: randn(*s)),
    'sign': (torch.sign, lambda *s: away(*s)),
    'sigmoid': (torch.sigmoid, lambda *s: randn(*s, scale=2)),
    'tanh': (torch.tanh, lambda *s: randn(*s, scale=1.5)),
    'relu': (torch.relu, lambda *s: away(*s)),
    'gelu': (lambda x: F.gelu(x), lambda *s: randn(*s, scale=2)),
    # Up to ±3.5 so both of erf's branches (series, and the continued fraction past 2.5) are hit.
    'erf': (torch.erf, lambda *s: unif(*s, lo=-3.5, hi=3.5)),
}

BINARY = {
    'add': (torch.add, lambda *s: randn(*s), lambda *s: randn(*s)),
    'sub': (torch.sub, lambda *s: randn(*s), lambda *s: randn(*s)),
    'mul': (torch.mul, lambda *s: randn(*s), lambda *s: randn(*s)),
    'div': (torch.div, lambda *s: randn(*s), lambda *s: away(*s, lo=0.5, hi=2)),
    # A positive base keeps ln(a) in the exponent's gradient real.
    'pow': (torch.pow, lambda *s: unif(*s, lo=0.5, hi=2), lambda *s: unif(*s, lo=-2, hi=2)),
}

BROADCASTS = [((2, 3, 4), (2, 3, 4)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((3,), (2, 3)),
              ((2, 3), ()), ((), (2, 3)), ((), ()), ((4, 1, 3), (2, 1))]


def shape_name(s):
    return '[' + ','.join(map(str, s)) + ']'


def elementwise():
    fam = Family('ops-elementwise.json')
    for op, (fn, draw) in UNARY.items():
        fam.add(f'{op} [2,3,4]', op, lambda: [draw(2, 3, 4)], lambda xs, fn=fn: fn(xs[0]))
        fam.add(f'{op} []', op, lambda: [draw()], lambda xs, fn=fn: fn(xs[0]))
    for slope in (0.01, 0.2):
        fam.add(f'leakyRelu slope {slope}', 'leakyRelu', lambda: [away(2, 3, 4)],
                lambda xs, s=slope: F.leaky_relu(xs[0], s), {'negativeSlope': slope})
    fam.add('leakyRelu default slope', 'leakyRelu', lambda: [away(3, 4)], lambda xs: F.leaky_relu(xs[0]))

    for op, (fn, da, db) in BINARY.items():
        for sa, sb in BROADCASTS:
            fam.add(f'{op} {shape_name(sa)} {shape_name(sb)}', op, lambda: [da(*sa), db(*sb)],
                    lambda xs, fn=fn: fn(xs[0], xs[1]))
    for op in ('maximum', 'minimum'):
        fn = getattr(torch, op)
        for sa, sb in BROADCASTS[:6]:
            fam.add(f'{op} {shape_name(sa)} {shape_name(sb)}', op, lambda: distinct(sa, sb),
                    lambda xs, fn=fn: fn(xs[0], xs[1]))
        # Equal inputs: the gradient splits evenly, ours as PyTorch's.
        fam.add(f'{op} ties', op, lambda: [small_ints(2, 3), small_ints(2, 3)], lambda xs, fn=fn: fn(xs[0], xs[1]))

    # A number as one operand: chainrule takes a JS number, PyTorch a 0-d tensor without grad.
    numbers = [('add', 1.5, 'right', randn), ('sub', 2.0, 'left', randn), ('mul', -3.0, 'right', randn),
               ('div', 2.5, 'left', lambda *s: away(*s, lo=0.5)), ('div', 4.0, 'right', randn),
               ('pow', 2.0, 'right', randn), ('pow', 3.0, 'right', randn), ('pow', 0.5, 'right', lambda *s: unif(*s, lo=0.2, hi=3)),
               ('pow', -1.5, 'right', lambda *s: unif(*s, lo=0.5, hi=2)), ('pow', 2.0, 'left', lambda *s: unif(*s, lo=-2, hi=2)),
               ('maximum', 0.3, 'right', lambda *s: avoid(randn(*s), [0.3])),
               ('minimum', -0.2, 'left', lambda *s: avoid(randn(*s), [-0.2]))]
    for op, v, side, draw in numbers:
        fn = getattr(torch, op)
        name = f'{op} x {v}' if side == 'right' else f'{op} {v} x'
        fam.add(name, op, lambda: [draw(2, 3)],
                lambda xs, fn=fn, v=v, side=side: fn(xs[0], scalar(v)) if side == 'right' else fn(scalar(v), xs[0]),
                {'scalar': v, 'side': side})

    # Comparisons return PyTorch bools; chainrule's are int32 masks of 1 and 0 (written as 0/1).
    for op in ('eq', 'ne', 'lt', 'le', 'gt', 'ge'):
        fn = getattr(torch, op)
        for sa, sb in [((2, 3, 4), (2, 3, 4)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))]:
            fam.add(f'{op} {shape_name(sa)} {shape_name(sb)}', op, lambda: [small_ints(*sa), small_ints(*sb)],
                    lambda xs, fn=fn: fn(xs[0], xs[1]), grad=False)
        fam.add(f'{op} x 1', op, lambda: [small_ints(3, 4)], lambda xs, fn=fn: fn(xs[0], scalar(1.0)),
                {'scalar': 1.0, 'side': 'right'}, grad=False)

    for sc, sa, sb in [((2, 3, 4), (2, 3, 4), (2, 3, 4)), ((2, 1, 4), (3, 1), ()), ((3,), (2, 3), (2, 1))]:
        fam.add(f'where {shape_name(sc)} {shape_name(sa)} {shape_name(sb)}', 'where',
                lambda: [mask(*sc), randn(*sa), randn(*sb)], lambda xs: torch.where(xs[0].bool(), xs[1], xs[2]))
    fam.add('where x 0', 'where', lambda: [mask(2, 3), randn(2, 3)],
            lambda xs: torch.where(xs[0].bool(), xs[1], scalar(0.0)), {'scalar': 0.0, 'side': 'right'})

    for lo, hi in [(-0.5, 0.5), (-0.3, None), (None, 0.25)]:
        fam.add(f'clamp {lo} {hi}', 'clamp', lambda: [avoid(randn(2, 3, 4), [b for b in (lo, hi) if b is not None])],
                lambda xs, lo=lo, hi=hi: torch.clamp(xs[0], min=lo, max=hi), {'min': lo, 'max': hi})

    # At a kink PyTorch picks a one-sided value (relu'(0) = 0, |x|'(0) = 0, clamp passes at the
    # bounds, 0ᵇ's gradients are 0 where the formula is 0·∞); chainrule must pick the same.
    for op in ('relu', 'abs', 'sign'):
        fam.add(f'{op} kink', op, lambda: [with_zeros(away(3, 4))], lambda xs, fn=UNARY[op][0]: fn(xs[0]))
    fam.add('leakyRelu kink', 'leakyRelu', lambda: [with_zeros(away(3, 4))], lambda xs: F.leaky_relu(xs[0], 0.1),
            {'negativeSlope': 0.1})
    fam.add('clamp at bounds', 'clamp', lambda: [with_zeros(randn(3, 4), (-0.5, 0.5))],
            lambda xs: torch.clamp(xs[0], -0.5, 0.5), {'min': -0.5, 'max': 0.5})
    for v in (0.0, 1.0, 2.0):
        fam.add(f'pow zero base x {v}', 'pow', lambda: [with_zeros(randn(3, 4))],
                lambda xs, v=v: torch.pow(xs[0], scalar(v)), {'scalar': v, 'side': 'right'})

    def zero_base():
        a = with_zeros(unif(3, 4, lo=0.5, hi=2))
        return [a, torch.where(a == 0, torch.randint(0, 3, (3, 4), generator=G).to(F64), unif(3, 4, lo=-2, hi=2))]
    fam.add('pow zero base tensor exponent', 'pow', zero_base, lambda xs: torch.pow(xs[0], xs[1]))
    fam.write()


# ---- Reductions, softmax ---------------------------------------------------------------------

def reductions():
    fam = Family('ops-reduce.json')
    # (dim, keepdim): None is every element.
    dims = [(None, False), (None, True), (0, False), (1, True), (-1, False), ([0, 2], False), ([0, 2], True),
            ([-1, 0], False), ([0, 1, 2], False)]

    def all_dims(x, dim):
        return tuple(range(x.dim())) if dim is None else dim

    for op in ('sum', 'mean'):
        fn = getattr(torch, op)
        for dim, keep in dims:
            fam.add(f'{op} dim {dim} keepdim {keep}', op, lambda: [randn(2, 3, 4)],
                    lambda xs, fn=fn, dim=dim, keep=keep: fn(xs[0]) if dim is None and not keep
                    else fn(xs[0], dim=all_dims(xs[0], dim), keepdim=keep),
                    {'dim': dim, 'keepdim': keep})
        fam.add(f'{op} []', op, lambda: [randn()], lambda xs, fn=fn: fn(xs[0]), {'dim': None, 'keepdim': False})
    # chainrule's max/min over dims match PyTorch's amax/amin: at a tie the gradient is shared
    # evenly. (torch.max(x, dim) would send all of it to the one index it returns; the values agree.)
    for op, fn in (('max', torch.amax), ('min', torch.amin)):
        for dim, keep in dims:
            fam.add(f'{op} dim {dim} keepdim {keep}', op, lambda: distinct((2, 3, 4)),
                    lambda xs, fn=fn, dim=dim, keep=keep: fn(xs[0], dim=all_dims(xs[0], dim), keepdim=keep),
                    {'dim': dim, 'keepdim': keep})
        for dim in (None, 1):
            fam.add(f'{op} ties dim {dim}', op, lambda: [small_ints(3, 4)],
                    lambda xs, fn=fn, dim=dim: fn(xs[0], dim=all_dims(xs[0], dim)), {'dim': dim, 'keepdim': False})

    # Ties: both return the first index, as PyTorch documents.
    for op in ('argmax', 'argmin'):
        fn = getattr(torch, op)
        for dim, keep in [(None, False), (None, True), (0, False), (1, True), (-1, False)]:
            fam.add(f'{op} dim {dim} keepdim {keep}', op, lambda: distinct((2, 3, 4)),
                    lambda xs, fn=fn, dim=dim, keep=keep: fn(xs[0], dim=dim, keepdim=keep),
                    {'dim': dim, 'keepdim': keep}, grad=False)
        for dim in (None, 1):
            fam.add(f'{op} ties dim {dim}', op, lambda: [small_ints(4, 5)],
                    lambda xs, fn=fn, dim=dim: fn(xs[0], dim=dim), {'dim': dim, 'keepdim': False}, grad=False)

    for op, fn in (('softmax', torch.softmax), ('logSoftmax', torch.log_softmax)):
        for dim in (0, 1, 2, -1):
            fam.add(f'{op} [2,3,4] dim {dim}', op, lambda: [randn(2, 3, 4, scale=2)],
                    lambda xs, fn=fn, dim=dim: fn(xs[0], dim), {'dim': dim})
        fam.add(f'{op} [5] dim 0', op, lambda: [randn(5)], lambda xs, fn=fn: fn(xs[0], 0), {'dim': 0})
        fam.add(f'{op} [] dim 0', op, lambda: [randn()], lambda xs, fn=fn: fn(xs[0], 0), {'dim': 0})
        # Large logits: only a max-subtracted kernel stays finite here.
        fam.add(f'{op} large logits', op, lambda: [randn(3, 4, scale=10) + 800],
                lambda xs, fn=fn: fn(xs[0], -1), {'dim': -1})
    fam.write()


# ---- Matrix product --------------------------------------------------------------------------

def products():
    fam = Family('ops-matmul.json')
    for sa, sb in [((4,), (4,)), ((4,), (4, 3)), ((3, 4), (4,)), ((3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)),
                   ((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((4,), (2, 4, 3)),
                   ((2, 3, 4), (4,)), ((1, 3, 4), (2, 4, 2)), ((1, 1), (1, 1))]:
        fam.add(f'matmul {shape_name(sa)} {shape_name(sb)}', 'matmul', lambda: [randn(*sa), randn(*sb)],
                lambda xs: torch.matmul(xs[0], xs[1]))
    fam.write()


# ---- Shape and movement ----------------------------------------------------------------------

def movement():
    fam = Family('ops-movement.json')
    for s in [(2, 3, 4), (3, 4), (5,)]:
        fam.add(f'T {shape_name(s)}', 'T', lambda: [randn(*s)], lambda xs: xs[0].permute(*reversed(range(xs[0].dim()))))
    fam.add('mT [2,3,4]', 'mT', lambda: [randn(2, 3, 4)], lambda xs: xs[0].mT)
    for a, b in [(0, 2), (-1, -2), (1, 1)]:
        fam.add(f'transpose {a} {b}', 'transpose', lambda: [randn(2, 3, 4)],
                lambda xs, a=a, b=b: xs[0].transpose(a, b), {'dim0': a, 'dim1': b})
    for s, p in [((2, 3, 4), [2, 0, 1]), ((2, 3, 4), [1, -1, 0]), ((2, 1, 3), [1, 0, 2]), ((2, 3, 4, 5), [3, 1, 0, 2])]:
        fam.add(f'permute {shape_name(s)} {p}', 'permute', lambda: [randn(*s)],
                lambda xs, p=p: xs[0].permute(*p), {'dims': p})
    for s, t in [((2, 3, 4), [-1, 4]), ((2, 3, 4), [4, -1, 2]), ((2, 3, 4), [24]), ((1,), []), ((), [1, 1])]:
        fam.add(f'reshape {shape_name(s)} {t}', 'reshape', lambda: [randn(*s)],
                lambda xs, t=t: xs[0].reshape(t), {'shape': t})
    for s, a, b in [((2, 3, 4, 1), 0, -1), ((2, 3, 4, 1), 1, 2), ((2, 3, 4, 1), -2, -1), ((2, 3), 1, 1)]:
        fam.add(f'flatten {shape_name(s)} {a} {b}', 'flatten', lambda: [randn(*s)],
                lambda xs, a=a, b=b: xs[0].flatten(a, b), {'startDim': a, 'endDim': b})
    for d in [None, 1, -1, 0]:
        fam.add(f'squeeze [2,1,3,1] {d}', 'squeeze', lambda: [randn(2, 1, 3, 1)],
                lambda xs, d=d: xs[0].squeeze() if d is None else xs[0].squeeze(d), {'dim': d})
    # torch 1.13's squeeze takes one dim; a list is squeezed one dim at a time, highest first.
    fam.add('squeeze [2,1,3,1] [1,3]', 'squeeze', lambda: [randn(2, 1, 3, 1)],
            lambda xs: xs[0].squeeze(3).squeeze(1), {'dim': [1, 3]})
    for d in [0, -1, 2]:
        fam.add(f'unsqueeze [2,3,4] {d}', 'unsqueeze', lambda: [randn(2, 3, 4)],
                lambda xs, d=d: xs[0].unsqueeze(d), {'dim': d})
    for s, t in [((1, 4), [3, 4]), ((3, 1), [2, 3, 5]), ((4,), [2, 3, 4]), ((3, 1), [-1, 4]), ((), [2, 3])]:
        fam.add(f'expand {shape_name(s)} {t}', 'expand', lambda: [randn(*s)],
                lambda xs, t=t: xs[0].expand(*t), {'shape': t})
    # slice(dim, start, end, step) is Python's x[..., start:end:step] along dim.
    for dim, start, end, step in [(1, 0, 3, 2), (-1, -3, None, 1), (0, None, -1, 1), (2, None, None, 3),
                                  (1, 1, 100, 1), (2, 3, 1, 1), (2, -100, 2, 1), (0, 1, 2, 1)]:
        def fn(xs, dim=dim, start=start, end=end, step=step):
            d = dim % xs[0].dim()
            return xs[0][(slice(None),) * d + (slice(start, end, step),)]
        fam.add(f'slice {dim} {start} {end} {step}', 'slice', lambda: [randn(2, 3, 5)], fn,
                {'dim': dim, 'start': start, 'end': end, 'step': step})
    for shapes, dim in [([(2, 3), (4, 3)], 0), ([(2, 1, 4), (2, 3, 4), (2, 2, 4)], 1), ([(2, 3), (2, 2)], -1)]:
        fam.add(f'concat {" ".join(map(shape_name, shapes))} {dim}', 'concat', lambda: [randn(*s) for s in shapes],
                lambda xs, dim=dim: torch.cat(xs, dim), {'dim': dim})
    for dim in [0, 1, 2, -1]:
        fam.add(f'stack 3x[2,3] {dim}', 'stack', lambda: [randn(2, 3) for _ in range(3)],
                lambda xs, dim=dim: torch.stack(xs, dim), {'dim': dim})
    fam.add('clone [2,3]', 'clone', lambda: [randn(2, 3)], lambda xs: xs[0].clone())
    # The index may be longer than the input along dim and shorter in the others.
    for s, dim, size, t in [((3, 4), 1, 4, (3, 2)), ((3, 4), 0, 3, (5, 4)), ((2, 3, 4), -1, 4, (2, 2, 6)), ((2, 3, 4), 1, 3, (1, 2, 3))]:
        fam.add(f'gather {shape_name(s)} {dim} {shape_name(t)}', 'gather', lambda: [randn(*s), indices(size, *t)],
                lambda xs, dim=dim: torch.gather(xs[0], dim, xs[1]), {'dim': dim})
    # scatterAdd(src, dim, index, shape) adds src into zeros of shape: PyTorch's scatter_add.
    for s, dim, t in [((3, 2), 1, [3, 4]), ((2, 3, 4), 0, [3, 3, 4]), ((2, 2), 1, [3, 5]), ((4, 3), -2, [2, 3])]:
        fam.add(f'scatterAdd {shape_name(s)} {dim} {t}', 'scatterAdd', lambda: [randn(*s), indices(t[dim], *s)],
                lambda xs, dim=dim, t=t: torch.zeros(t, dtype=F64).scatter_add(dim, xs[1], xs[0]), {'dim': dim, 'shape': t})
    fam.write()


if __name__ == '__main__':
    torch.set_default_dtype(F64)
    elementwise()
    reductions()
    products()
    movement()
