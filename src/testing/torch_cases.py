#!/usr/bin/python3
"""Real torch files for the .pth tests (run with Debian's /usr/bin/python3 + python3-torch).

    torch_cases.py make OUTDIR FIXTURE_DIR   writes the cases below + expected.json
    torch_cases.py load FILE [--unsafe]      torch.load(FILE, weights_only=not unsafe) -> canonical JSON on stdout
    torch_cases.py globals FILE              the GLOBALs named in FILE's data.pkl, as JSON
    torch_cases.py pickles                   one plain-data object pickled at protocols 0-5, and its canon
    torch_cases.py types FILE                {key: type name} of FILE's top-level dict
    torch_cases.py equal OURS REF            loads OURS restricted (weights_only) and REF; prints "equal (...)"
                                             or the first difference (an argparse.Namespace in REF = a dict)

Cases: legacy.pth (the fixture state dict, _use_new_zipfile_serialization=False); checkpoint.pth and
checkpoint_legacy.pth ({'model','optimizer','lr_scheduler','epoch','args'} as DETR's main.py saves);
views.pth / views_legacy.pth / views_p4.pth (every dtype, views sharing a storage, non-contiguous
strides, scalars, empty tensors, a Parameter; protocol 2 and 4); views_big.pth (views.pth rewritten
big-endian); views_deflated.pth (views.pth re-zipped with deflate); evil*.pth (pickles that run `touch OUTDIR/MARKER` when Python loads them: os.system via torch.save
(zip, legacy) and by hand, builtins.eval, subprocess.Popen).
"""
import argparse
import io
import json
import os
import pickle
import pickletools
import sys
import zipfile

import torch


def tensor_json(t):
    t = t.detach()
    if t.dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        vals = [float(x) for x in t.double().flatten().tolist()]
    elif t.dtype == torch.bool:
        vals = [int(x) for x in t.flatten().tolist()]
    elif t.dtype == torch.int64:
        vals = [str(int(x)) for x in t.flatten().tolist()]
    else:
        vals = [int(x) for x in t.flatten().tolist()]
    return {"__tensor__": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "values": vals}


def canon(v):
    """A JSON view that keeps the Python containers: dict keys as [type, key, value], tuples marked.
    Floats and ints are both JSON numbers (the reader maps both to JS numbers)."""
    if isinstance(v, torch.Tensor):
        return tensor_json(v)
    if isinstance(v, dict):
        kind = "OrderedDict" if type(v).__name__ == "OrderedDict" else "dict"
        return {"__dict__": kind, "items": [[type(k).__name__, canon(k), canon(x)] for k, x in v.items()]}
    if isinstance(v, tuple):
        return {"__tuple__": [canon(x) for x in v]}
    if isinstance(v, (set, frozenset)):
        return {"__set__": [canon(x) for x in v]}
    if isinstance(v, list):
        return [canon(x) for x in v]
    if isinstance(v, argparse.Namespace):
        return canon(dict(vars(v)))
    if isinstance(v, bytes):
        return {"__bytes__": list(v)}
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
        return {"__bigint__": str(v)}
    return v


def views():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 6, generator=g)
    base = torch.arange(24, dtype=torch.float64).reshape(2, 3, 4)
    return {
        "f32": x,
        "rows": x[1:3],  # shares x's storage at an offset
        "t": x.t(),  # non-contiguous
        "step": x[:, ::2],
        "f64_perm": base.permute(2, 0, 1),
        "f16": torch.randn(3, 5, generator=g).half(),
        "bf16": torch.randn(7, generator=g).bfloat16(),
        "i64": torch.tensor([0, -1, 2**40, -(2**62), 7]),
        "i32": torch.tensor([[1, -2], [3, 2**31 - 1]], dtype=torch.int32),
        "i16": torch.tensor([-300, 300], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 5], dtype=torch.int8),
        "u8": torch.tensor([0, 255, 9], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "param": torch.nn.Parameter(torch.ones(2, 2) * 0.25),
    }


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch " + self.marker,))


def _u(s):
    b = s.encode()
    return len(b).to_bytes(4, "little") + b


