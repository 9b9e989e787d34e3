#!/usr/bin/env python3
"""Writes test/fixtures/optim-trajectories.json and test/fixtures/optim-schedulers.json with PyTorch.

Run from the repository root: /usr/bin/python3 scripts/make-optim-fixtures.py
Deterministic: the same torch version writes the same files.

Trajectories: each optimizer variant minimises one small least-squares problem,
loss = mean((X @ W^T + b - Y)^2), for a few steps from the same start, in float64 and float32;
the parameters after every step are recorded. Options are written in chainrule's camelCase.
Schedulers: the lr of each of two param groups after construction and after each of 20 steps.
"""
import json
import re
import warnings

import torch

STEPS = 6
SCHEDULER_STEPS = 20
OUT = 'test/fixtures/'

# Calling scheduler.step() and SequentialLR's step(0) make PyTorch warn; the values are what we want.
warnings.filterwarnings('ignore', category=UserWarning)


def snake(name):
    return re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def torch_options(options):
    out = {snake(k): v for k, v in options.items()}
    if 'betas' in out:
        out['betas'] = tuple(out['betas'])
    return out


def make_problem():
    g = torch.Generator().manual_seed(20240607)
    X = torch.randn(6, 3, generator=g, dtype=torch.float64)
    Y = torch.randn(6, 2, generator=g, dtype=torch.float64)
    W = torch.randn(2, 3, generator=g, dtype=torch.float64)
    b = torch.randn(2, generator=g, dtype=torch.float64)
    return {'X': X, 'Y': Y, 'W': W, 'b': b}


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def loss_of(problem, W, b):
    return ((problem['X'] @ W.T + b - problem['Y']) ** 2).mean()


OPTIMIZERS = {'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW, 'RMSprop': torch.optim.RMSprop}

# (name, optimizer, options, groups): groups, when given, split W and b into two param groups with
# these extra options each; the options are then the defaults.
CASES = [
    ('SGD plain', 'SGD', {'lr': 0.1}, None),
    ('SGD momentum', 'SGD', {'lr': 0.1, 'momentum': 0.9}, None),
    ('SGD dampening', 'SGD', {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.3}, None),
    ('SGD nesterov', 'SGD', {'lr': 0.1, 'momentum': 0.9, 'nesterov': True}, None),
    ('SGD weight decay', 'SGD', {'lr': 0.1, 'momentum': 0.5, 'weightDecay': 0.1}, None),
    ('SGD maximize', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'maximize': True}, None),
    ('SGD param groups', 'SGD', {'lr': 0.05, 'momentum': 0.9}, [{'lr': 0.2, 'momentum': 0.5}, {}]),
    ('Adam default', 'Adam', {}, None),
    ('Adam lr', 'Adam', {'lr': 0.1}, None),
    ('Adam betas eps', 'Adam', {'lr': 0.1, 'betas': [0.8, 0.9], 'eps': 1e-3}, None),
    ('Adam weight decay', 'Adam', {'lr': 0.1, 'weightDecay': 0.1}, None),
    ('Adam amsgrad', 'Adam', {'lr': 0.1, 'betas': [0.9, 0.5], 'amsgrad': True}, None),
    ('Adam maximize', 'Adam', {'lr': 0.1, 'maximize': True}, None),
    ('Adam param groups', 'Adam', {'lr': 0.1}, [{'lr': 0.02, 'betas': [0.5, 0.9]}, {'amsgrad': True}]),
    ('AdamW default decay', 'AdamW', {'lr': 0.1}, None),
    ('AdamW amsgrad', 'AdamW', {'lr': 0.1, 'weightDecay': 0.5, 'betas': [0.9, 0.5], 'amsgrad': True}, None),
    ('RMSprop plain', 'RMSprop', {'lr': 0.01}, None),
    ('RMSprop alpha', 'RMSprop', {'lr': 0.01, 'alpha': 0.9}, None),
    ('RMSprop momentum', 'RMSprop', {'lr': 0.01, 'momentum': 0.9}, None),
    ('RMSprop centered', 'RMSprop', {'lr': 0.01, 'centered': True}, None),
    ('RMSprop centered momentum decay', 'RMSprop', {'lr': 0.01, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.1}, None),
    ('RMSprop maximize', 'RMSprop', {'lr': 0.01, 'maximize': True}, None),
    ('RMSprop param groups', 'RMSprop', {'lr': 0.01}, [{'lr': 0.03, 'centered': True}, {'momentum': 0.9}]),
]

