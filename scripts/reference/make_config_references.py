#!/usr/bin/python3
"""Reference outputs of the OFFICIAL facebookresearch/detr for the configs of src/testing/reference_cases.ts.

Inputs come from scripts/reference/export_seeded_weights.ts (weights made in TypeScript, so CI can
regenerate the same bytes without torch); this script runs the official PyTorch code on them and writes
src/model/testdata/<name>.json, which src/model/configs.test.ts compares our model with.

How the committed references were made (Debian's python3-torch 1.13, torchvision 0.14, scipy, PIL 9.4):

    # the official code, unmodified, at commit 29901c5 (never committed here)
    git -C <mirror of github.com/facebookresearch/detr> archive 29901c5 | tar -x -C /tmp/detr-official
    node bin/run-ts.js scripts/reference/export_seeded_weights.ts --out /tmp/refcfg
    /usr/bin/python3 scripts/reference/make_config_references.py --detr-repo /tmp/detr-official \\
        --cases /tmp/refcfg --out src/model/testdata

What it does per case, with the official modules only:
  * args = main.py's argparse defaults, overridden by the case's config.json (CONTRACT section 1 keys);
    `models.build_model(args)` builds model, criterion and postprocessors. build() hard-codes
    num_classes (91 for COCO), so DETR and SetCriterion are given the config's num_classes, the one-line
    edit DETR's README tells custom-dataset users to make. The backbone is built with pretrained=False
    (no download; every weight is loaded below anyway).
  * model.load_state_dict(weights, strict=True): no missing or unexpected key; model.eval(). The
    parameters' requires_grad and main.py's two lr groups are recorded (frozen names, group sizes).
  * predict: PIL Image.open(f).convert('RGB') for the case's `predict` files in that order, through
    make_coco_transforms('val') with RandomResize([min_size], max_size) (PIL bilinear when the size
    changes), Normalize, nested_tensor_from_tensor_list (zero padding, mask) -> model outputs (aux
    logits left out when case.json says compact_aux), and PostProcess with the original sizes.
  * loss: datasets.coco.CocoDetection over data/ (images in ascending id, ConvertCocoPolysToMask, the
    same transforms), util.misc.collate_fn, one batch -> outputs -> criterion(outputs, targets): every
    loss key, the weighted total as engine.py computes it, and each linear_sum_assignment call the
    matcher makes (final layer, then each aux layer; per image: cost matrix [Q, T_i] and the indices).
pycocotools is not installed on Debian: a small stand-in (written to a temp dir) gives COCO the
index pycocotools builds (imgs, anns, imgToAnns in file order), which is all CocoDetection reads.
Numbers are float32 results written with 8 significant digits.
"""
import argparse
import hashlib
import json
import os
import struct
import sys
import tempfile
import textwrap

import numpy as np

PYCOCOTOOLS_STANDIN = {
    "__init__.py": "",
    "mask.py": "def _unavailable(*a, **k):\n    raise RuntimeError('pycocotools.mask is not available (stand-in)')\n"
               "frPyObjects = decode = encode = area = toBbox = merge = iou = _unavailable\n",
    "cocoeval.py": "class COCOeval:\n    def __init__(self, *a, **k):\n        raise RuntimeError('COCOeval is not available (stand-in)')\n",
    "coco.py": textwrap.dedent("""\
        import json
        from collections import defaultdict

        class COCO:
            # pycocotools.coco.COCO's index (createIndex) and the three getters torchvision reads.
            def __init__(self, annotation_file=None):
                self.dataset, self.anns, self.cats, self.imgs = {}, {}, {}, {}
                self.imgToAnns, self.catToImgs = defaultdict(list), defaultdict(list)
                if annotation_file is not None:
                    with open(annotation_file) as f:
                        self.dataset = json.load(f)
                    for ann in self.dataset.get('annotations', []):
                        self.imgToAnns[ann['image_id']].append(ann)
                        self.anns[ann['id']] = ann
                    for img in self.dataset.get('images', []):
                        self.imgs[img['id']] = img
                    for cat in self.dataset.get('categories', []):
                        self.cats[cat['id']] = cat

            def getAnnIds(self, imgIds=[], catIds=[], areaRng=[], iscrowd=None):
                assert not catIds and not areaRng and iscrowd is None
                ids = imgIds if isinstance(imgIds, (list, tuple)) else [imgIds]
                return [a['id'] for i in ids for a in self.imgToAnns.get(i, [])]

            def loadAnns(self, ids=[]):
                return [self.anns[i] for i in (ids if isinstance(ids, (list, tuple)) else [ids])]

            def loadImgs(self, ids=[]):
                return [self.imgs[i] for i in (ids if isinstance(ids, (list, tuple)) else [ids])]
        """),
}


def install_pycocotools_standin():
    root = tempfile.mkdtemp(prefix="pycocotools-standin-")
    os.makedirs(os.path.join(root, "pycocotools"))
    for name, text in PYCOCOTOOLS_STANDIN.items():
        with open(os.path.join(root, "pycocotools", name), "w") as f:
            f.write(text)
    sys.path.insert(0, root)