def make(out, fixture):
    os.makedirs(out, exist_ok=True)
    sd = torch.load(os.path.join(fixture, "weights.pth"), map_location="cpu")["model"]
    torch.save({"model": sd}, os.path.join(out, "legacy.pth"), _use_new_zipfile_serialization=False)

    names = ["query_embed.weight", "class_embed.weight", "class_embed.bias", "input_proj.bias"]
    params = [torch.nn.Parameter(sd[n].clone()) for n in names]
    opt = torch.optim.AdamW([{"params": params[:3]}, {"params": params[3:], "lr": 1e-5}], lr=1e-4, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.StepLR(opt, 200)
    for _ in range(2):
        opt.zero_grad()
        sum((p * p).sum() for p in params).backward()
        opt.step()
        sched.step()
    args = argparse.Namespace(lr=1e-4, lr_backbone=1e-5, batch_size=2, backbone="resnet18", dilation=False, position_embedding="sine", frozen_weights=None, num_queries=10, output_dir="out", clip_max_norm=0.1)
    ckpt = {"model": sd, "optimizer": opt.state_dict(), "lr_scheduler": sched.state_dict(), "epoch": 3, "args": args}
    torch.save(ckpt, os.path.join(out, "checkpoint.pth"))
    torch.save(ckpt, os.path.join(out, "checkpoint_legacy.pth"), _use_new_zipfile_serialization=False)

    v = views()
    torch.save(v, os.path.join(out, "views.pth"))
    torch.save(v, os.path.join(out, "views_legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(v, os.path.join(out, "views_p4.pth"), pickle_protocol=4)
    write_big_endian(os.path.join(out, "views.pth"), os.path.join(out, "views_big.pth"))
    with zipfile.ZipFile(os.path.join(out, "views.pth")) as zin, zipfile.ZipFile(os.path.join(out, "views_deflated.pth"), "w", zipfile.ZIP_DEFLATED) as zout:
        for n in zin.namelist():
            zout.writestr(n, zin.read(n))

    marker = os.path.join(out, "MARKER")
    evil = {"model": {"w": torch.zeros(2)}, "payload": Evil(marker)}
    torch.save(evil, os.path.join(out, "evil.pth"))
    torch.save(evil, os.path.join(out, "evil_legacy.pth"), _use_new_zipfile_serialization=False)
    # Hand-written pickles in torch's zip layout: GLOBAL 'os system' / 'builtins eval' / 'subprocess Popen' + REDUCE.
    cmd = ("touch " + marker).encode()
    hand = {
        "evil_os.pth": b"\x80\x02cos\nsystem\nq\x00X" + len(cmd).to_bytes(4, "little") + cmd + b"\x85R.",
        "evil_eval.pth": b"\x80\x02cbuiltins\neval\nX" + _u(f"__import__('os').system('touch {marker}')") + b"\x85R.",
        "evil_popen.pth": b"\x80\x02csubprocess\nPopen\n]X\x05\x00\x00\x00touchaX" + _u(marker) + b"a\x85R.",
    }
    for name, pkl in hand.items():
        with zipfile.ZipFile(os.path.join(out, name), "w", zipfile.ZIP_STORED) as z:
            stem = name[:-4]
            z.writestr(stem + "/data.pkl", pkl)
            z.writestr(stem + "/version", b"3\n")

    expected = {
        "views": canon(v),
        "checkpoint": {k: canon(x) for k, x in ckpt.items() if k != "model"},
        "marker": marker,
    }
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)


def write_big_endian(src, dst):
    """The same file as a big-endian machine's torch would write it: byteorder 'big', elements swapped."""
    zin = zipfile.ZipFile(src)
    pkl = zin.read([n for n in zin.namelist() if n.endswith("/data.pkl")][0])
    elem = {}

    class KeySizes(pickle.Unpickler):
        def persistent_load(self, pid):
            _, storage_type, key, _, numel = pid
            storage = storage_type(numel)
            elem[key] = storage.element_size()
            return storage

    KeySizes(io.BytesIO(pkl)).load()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for n in zin.namelist():
            data = zin.read(n)
            if n.endswith("/byteorder"):
                data = b"big"
            elif "/data/" in n:
                size = elem[n.rsplit("/", 1)[1]]
                data = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
            zout.writestr(n, data)
        if not any(n.endswith("/byteorder") for n in zin.namelist()):
            zout.writestr(zin.namelist()[0].split("/")[0] + "/byteorder", b"big")


def plain_pickles():
    """One plain-data object pickled by Python at every protocol (0-5), and its canon."""
    from collections import OrderedDict
    obj = {
        "ints": [0, 1, -1, 255, 256, 65535, 65536, -(2**31), 2**31, 2**62, 2**70, -(2**100)],
        "floats": [0.5, -2.25, 1e-300, 1.5e308],
        "consts": [None, True, False],
        "text": ("", "ascii", "ünïcödé ☃", "x" * 300),
        "bytes": b"\x00\x01\xff",
        "nested": OrderedDict([("a", {1: [], 2: ()}), ("b", (1,)), ("c", (1, 2)), ("d", (1, 2, 3)), ("e", (1, 2, 3, 4))]),
        "sets": [{1, 2, 3}, frozenset({4, 5})],
        7: "int key",
        (1, "t"): "tuple key",
    }
    shared = [1, 2]
    obj["shared"] = [shared, shared]
    json.dump({"pickles": {p: pickle.dumps(obj, protocol=p).hex() for p in range(6)}, "canon": canon(obj)}, sys.stdout)


def load(path, unsafe):
    obj = torch.load(path, map_location="cpu", weights_only=not unsafe)
    if unsafe:  # the evil cases: let a started process (subprocess.Popen) finish
        for v in obj.values() if isinstance(obj, dict) else [obj]:
            if hasattr(v, "wait"):
                v.wait()
    json.dump(canon(obj), sys.stdout, default=repr)


ALLOWED = {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2"} | {
    f"torch.{n}Storage" for n in ["Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool"]}


def load_restricted(path):
    """torch.load(weights_only=True). torch < 2.0's weights-only unpickler has no float opcode (BINFLOAT);
    there the file loads with weights_only=False after checking that its pickle names only allowed globals."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True), "weights_only"
    except Exception as e:
        if "Unsupported operand 71" not in str(e) or int(torch.__version__.split(".")[0]) >= 2:
            raise
    names = set(_globals(path))
    assert names <= ALLOWED, f"not allowed: {names - ALLOWED}"
    return torch.load(path, map_location="cpu"), "globals checked (torch < 2.0 weights_only has no floats)"


def first_difference(a, b, path="root"):
    if isinstance(b, argparse.Namespace):
        b = dict(vars(b))
    if isinstance(b, torch.Tensor):
        if not isinstance(a, torch.Tensor):
            return f"{path}: {type(a).__name__} is not a tensor"
        if a.dtype != b.dtype or a.shape != b.shape or not torch.equal(a, b):
            return f"{path}: tensors differ ({a.dtype} {tuple(a.shape)} vs {b.dtype} {tuple(b.shape)})"
        return None
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(b, dict):
        if list(a.keys()) != list(b.keys()):
            return f"{path}: keys {list(a.keys())[:8]} vs {list(b.keys())[:8]}"
        for k in b:
            d = first_difference(a[k], b[k], f"{path}[{k!r}]")
            if d:
                return d
        return None
    if isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: length {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def equal(ours, ref):
    a, how = load_restricted(ours)
    b = torch.load(ref, map_location="cpu")
    d = first_difference(a, b)
    print(d or f"equal ({how})")


def _globals(path):
    z = zipfile.ZipFile(path)
    pkl = z.read([n for n in z.namelist() if n.endswith("/data.pkl")][0])
    return sorted({arg.replace(" ", ".") for op, arg, _ in pickletools.genops(pkl) if op.name == "GLOBAL"})


def globals_of(path):
    json.dump(_globals(path), sys.stdout)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2], sys.argv[3])
    elif cmd == "load":
        load(sys.argv[2], "--unsafe" in sys.argv)
    elif cmd == "pickles":
        plain_pickles()
    elif cmd == "types":  # {key: Python type name} of a top-level dict (weights_only)
        json.dump({k: type(v).__name__ for k, v in torch.load(sys.argv[2], weights_only=True).items()}, sys.stdout)
    elif cmd == "equal":
        equal(sys.argv[2], sys.argv[3])
    elif cmd == "globals":
        globals_of(sys.argv[2])
    else:
        sys.exit(f"unknown command {cmd}")