# Variants that must move differently from the case named, or the case tests nothing.
DIFFERS_FROM = {
    'SGD momentum': 'SGD plain', 'SGD dampening': 'SGD momentum', 'SGD nesterov': 'SGD momentum',
    'Adam betas eps': 'Adam lr', 'Adam weight decay': 'Adam lr', 'Adam amsgrad': None,
    'AdamW default decay': 'Adam lr', 'RMSprop alpha': 'RMSprop plain', 'RMSprop momentum': 'RMSprop plain',
    'RMSprop centered': 'RMSprop plain',
}


def run_case(problem, optimizer, options, groups, dtype, scheduler=None):
    W = problem['W'].to(dtype).clone().requires_grad_(True)
    b = problem['b'].to(dtype).clone().requires_grad_(True)
    data = {'X': problem['X'].to(dtype), 'Y': problem['Y'].to(dtype)}
    params = [W, b] if groups is None else [dict(params=[p], **torch_options(g)) for p, g in zip([W, b], groups)]
    opt = OPTIMIZERS[optimizer](params, **torch_options(options))
    sched = scheduler(opt) if scheduler else None
    trajectory, lrs = [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss_of(data, W, b).backward()
        opt.step()
        if sched:
            sched.step()
            lrs.append(sched.get_last_lr())
        trajectory.append({'W': flat(W), 'b': flat(b)})
    return trajectory, lrs


def amsgrad_matters(problem):
    """Adam amsgrad's case must take the max branch: same options without amsgrad must differ."""
    a, _ = run_case(problem, 'Adam', {'lr': 0.1, 'betas': [0.9, 0.5]}, None, torch.float64)
    b, _ = run_case(problem, 'Adam', {'lr': 0.1, 'betas': [0.9, 0.5], 'amsgrad': True}, None, torch.float64)
    assert a[-1] != b[-1], 'amsgrad made no difference; change the problem'


def trajectories():
    problem = make_problem()
    amsgrad_matters(problem)
    cases = []
    for name, optimizer, options, groups in CASES:
        entry = {'name': name, 'optimizer': optimizer, 'options': options, 'groups': groups}
        for dtype, key in [(torch.float64, 'float64'), (torch.float32, 'float32')]:
            entry[key], _ = run_case(problem, optimizer, options, groups, dtype)
        cases.append(entry)
    by_name = {c['name']: c for c in cases}
    for name, other in DIFFERS_FROM.items():
        if other is not None:
            assert by_name[name]['float64'] != by_name[other]['float64'], f'{name} moves like {other}'

    # Adam under a warm-up then cosine schedule: the lr a step uses is the one the scheduler set.
    def warmup_cosine(opt):
        warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.2, total_iters=2)
        cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=3, eta_min=0.01)
        return torch.optim.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[2])
    scheduled = {'name': 'Adam warmup cosine', 'optimizer': 'Adam', 'options': {'lr': 0.1}, 'groups': None}
    scheduled['float64'], scheduled['lrs'] = run_case(problem, 'Adam', {'lr': 0.1}, None, torch.float64, warmup_cosine)
    return {
        'generator': f'scripts/make-optim-fixtures.py, torch {torch.__version__}',
        'steps': STEPS,
        'problem': {k: {'shape': list(v.shape), 'data': flat(v)} for k, v in problem.items()},
        'cases': cases,
        'scheduled': scheduled,
    }


S = torch.optim.lr_scheduler

