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

Training (bench/training.js sets the data, weights and batch order; raw little-endian files in a
temporary folder, written by run.js):
  {"cmd": "data", "dir": D, "train": N, "test": M}  train_x.f32 [N, 784] (already in the
                                                   benchmark's order), train_y.i32, test_x.f32,
                                                   test_y.i32
  {"cmd": "model", "id": I, "layers": [...], "batch": B, "lr": LR, "weights": F, "shapes": [...]}
                                                   builds model I (layers as in training.js) with
                                                   the initial weights in file F (PyTorch layout,
                                                   concatenated in parameter order)
  {"cmd": "train", "id": I, "n": N}                N SGD steps, going on from the last batch;
                                                   answers {"ms": ...}
  {"cmd": "accuracy", "id": I, "steps": S}         a fresh copy from the initial weights trained
                                                   S steps from batch 0, then scored on the test
                                                   digits: {"accuracy", "firstLoss", "lastLoss"}
  {"cmd": "conv_init", "dir": D, "batch", "inC", "outC", "k", "size"}
                                                   conv_x.f32, conv_w.f32, conv_g.f32
  {"cmd": "conv", "n": N}                          N conv2d forward + backward passes: {"ms"}
  {"cmd": "conv_grads"}                            the weight gradient of one pass (flat)

Matrix products (float32, square; operands drawn once per size):
  {"cmd": "gemm_init", "sizes": [...]}
  {"cmd": "gemm", "n": N, "reps": R, "lib": "torch" | "numpy"}
                                                   R products a @ b of size N: {"ms"}
Memory (for bench/memory.js, in a worker of its own):
  {"cmd": "memory", "reset": bool}                 {"rssKiB": the resident set now,
                                                   "peakKiB": its peak since the last reset}
The first line written, before any request, says whether torch could be imported.

Environment: CHAINRULE_BENCH_THREADS sets torch's intra-op threads (default: every core, as the
native backend uses). OPENBLAS_CORETYPE is OpenBLAS's own: run.js starts a second worker with
OPENBLAS_CORETYPE=SkylakeX, since OpenBLAS misdetects some AVX-512 CPUs and runs slow kernels.
"""
import os
import json
import sys
import time


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    import numpy as np
    import torch
except Exception as exc:  # absent or broken: run.js prints a note and skips PyTorch
    reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    sys.exit(0)

# Every core unless told otherwise, as chainrule's native backend; tiny ops never reach
# PyTorch's intra-op parallelism anyway.
torch.set_num_threads(int(os.environ.get("CHAINRULE_BENCH_THREADS", os.cpu_count() or 1)))
reply({"ok": True, "version": torch.__version__, "numpy": np.__version__, "threads": torch.get_num_threads(),
       "coretype": os.environ.get("OPENBLAS_CORETYPE")})

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


# ------------------------------------------------------------------------------ training

data = {}
models = {}
conv = {}


def load(dir_, name, dtype, shape):
    return torch.from_numpy(np.fromfile(os.path.join(dir_, name), dtype=dtype).reshape(shape))


def build(layers):
    mods = []
    for l in layers:
        kind = l["kind"]
        if kind == "linear":
            mods.append(torch.nn.Linear(l["in"], l["out"]))
        elif kind == "conv":
            mods.append(torch.nn.Conv2d(l["in"], l["out"], l["k"]))
        elif kind == "relu":
            mods.append(torch.nn.ReLU())
        elif kind == "pool":
            mods.append(torch.nn.MaxPool2d(2))
        elif kind == "flatten":
            mods.append(torch.nn.Flatten())
        else:
            raise ValueError(f"unknown layer {kind}")
    return torch.nn.Sequential(*mods)


def fresh(spec):
    net = build(spec["layers"])
    with torch.no_grad():
        for p, w in zip(net.parameters(), spec["init"]):
            p.copy_(w)
    return net, torch.optim.SGD(net.parameters(), lr=spec["lr"])


def step(net, opt, loss_fn, x, y):
    opt.zero_grad()
    loss = loss_fn(net(x), y)
    loss.backward()
    opt.step()
    return loss


def batch_of(spec, k):
    b = spec["batch"]
    k %= spec["batches"]
    x = data["train_x"][k * b:(k + 1) * b]
    if spec["image"]:
        x = x.view(b, 1, 28, 28)
    return x, data["train_y"][k * b:(k + 1) * b]


def model_cmd(req):
    sizes = [int(np.prod(s)) for s in req["shapes"]]
    flat = np.fromfile(req["weights"], dtype=np.float32)
    init, at = [], 0
    for shape, size in zip(req["shapes"], sizes):
        init.append(torch.from_numpy(flat[at:at + size].copy()).view(*shape))
        at += size
    image = any(l["kind"] == "conv" for l in req["layers"])
    spec = {"layers": req["layers"], "batch": req["batch"], "lr": req["lr"], "init": init, "image": image,
            "batches": data["train_x"].shape[0] // req["batch"], "cursor": 0, "loss": torch.nn.CrossEntropyLoss()}
    spec["net"], spec["opt"] = fresh(spec)
    models[req["id"]] = spec


def train_cmd(spec, n):
    global sink
    net, opt, loss_fn = spec["net"], spec["opt"], spec["loss"]
    t0 = time.perf_counter_ns()
    for _ in range(n):
        x, y = batch_of(spec, spec["cursor"])
        spec["cursor"] += 1
        sink = step(net, opt, loss_fn, x, y)
    return (time.perf_counter_ns() - t0) / 1e6


def accuracy_cmd(spec, steps):
    net, opt = fresh(spec)
    losses = []
    for k in range(steps):
        x, y = batch_of(spec, k)
        loss = step(net, opt, spec["loss"], x, y)
        if k == 0 or k == steps - 1:
            losses.append(loss.item())
    with torch.no_grad():
        tx = data["test_x"].view(-1, 1, 28, 28) if spec["image"] else data["test_x"]
        right = sum(int((net(tx[s:s + 500]).argmax(1) == data["test_y"][s:s + 500]).sum()) for s in range(0, tx.shape[0], 500))
    return {"accuracy": right / tx.shape[0], "firstLoss": losses[0], "lastLoss": losses[-1]}


def conv_pass():
    x, w = conv["x"], conv["w"]
    x.grad = None
    w.grad = None
    y = torch.nn.functional.conv2d(x, w)
    y.backward(conv["g"])
    return y


def conv_cmd(n):
    global sink
    t0 = time.perf_counter_ns()
    for _ in range(n):
        sink = conv_pass()
    return (time.perf_counter_ns() - t0) / 1e6


gemm = {}


def gemm_init(sizes):
    for n in sizes:
        rng = np.random.default_rng(n)
        a = rng.random((n, n), dtype=np.float32)
        b = rng.random((n, n), dtype=np.float32)
        gemm[n] = {"numpy": (a, b), "torch": (torch.from_numpy(a), torch.from_numpy(b))}


def gemm_cmd(n, reps, lib):
    global sink
    a, b = gemm[n][lib]
    t0 = time.perf_counter_ns()
    for _ in range(reps):
        sink = a @ b
    return (time.perf_counter_ns() - t0) / 1e6


def handle(req):
    """Answers one request; False when asked to quit."""
    global leaves, mul_idx, add_idx, data, conv
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
    elif cmd == "data":
        d, n, m = req["dir"], req["train"], req["test"]
        data = {"train_x": load(d, "train_x.f32", np.float32, (n, 784)), "train_y": load(d, "train_y.i32", np.int32, (n,)).long(),
                "test_x": load(d, "test_x.f32", np.float32, (m, 784)), "test_y": load(d, "test_y.i32", np.int32, (m,)).long()}
        reply({"ok": True})
    elif cmd == "model":
        model_cmd(req)
        reply({"ok": True})
    elif cmd == "train":
        reply({"ms": train_cmd(models[req["id"]], req["n"])})
    elif cmd == "accuracy":
        reply(accuracy_cmd(models[req["id"]], req["steps"]))
    elif cmd == "conv_init":
        d, b, c, o, k, sz = req["dir"], req["batch"], req["inC"], req["outC"], req["k"], req["size"]
        conv = {"x": load(d, "conv_x.f32", np.float32, (b, c, sz, sz)).requires_grad_(),
                "w": load(d, "conv_w.f32", np.float32, (o, c, k, k)).requires_grad_(),
                "g": load(d, "conv_g.f32", np.float32, (b, o, sz - k + 1, sz - k + 1))}
        reply({"ok": True})
    elif cmd == "conv":
        reply({"ms": conv_cmd(req["n"])})
    elif cmd == "conv_grads":
        conv_pass()
        reply({"grads": conv["w"].grad.flatten().tolist()})
    elif cmd == "gemm_init":
        gemm_init(req["sizes"])
        reply({"ok": True})
    elif cmd == "gemm":
        reply({"ms": gemm_cmd(req["n"], req["reps"], req["lib"])})
    elif cmd == "memory":
        # Linux's high-water mark of the resident set; "reset" first lowers it to the resident
        # set now (clear_refs 5), so that the peak is that of what follows, not of the setup.
        if req.get("reset"):
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        with open("/proc/self/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        reply({"rssKiB": int(status["VmRSS"].split()[0]), "peakKiB": int(status["VmHWM"].split()[0])})
    elif cmd == "quit":
        return False
    else:
        reply({"error": f"unknown command {cmd!r}"})
    return True


for line in sys.stdin:
    try:
        if not handle(json.loads(line)):
            break
    except Exception as exc:  # answered, so that run.js reports it instead of waiting forever
        reply({"error": f"{type(exc).__name__}: {exc}"})
