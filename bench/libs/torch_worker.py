"""PyTorch runner: the benchmark's workloads in eager PyTorch on one CPU thread.

Started by bench/run.mjs, one process per case (x variant), like bench/worker.mjs:

    python3 bench/libs/torch_worker.py --case W5 --variant f32 --runs 5 --warmup 1 --data FILE

FILE is the case's data as JSON, written by run.mjs from bench/data.mjs (`dataFor`), so PyTorch starts
from the very same doubles as the JavaScript libraries. The workloads are the ones in libs/chainrule.mjs
and libs/tfjs.mjs, op for op. Prints exactly one line starting with RESULT_MARKER followed by JSON (the
same fields as worker.mjs); everything else is diagnostics.

Needs only PyTorch and the standard library; float64 unless the variant is f32.
"""

import argparse
import gc
import json
import os
import statistics
import sys
import time
import traceback

RESULT_MARKER = "@@BENCH_RESULT "


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--case", required=True)
    p.add_argument("--variant", default="")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--data", required=True)
    return p.parse_args()


args = parse_args()

import torch  # noqa: E402  (after argparse, so --help works without torch)

torch.set_num_threads(1)
torch.set_num_interop_threads(1)


def blas_library():
    """The BLAS shared library this process actually loaded (after one matmul), from /proc/self/maps."""
    torch.ones(8, 8, dtype=torch.float64) @ torch.ones(8, 8, dtype=torch.float64)
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.split()[-1].lower()}
    except OSError:
        return None
    return sorted(paths)[0] if paths else None


def info():
    config = torch.__config__.show()
    blas = next(
        (part.split("=", 1)[1] for part in config.replace(",", " ").split() if part.startswith("BLAS_INFO=")),
        None,
    )
    return {
        "version": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "blasInfo": blas,
        "blasLibrary": blas_library(),
    }


def sum_abs(tensors):
    return sum(float(t.detach().abs().sum()) for t in tensors)


def as_tensor(data, dtype, requires_grad=False):
    return torch.tensor(data, dtype=dtype, requires_grad=requires_grad)


# ------------------------------------------------------------------------------------------------
# Workloads: setup(data) -> dict(reset=?, step=, result=, meta=?), as in libs/tfjs.mjs
# ------------------------------------------------------------------------------------------------


def w1(d, dtype):
    """Scalar MLP from 0-d tensors; loss sum((out - y)^2); gradients to every weight."""
    flat = []
    for layer in d["layers"]:
        for row in layer["w"]:
            flat.extend(row)
        flat.extend(layer["b"])
    params = [as_tensor(v, dtype, True) for v in flat]
    # w1Layers: the flat list arranged as layers {W: rows, B: biases}
    layers = []
    k = 0
    for layer in d["layers"]:
        W = []
        for row in layer["w"]:
            W.append(params[k : k + len(row)])
            k += len(row)
        B = params[k : k + len(layer["b"])]
        k += len(layer["b"])
        layers.append((W, B))
    xs, ys = d["xs"], d["ys"]

    def forward():
        # w1Loss, op for op
        loss = None
        for s in range(len(xs)):
            act = xs[s]
            for li, (W, B) in enumerate(layers):
                hidden = li < len(layers) - 1
                out = []
                for o, row in enumerate(W):
                    acc = row[0].mul(act[0])
                    for i in range(1, len(row)):
                        acc = acc.add(row[i].mul(act[i]))
                    acc = acc.add(B[o])
                    out.append(acc.tanh() if hidden else acc)
                act = out
            diff = act[0].sub(ys[s])
            sq = diff.mul(diff)
            loss = sq if loss is None else loss.add(sq)
        return loss

    def step():
        for p in params:
            p.grad = None
        loss = forward()
        loss.backward()
        return loss, [p.grad for p in params]

    def result(out):
        loss, grads = out
        return loss.item(), sum(abs(g.item()) for g in grads)

    return {"step": step, "result": result, "meta": {"ops": d["ops"]}}


