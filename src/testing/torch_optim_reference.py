"""PyTorch reference for src/engine/optim: reads a JSON problem on stdin, runs torch.optim.AdamW with
two param groups, clip_grad_norm_ and StepLR for the given gradients, writes the result as JSON.

Input: {"params": [{"shape": [...], "data": [...], "group": 0|1}], "lr": [lr0, lr1], "weight_decay": wd,
        "max_norm": m, "lr_drop": k, "iters_per_epoch": n, "grads": [[per param flat list] per step]}
Output: {"params": [[flat per param] per step], "norms": [...], "lrs": [[lr0, lr1] per step],
         "exp_avg": [flat per param, last step], "exp_avg_sq": [...]}
"""
import json
import sys

import torch

p = json.load(sys.stdin)
params = [torch.nn.Parameter(torch.tensor(x["data"], dtype=torch.float32).reshape(x["shape"])) for x in p["params"]]
groups = [
    {"params": [q for q, x in zip(params, p["params"]) if x["group"] == 0], "lr": p["lr"][0]},
    {"params": [q for q, x in zip(params, p["params"]) if x["group"] == 1], "lr": p["lr"][1]},
]
opt = torch.optim.AdamW(groups, lr=p["lr"][0], weight_decay=p["weight_decay"])
sched = torch.optim.lr_scheduler.StepLR(opt, p["lr_drop"])
out = {"params": [], "norms": [], "lrs": []}
for it, gs in enumerate(p["grads"]):
    for q, g in zip(params, gs):
        q.grad = torch.tensor(g, dtype=torch.float32).reshape(q.shape)
    out["lrs"].append([g["lr"] for g in opt.param_groups])
    if p["max_norm"] > 0:  # DETR: `if max_norm > 0: clip_grad_norm_(...)`
        out["norms"].append(float(torch.nn.utils.clip_grad_norm_(params, p["max_norm"])))
    else:
        out["norms"].append(float(torch.norm(torch.stack([torch.norm(q.grad) for q in params]))))
    opt.step()
    out["params"].append([q.detach().reshape(-1).tolist() for q in params])
    if (it + 1) % p["iters_per_epoch"] == 0:
        sched.step()
out["exp_avg"] = [opt.state[q]["exp_avg"].reshape(-1).tolist() for q in params]
out["exp_avg_sq"] = [opt.state[q]["exp_avg_sq"].reshape(-1).tolist() for q in params]
json.dump(out, sys.stdout)
