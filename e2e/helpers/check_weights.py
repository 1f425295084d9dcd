#!/usr/bin/python3
"""The page's exported weights in PyTorch (Debian's /usr/bin/python3 + python3-torch).

    check_weights.py WEIGHTS.safetensors CONFIG.json [REFERENCE.safetensors]

Reads the .safetensors into torch tensors (a small reader: no `safetensors` package on Debian) and
prints one JSON object:
  tensors, finite        how many tensors torch got, and whether every value is finite
  missing, unexpected,   against REFERENCE (official DETR names and shapes, e.g. the shared tiny
  shape_mismatch         fixture's weights.safetensors written by the official code)
  official               with DETR_OFFICIAL_REPO (a checkout of facebookresearch/detr): the official
                         DETR built from CONFIG takes the file with load_state_dict(strict=True) and
                         runs a forward pass in eval mode (output shapes reported)
"""
import argparse
import json
import os
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop("__metadata__", None)
    out = OrderedDict()
    for name, v in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        a, b = v["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=DTYPES[v["dtype"]]).reshape(v["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def official(repo, cfg, sd):
    sys.path.insert(0, repo)
    import models.backbone as backbone_module  # noqa: E402  (the official code)
    from models.detr import DETR  # noqa: E402
    from models.transformer import build_transformer  # noqa: E402

    # No ImageNet download: every backbone weight comes from the file.
    backbone_module.is_main_process = lambda: False
    args = argparse.Namespace(**cfg, masks=False, device="cpu")
    model = DETR(backbone_module.build_backbone(args), build_transformer(args), num_classes=cfg["num_classes"], num_queries=cfg["num_queries"], aux_loss=cfg["aux_loss"])
    model.load_state_dict(sd, strict=True)  # raises on any missing or unexpected key, or a shape mismatch
    model.eval()
    with torch.no_grad():
        out = model(torch.rand(1, 3, cfg["min_size"], cfg["min_size"] + 16))
    return {"loaded": True, "pred_logits": list(out["pred_logits"].shape), "pred_boxes": list(out["pred_boxes"].shape), "finite": bool(torch.isfinite(out["pred_logits"]).all())}


def main():
    weights, config = sys.argv[1], sys.argv[2]
    sd = read_safetensors(weights)
    cfg = json.load(open(config))
    result = {"tensors": len(sd), "finite": all(bool(torch.isfinite(t).all()) for t in sd.values())}
    if len(sys.argv) > 3:
        ref = read_safetensors(sys.argv[3])
        result["missing"] = sorted(set(ref) - set(sd))
        result["unexpected"] = sorted(set(sd) - set(ref))
        result["shape_mismatch"] = sorted(k for k in ref if k in sd and tuple(ref[k].shape) != tuple(sd[k].shape))
    repo = os.environ.get("DETR_OFFICIAL_REPO")
    if repo:
        result["official"] = official(repo, cfg, sd)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