def read_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info["dtype"])
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(buf[8 + n + b: 8 + n + e], dtype="<f4").reshape(info["shape"])
    return out, hashlib.sha256(buf).hexdigest()


def r8(a):
    """float32 array -> nested lists of floats with 8 significant digits."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return float("%.8g" % a)
    return [r8(x) for x in a]


def ints(a):
    return [int(x) for x in np.asarray(a).ravel()]


# CONTRACT section 1 keys that main.py lacks: the evaluation resize sizes (make_coco_transforms
# hard-codes 800/1333, adapted below) and `augment` (false = the 'val' transform, which is what is run).
DATA_KEYS = {"min_size": 800, "max_size": 1333, "augment": True}


def build_args(cfg):
    import main
    args = main.get_args_parser().parse_args([])
    for k, v in cfg.items():
        if k in DATA_KEYS or k == "num_classes":  # num_classes: see build_official
            continue
        if not hasattr(args, k):
            raise SystemExit(f"config key {k!r} is not an argument of the official main.py")
        setattr(args, k, v)
    args.device = "cpu"
    return args


def build_official(cfg):
    import torch
    import models
    import models.backbone
    import models.detr as detr
    args = build_args(cfg)
    num_classes_cfg = cfg.get("num_classes", 91)
    models.backbone.is_main_process = lambda: False  # pretrained=False: no download
    real_detr, real_criterion = detr.DETR, detr.SetCriterion
    # DETR(backbone, transformer, num_classes=.., num_queries=.., aux_loss=..) and
    # SetCriterion(num_classes, matcher=.., weight_dict=.., eos_coef=.., losses=..) get the config's num_classes.
    detr.DETR = lambda backbone, transformer, num_classes, **kw: real_detr(backbone, transformer, num_classes=num_classes_cfg, **kw)
    detr.SetCriterion = lambda _num_classes, **kw: real_criterion(num_classes_cfg, **kw)
    try:
        torch.manual_seed(0)
        model, criterion, postprocessors = models.build_model(args)
    finally:
        detr.DETR, detr.SetCriterion = real_detr, real_criterion
    return args, model, criterion, postprocessors


def val_transforms(min_size, max_size):
    from datasets.coco import make_coco_transforms
    t = make_coco_transforms("val")
    resize = t.transforms[0]
    assert type(resize).__name__ == "RandomResize" and resize.sizes == [800]
    resize.sizes, resize.max_size = [min_size], max_size
    return t


def outputs_json(out, compact_aux):
    """compact_aux: the aux layers' logits are left out (big heads; their boxes are kept)."""
    aux = [{"pred_boxes": r8(a["pred_boxes"])} if compact_aux else {"pred_logits": r8(a["pred_logits"]), "pred_boxes": r8(a["pred_boxes"])}
           for a in out.get("aux_outputs", [])]
    return {"pred_logits": r8(out["pred_logits"]), "pred_boxes": r8(out["pred_boxes"]), "aux_outputs": aux}


def samples_json(samples):
    t, m = samples.tensors.numpy(), samples.mask.numpy()
    return {
        "shape": list(t.shape),
        "mask_sum": int(m.sum()),
        "channel_sums": [[float("%.8g" % t[b, c].astype(np.float64).sum()) for c in range(t.shape[1])] for b in range(t.shape[0])],
    }