def w2(d, dtype):
    """y = x; repeat N: y = tanh(y*1.0001 + 0.1); value and dy/dx."""
    n, scale, shift = d["n"], d["scale"], d["shift"]

    def step():
        x = as_tensor(d["x"], dtype, True)
        y = x
        for _ in range(n):
            y = y.mul(scale).add(shift).tanh()
        y.backward()
        return y, x

    return {"step": step, "result": lambda out: (out[0].item(), out[1].grad.item())}


def w3(d, dtype):
    """(A @ B).sum(), gradients to A and B."""
    a0, b0 = as_tensor(d["a"], dtype), as_tensor(d["b"], dtype)
    state = {}

    def reset():
        state["A"] = a0.clone().requires_grad_()
        state["B"] = b0.clone().requires_grad_()

    def step():
        A, B = state["A"], state["B"]
        loss = A.matmul(B).sum()
        loss.backward()
        return loss.item(), [A.grad, B.grad]

    def result(out):
        loss, grads = out
        return loss, sum_abs(grads)

    return {"reset": reset, "step": step, "result": result}


def trainer(initial, loss_fn, steps, lr):
    """Plain SGD for `steps` steps; the loss is the last step's (before its update)."""
    state = {}

    def reset():
        state["params"] = [t.clone().requires_grad_() for t in initial]
        state["opt"] = torch.optim.SGD(state["params"], lr=lr)

    def train(n):
        params, opt = state["params"], state["opt"]
        loss = 0.0
        for e in range(n):
            opt.zero_grad(set_to_none=True)
            E = loss_fn(params)
            E.backward()
            if e == n - 1:
                loss = E.item()
            opt.step()
        return loss

    return {
        "reset": reset,
        "train": train,
        "step": lambda: train(steps),
        "result": lambda loss: (loss, sum_abs(state["params"])),
    }


def w4_loss(d, dtype):
    X, Y = as_tensor(d["x"], dtype), as_tensor(d["y"], dtype)
    one_minus_y = as_tensor([[1 - v] for [v] in d["y"]], dtype)

    def loss_fn(params):
        w0, b0, w1, b1 = params
        h = X.matmul(w0).add(b0).sigmoid()
        yhat = h.matmul(w1).add(b1).sigmoid()
        # E = -mean(y*log(yhat) + (1 - y)*log(1 - yhat)), the same ops as the JavaScript runners
        return Y.mul(yhat.log()).add(one_minus_y.mul(yhat.neg().add(1).log())).mean().neg()

    return loss_fn


def initial_params(d, dtype):
    return [as_tensor(d[k], dtype) for k in ("w0", "b0", "w1", "b1")]


def w4(d, dtype):
    """The lesson's 2-3-1 sigmoid network, binary cross-entropy, full-batch gradient descent."""
    return trainer(initial_params(d, dtype), w4_loss(d, dtype), d["epochs"], d["lr"])


def w5_loss(d, dtype):
    X, Y = as_tensor(d["x"], dtype), as_tensor(d["y"], dtype)

    def loss_fn(params):
        w0, b0, w1, b1 = params
        h = X.matmul(w0).add(b0).relu()
        logits = h.matmul(w1).add(b1)
        # E = -mean over the batch of sum over classes y * logSoftmax(logits)
        return logits.log_softmax(-1).mul(Y).sum(1).mean().neg()

    return loss_fn


def w5(d, dtype):
    """784-128-10 relu MLP, softmax cross-entropy, 50 SGD steps on one fixed batch."""
    return trainer(initial_params(d, dtype), w5_loss(d, dtype), d["steps"], d["lr"])


