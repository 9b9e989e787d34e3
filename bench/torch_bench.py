"""PyTorch side of `npm run bench`.

bench/run.js starts this script once and sends it one JSON request per line on stdin; each
answer is one JSON line on stdout. Keeping one process alive lets run.js interleave PyTorch's
samples with the JavaScript libraries' samples, round by round, so all of them see the same
machine load on a noisy shared machine. Requests:

  {"cmd": "init", "leaves": [...], "mul": [...], "add": [...]}
                                                   the scalar graph, as defined in bench/graph.js:
                                                   step i is h = tanh(h * w[mul[i]] + w[add[i]])
  {"cmd": "add", "n": N, "grad": false}            N tiny adds; answers {"ms": ...}
  {"cmd": "graph", "n": N}                         N forward+backward passes; answers {"ms": ...}
  {"cmd": "grads"}                                 the leaf gradients of one pass
The first line written, before any request, says whether torch could be imported.
"""
import json
import sys
import time


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    import torch
except Exception as exc:  # absent or broken: run.js prints a note and skips PyTorch
    reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    sys.exit(0)

# One thread, as in peers.md; tiny ops never reach PyTorch's intra-op parallelism anyway.
torch.set_num_threads(1)
reply({"ok": True, "version": torch.__version__, "threads": torch.get_num_threads()})

sink = None
leaves = []
mul_idx = []
add_idx = []


def tiny_add(n, grad):
    global sink
    a = torch.tensor([1.5], dtype=torch.float32, requires_grad=grad)
    b = torch.tensor([2.25], dtype=torch.float32)
    t0 = time.perf_counter_ns()
    for _ in range(n):
        sink = a + b
    return (time.perf_counter_ns() - t0) / 1e6


def one_pass():
    for w in leaves:
        w.grad = None  # a fresh gradient per pass, as optimizer.zero_grad(set_to_none=True)
    h = leaves[0]
    for m, a in zip(mul_idx, add_idx):
        h = torch.tanh(h * leaves[m] + leaves[a])
    h.backward()
    return h


def graph(n):
    global sink
    t0 = time.perf_counter_ns()
    for _ in range(n):
        sink = one_pass()
    return (time.perf_counter_ns() - t0) / 1e6


for line in sys.stdin:
    req = json.loads(line)
    cmd = req["cmd"]
    if cmd == "init":
        leaves = [torch.tensor(v, dtype=torch.float32, requires_grad=True) for v in req["leaves"]]
        mul_idx = req["mul"]
        add_idx = req["add"]
        reply({"ok": True})
    elif cmd == "add":
        reply({"ms": tiny_add(req["n"], req["grad"])})
    elif cmd == "graph":
        reply({"ms": graph(req["n"])})
    elif cmd == "grads":
        one_pass()
        reply({"grads": [w.grad.item() for w in leaves]})
    elif cmd == "quit":
        break
    else:
        reply({"error": f"unknown command {cmd!r}"})