def run_case(case_dir, out_dir, detr_commit):
    import torch
    import PIL
    import torchvision
    import models.matcher as matcher_mod
    from datasets.coco import CocoDetection
    from util.misc import collate_fn, nested_tensor_from_tensor_list
    from PIL import Image

    with open(os.path.join(case_dir, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(case_dir, "case.json")) as f:
        case = json.load(f)
    args, model, criterion, postprocessors = build_official(cfg)
    weights, sha = read_safetensors(os.path.join(case_dir, "weights.safetensors"))
    if sha != case["weights_sha256"]:
        raise SystemExit(f"{case_dir}: weights.safetensors sha256 {sha} != case.json {case['weights_sha256']}")
    result = model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()}, strict=True)
    assert not result.missing_keys and not result.unexpected_keys, result
    assert list(model.state_dict().keys()) == list(weights.keys()), "state_dict order differs"
    model.eval()
    criterion.eval()
    transforms = val_transforms(cfg.get("min_size", DATA_KEYS["min_size"]), cfg.get("max_size", DATA_KEYS["max_size"]))
    data = os.path.join(case_dir, "data")

    images = []
    with open(os.path.join(data, "annotations.json")) as f:
        for im in json.load(f)["images"]:
            rgb = np.asarray(Image.open(os.path.join(data, im["file_name"])).convert("RGB"))
            images.append({"id": im["id"], "file_name": im["file_name"], "width": rgb.shape[1], "height": rgb.shape[0],
                           "rgb_sha256": hashlib.sha256(rgb.tobytes()).hexdigest()})

    with torch.no_grad():
        # predict: the files in the given order, as one padded batch
        tensors, orig_sizes = [], []
        for name in case["predict"]:
            pil = Image.open(os.path.join(data, name)).convert("RGB")
            orig_sizes.append([pil.height, pil.width])
            img, _ = transforms(pil, None)
            tensors.append(img)
        samples = nested_tensor_from_tensor_list(tensors)
        out = model(samples)
        # PostProcess with the images' original sizes, as `predict` (COCO results) uses it
        results = postprocessors["bbox"](out, torch.tensor(orig_sizes))
        predict = {
            "files": case["predict"],
            "samples": samples_json(samples),
            "outputs": outputs_json(out, case["compact_aux"]),
            "aux_logits_omitted": case["compact_aux"],
            "postprocess": [{"scores": r8(x["scores"]), "labels": ints(x["labels"]), "boxes": r8(x["boxes"]), "orig_size": hw}
                            for x, hw in zip(results, orig_sizes)],
        }

        # loss: the whole dataset (ascending image id) as one batch
        ds = CocoDetection(data, os.path.join(data, "annotations.json"), transforms=transforms, return_masks=False)
        samples, targets = collate_fn([ds[i] for i in range(len(ds))])
        out = model(samples)
        calls = []
        real_lsa = matcher_mod.linear_sum_assignment

        def recording_lsa(c):
            rows, cols = real_lsa(c)
            calls.append((np.asarray(c, dtype=np.float32), rows, cols))
            return rows, cols

        matcher_mod.linear_sum_assignment = recording_lsa
        try:
            loss_dict = criterion(out, list(targets))
        finally:
            matcher_mod.linear_sum_assignment = real_lsa
        weight_dict = criterion.weight_dict
        total = sum(loss_dict[k] * weight_dict[k] for k in loss_dict.keys() if k in weight_dict)

    B = len(targets)
    layers = 1 + len(out.get("aux_outputs", []))
    assert len(calls) == layers * B, (len(calls), layers, B)
    per_layer = [calls[i * B:(i + 1) * B] for i in range(layers)]
    loss = {
        "image_ids": [int(t["image_id"]) for t in targets],
        "samples": samples_json(samples),
        "targets": [{"image_id": int(t["image_id"]), "labels": ints(t["labels"]), "boxes": r8(t["boxes"]),
                     "orig_size": ints(t["orig_size"]), "size": ints(t["size"])} for t in targets],
        "losses": {k: float("%.8g" % float(v)) for k, v in loss_dict.items()},
        "total": float("%.8g" % float(total)),
        "weight_dict": {k: float(v) for k, v in weight_dict.items()},
        "indices": [[ints(r), ints(c)] for _, r, c in per_layer[0]],
        "aux_indices": [[[ints(r), ints(c)] for _, r, c in layer] for layer in per_layer[1:]],
        "cost_matrices": [[r8(m) for m, _, _ in layer] for layer in per_layer],
    }
    params = list(model.named_parameters())
    trained = [n for n, q in params if q.requires_grad]
    # main.py's param_dicts: the lr_backbone group is every trained parameter with "backbone" in its name
    backbone_group = [n for n in trained if "backbone" in n]
    parameters = {
        "count": len(params),
        "buffers": len(list(model.named_buffers())),
        "frozen": [n for n, q in params if not q.requires_grad],
        "lr_group_count": len(trained) - len(backbone_group),
        "lr_backbone_group_count": len(backbone_group),
        "lr_backbone_group_outside_resnet": [n for n in backbone_group if not n.startswith("backbone.0.")],
    }
    ref = {
        "name": case["name"],
        "about": "official facebookresearch/detr outputs for these weights and data; made by scripts/reference/make_config_references.py",
        "detr_commit": detr_commit,
        "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__, "pillow": PIL.__version__},
        "config": cfg,
        "seed": case["seed"],
        "weights_sha256": sha,
        "state_dict_keys": len(weights),
        "parameters": parameters,
        "images": images,
        "predict": predict,
        "loss": loss,
    }
    path = os.path.join(out_dir, f"{case['name']}.json")
    with open(path, "w") as f:
        json.dump(ref, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{path}: {os.path.getsize(path)} bytes, total loss {ref['loss']['total']}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--detr-repo", required=True, help="a checkout of facebookresearch/detr (unmodified)")
    p.add_argument("--cases", required=True, help="the --out folder of export_seeded_weights.ts")
    p.add_argument("--out", default="src/model/testdata")
    p.add_argument("--detr-commit", default="29901c5")
    p.add_argument("names", nargs="*", help="case names (default: every folder under --cases)")
    a = p.parse_args()
    install_pycocotools_standin()
    sys.path.insert(0, os.path.abspath(a.detr_repo))
    os.makedirs(a.out, exist_ok=True)
    names = a.names or sorted(d for d in os.listdir(a.cases) if os.path.isfile(os.path.join(a.cases, d, "case.json")))
    for name in names:
        run_case(os.path.join(a.cases, name), a.out, a.detr_commit)


if __name__ == "__main__":
    main()