def w6(d, dtype):
    """Hessian-vector product of W5's loss: g = grad(E, create_graph), Hv = grad(g.v); `hvps` times.

    The loss column is g.v, the check sum |Hv|, as in libs/chainrule.mjs.
    """
    loss_fn = w5_loss(d, dtype)
    params = [t.requires_grad_() for t in initial_params(d, dtype)]
    v = [as_tensor(x, dtype) for x in d["v"]]

    def step():
        for _ in range(d["hvps"]):
            E = loss_fn(params)
            g = torch.autograd.grad(E, params, create_graph=True)
            gv = g[0].mul(v[0]).sum()
            for gi, vi in zip(g[1:], v[1:]):
                gv = gv.add(gi.mul(vi).sum())
            hv = torch.autograd.grad(gv, params)
        return gv.item(), hv

    def result(out):
        gv, hv = out
        return gv, sum_abs(hv)

    return {"step": step, "result": result}


def rss_bytes():
    """Resident set size now (not the peak), after a full collection."""
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def w7(d, dtype):
    """W4's training, with the resident set read at each checkpoint epoch (Python has no JS heap)."""
    w = trainer(initial_params(d, dtype), w4_loss(d, dtype), d["epochs"], d["lr"])

    def measure():
        w["reset"]()
        gc.collect()
        seconds, epoch, readings = 0.0, 0, []
        for at in d["checkpoints"]:
            t0 = time.perf_counter()
            loss = w["train"](at - epoch)
            seconds += time.perf_counter() - t0
            epoch = at
            readings.append({"epoch": epoch, "total": rss_bytes()})
        loss, check = w["result"](loss)
        first, last = readings[0]["total"], readings[-1]["total"]
        return {
            "ms": seconds * 1000,
            "growth": (last - first) / first,
            "loss": loss,
            "check": check,
            "meta": {"memory": "rss", "readings": readings},
        }

    return {"measure": measure}


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7}


def run(case, variant, runs, warmup, data):
    workload = case.split(":")[0]
    if workload not in WORKLOADS:
        raise ValueError(f"torch: workload {workload} not implemented")
    dtype = torch.float32 if variant == "f32" else torch.float64
    w = WORKLOADS[workload](data, dtype)
    out = {
        "lib": "torch",
        "variant": variant,
        "case": case,
        "runs": runs,
        "warmup": warmup,
        "info": info(),
        "meta": w.get("meta", {}),
    }

    if "measure" in w:
        samples = [w["measure"]() for _ in range(warmup + runs)][warmup:]
        out["times"] = [s["ms"] for s in samples]
        out["medianMs"] = statistics.median(out["times"])
        out["growth"] = statistics.median(s["growth"] for s in samples)
        out["meta"] = {**out["meta"], **samples[0]["meta"]}
        results = [(s["loss"], s["check"]) for s in samples]
    else:
        for _ in range(warmup):
            if "reset" in w:
                w["reset"]()
            w["result"](w["step"]())
        times = []
        results = []
        for _ in range(runs):
            if "reset" in w:
                w["reset"]()
            gc.collect()
            t0 = time.perf_counter()
            o = w["step"]()
            t1 = time.perf_counter()
            times.append((t1 - t0) * 1000)
            results.append(w["result"](o))
            # The graph a run built is freed here, outside the timed region, as JavaScript's is by the
            # gc() before the next run (step returns its outputs, which keep the graph alive).
            del o
        out["times"] = times
        out["medianMs"] = statistics.median(times)

    out["loss"], out["check"] = results[0]
    out["losses"] = [r[0] for r in results]
    out["checks"] = [r[1] for r in results]
    # Every run starts from the same state, so every run must give the same numbers.
    out["deterministic"] = all(r == results[0] for r in results)
    return out


def finite(x):
    """NaN and infinities as null: JSON has no words for them, and a null never agrees in run.mjs."""
    if isinstance(x, float):
        return x if x == x and abs(x) != float("inf") else None
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [finite(v) for v in x]
    return x


def main():
    try:
        with open(args.data) as f:
            data = json.load(f)
        out = run(args.case, args.variant, args.runs, args.warmup, data)
        code = 0
    except Exception:  # report any failure as a result line, as worker.mjs does
        out = {"lib": "torch", "variant": args.variant, "case": args.case, "error": traceback.format_exc()}
        code = 1
    sys.stdout.write(f"\n{RESULT_MARKER}{json.dumps(finite(out))}\n")
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
