#!/usr/bin/python3
"""The torch side of the weights-load benchmark (Debian's /usr/bin/python3 + python3-torch, torchvision).

    detr_r50_torch.py make OUTDIR     writes OUTDIR/detr_r50.pth (zip) and detr_r50_legacy.pth: a random
                                      state dict with the official DETR-R50 names, shapes and order,
                                      saved as {'model': sd} like the released checkpoints
    detr_r50_torch.py time FILE...    [best, first] of 3 torch.load seconds per file, as JSON
"""
import json
import os
import sys
import time
from collections import OrderedDict

import torch


def detr_r50_shapes(hidden=256, ffn=2048, enc=6, dec=6, queries=100, num_classes=91):
    """Names and shapes of the official DETR-R50 state_dict, in its order (transformer first, backbone last)."""
    shapes = OrderedDict()

    def attn(prefix):
        shapes[prefix + ".in_proj_weight"] = (3 * hidden, hidden)
        shapes[prefix + ".in_proj_bias"] = (3 * hidden,)
        shapes[prefix + ".out_proj.weight"] = (hidden, hidden)
        shapes[prefix + ".out_proj.bias"] = (hidden,)

    def ffn_norms(prefix, norms):
        shapes[prefix + ".linear1.weight"] = (ffn, hidden)
        shapes[prefix + ".linear1.bias"] = (ffn,)
        shapes[prefix + ".linear2.weight"] = (hidden, ffn)
        shapes[prefix + ".linear2.bias"] = (hidden,)
        for n in range(1, norms + 1):
            shapes[f"{prefix}.norm{n}.weight"] = (hidden,)
            shapes[f"{prefix}.norm{n}.bias"] = (hidden,)

    for i in range(enc):
        attn(f"transformer.encoder.layers.{i}.self_attn")
        ffn_norms(f"transformer.encoder.layers.{i}", 2)
    for i in range(dec):
        attn(f"transformer.decoder.layers.{i}.self_attn")
        attn(f"transformer.decoder.layers.{i}.multihead_attn")
        ffn_norms(f"transformer.decoder.layers.{i}", 3)
    shapes["transformer.decoder.norm.weight"] = (hidden,)
    shapes["transformer.decoder.norm.bias"] = (hidden,)
    shapes["class_embed.weight"] = (num_classes + 1, hidden)
    shapes["class_embed.bias"] = (num_classes + 1,)
    for i, out in enumerate([hidden, hidden, 4]):
        shapes[f"bbox_embed.layers.{i}.weight"] = (out, hidden)
        shapes[f"bbox_embed.layers.{i}.bias"] = (out,)
    shapes["query_embed.weight"] = (queries, hidden)
    shapes["input_proj.weight"] = (hidden, 2048, 1, 1)
    shapes["input_proj.bias"] = (hidden,)
    try:
        import torchvision

        resnet = torchvision.models.resnet50().state_dict()
        for k, v in resnet.items():
            if not k.startswith("fc.") and not k.endswith("num_batches_tracked"):
                shapes["backbone.0.body." + k] = tuple(v.shape)
    except ImportError:
        sys.exit("torchvision is needed for the ResNet-50 backbone names")
    return shapes


def make(out):
    os.makedirs(out, exist_ok=True)
    g = torch.Generator().manual_seed(0)
    sd = OrderedDict((k, torch.randn(*s, generator=g)) for k, s in detr_r50_shapes().items())
    torch.save({"model": sd}, os.path.join(out, "detr_r50.pth"))
    torch.save({"model": sd}, os.path.join(out, "detr_r50_legacy.pth"), _use_new_zipfile_serialization=False)
    print(json.dumps({"tensors": len(sd), "params": sum(t.numel() for t in sd.values())}))


def load_seconds(path, repeats=3):
    """[best, first] of `repeats` torch.load calls (later calls reuse freed heap pages; the first does not)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        sd = torch.load(path, map_location="cpu")["model"]
        times.append(time.perf_counter() - t0)
        del sd
    return [min(times), times[0]]


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "time":
        print(json.dumps({p: load_seconds(p) for p in sys.argv[2:]}))
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
