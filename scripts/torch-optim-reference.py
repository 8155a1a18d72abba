"""Prints the numbers test/optim/optim-torch.test.ts expects, computed by PyTorch (Debian's python3-torch).

Each optimizer runs 5 steps on loss(w) = 0.1·Σw³ + Σa·w from w = [0.5, -1.5, 2.0] (float64);
clip_grad_norm_ and the schedulers are run on their own. Run: /usr/bin/python3 scripts/torch-optim-reference.py
"""

import json

import torch

A = torch.tensor([0.3, -0.2, 0.1], dtype=torch.float64)


def run(make):
    w = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, requires_grad=True)
    opt = make([w])
    for _ in range(5):
        opt.zero_grad()
        (0.1 * (w**3).sum() + (A * w).sum()).backward()
        opt.step()
    return w.detach().tolist()


out = {
    "sgd_momentum": run(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    "sgd_nesterov": run(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    "adam": run(lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.1)),
    "adamw": run(lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1)),
}

w = torch.tensor([3.0, -4.0], dtype=torch.float64, requires_grad=True)
v = torch.tensor([12.0], dtype=torch.float64, requires_grad=True)
(w.sum() * 0 + (w * w).sum() / 2 + v.sum()).backward()  # grads [3, -4] and [1]
norm = torch.nn.utils.clip_grad_norm_([w, v], 2.0)
out["clip"] = {"norm": norm.item(), "w": w.grad.tolist(), "v": v.grad.tolist()}

def lrs(make, epochs):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.5)
    sched = make(opt)
    seq = []
    for _ in range(epochs):
        opt.step()
        sched.step()
        seq.append(sched.get_last_lr()[0])
    return seq

out["step_lr"] = lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10)
out["cosine"] = lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.1), 10)
print(json.dumps(out, indent=1))