# (name, kind, arguments in chainrule's form, how PyTorch makes it, metrics for ReduceLROnPlateau)
SCHEDULERS = [
    ('StepLR', 'StepLR', {'stepSize': 3, 'gamma': 0.5}, lambda o: S.StepLR(o, 3, gamma=0.5)),
    ('StepLR default gamma', 'StepLR', {'stepSize': 4}, lambda o: S.StepLR(o, 4)),
    ('ExponentialLR', 'ExponentialLR', {'gamma': 0.9}, lambda o: S.ExponentialLR(o, 0.9)),
    ('CosineAnnealingLR', 'CosineAnnealingLR', {'tMax': 10}, lambda o: S.CosineAnnealingLR(o, 10)),
    ('CosineAnnealingLR etaMin', 'CosineAnnealingLR', {'tMax': 7, 'etaMin': 0.01}, lambda o: S.CosineAnnealingLR(o, 7, eta_min=0.01)),
    ('LinearLR default', 'LinearLR', {}, lambda o: S.LinearLR(o)),
    ('LinearLR options', 'LinearLR', {'startFactor': 0.25, 'endFactor': 0.75, 'totalIters': 8},
     lambda o: S.LinearLR(o, start_factor=0.25, end_factor=0.75, total_iters=8)),
    ('SequentialLR warmup cosine', 'SequentialLR',
     {'parts': [['LinearLR', {'startFactor': 0.1, 'totalIters': 4}], ['CosineAnnealingLR', {'tMax': 12, 'etaMin': 0.001}]], 'milestones': [4]},
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=4), S.CosineAnnealingLR(o, 12, eta_min=0.001)], milestones=[4])),
    ('SequentialLR three parts', 'SequentialLR',
     {'parts': [['LinearLR', {'startFactor': 0.5, 'totalIters': 3}], ['StepLR', {'stepSize': 3, 'gamma': 0.5}], ['ExponentialLR', {'gamma': 0.8}]],
      'milestones': [5, 11]},
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=3), S.StepLR(o, 3, gamma=0.5), S.ExponentialLR(o, 0.8)],
                              milestones=[5, 11])),
]

METRICS = [1.0, 0.9, 0.95, 0.92, 0.91, 0.9, 0.8, 0.81, 0.8, 0.8, 0.79995, 0.85, 0.7, 0.7, 0.71, 0.72, 0.73, 0.74, 0.6, 0.65]
PLATEAUS = [
    ('ReduceLROnPlateau patience', {'patience': 2}, {'patience': 2}),
    ('ReduceLROnPlateau max abs cooldown', {'mode': 'max', 'thresholdMode': 'abs', 'threshold': 0.01, 'factor': 0.5, 'patience': 1,
                                            'cooldown': 2, 'minLr': [0.01, 0.02]},
     {'mode': 'max', 'threshold_mode': 'abs', 'threshold': 0.01, 'factor': 0.5, 'patience': 1, 'cooldown': 2, 'min_lr': [0.01, 0.02]}),
    # eps 0.006 refuses the last cut, 0.025 to the floor 0.02, as too small.
    ('ReduceLROnPlateau eps floor', {'patience': 0, 'factor': 0.5, 'minLr': 0.02, 'eps': 0.006},
     {'patience': 0, 'factor': 0.5, 'min_lr': 0.02, 'eps': 0.006}),
]


def two_groups():
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    return torch.optim.SGD([{'params': [w]}, {'params': [b], 'lr': 0.05}], lr=0.1)


def schedulers():
    cases = []
    for name, kind, args, make in SCHEDULERS:
        opt = two_groups()
        sched = make(opt)
        lrs = [[g['lr'] for g in opt.param_groups]]
        for _ in range(SCHEDULER_STEPS):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
        cases.append({'name': name, 'kind': kind, 'args': args, 'lrs': lrs})
    for name, args, torch_args in PLATEAUS:
        opt = two_groups()
        sched = S.ReduceLROnPlateau(opt, **torch_args)
        lrs = [[g['lr'] for g in opt.param_groups]]
        for metric in METRICS:
            opt.step()
            sched.step(metric)
            lrs.append(sched._last_lr)
        assert lrs[-1] != lrs[0], f'{name} never reduced'
        cases.append({'name': name, 'kind': 'ReduceLROnPlateau', 'args': args, 'metrics': METRICS, 'lrs': lrs})
    return {
        'generator': f'scripts/make-optim-fixtures.py, torch {torch.__version__}',
        'initialLrs': [0.1, 0.05],
        'cases': cases,
    }


def write(name, value):
    with open(OUT + name, 'w') as f:
        json.dump(value, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    torch.set_num_threads(1)
    write('optim-trajectories.json', trajectories())
    write('optim-schedulers.json', schedulers())
