"""The official DETR's side of src/export/official_roundtrip.test.ts (needs its code: DETR_DIR).

    official_check.py loaded  DETR_DIR JOB/checkpoint.pth OUR_CHECKPOINT.safetensors
        Builds model, optimizer and scheduler exactly as main.py does, resumes the exported checkpoint
        as main.py does, and compares the state after load with our training checkpoint.
    official_check.py dump    DETR_DIR CHECKPOINT.pth OUT.pth
        The optimizer state of a main.py checkpoint by parameter NAME (main.py's param order).
    official_check.py predict DETR_DIR CHECKPOINT.pth IMAGE MIN_SIZE MAX_SIZE
        PostProcess results of the checkpoint's model on one image (evaluation transform).

Prints one JSON object. `args` may be a dict (our export) or an argparse.Namespace (main.py's).
"""
import argparse
import json
import struct
import sys

import numpy as np
import torch

mode, detr_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, detr_dir)
from models import build_model  # noqa: E402


def args_of(ckpt):
    a = ckpt['args']
    a = dict(a) if isinstance(a, dict) else dict(vars(a))
    a['device'] = 'cpu'
    return argparse.Namespace(**a)


def build(ckpt):
    """main.py: model, param_dicts, AdamW, StepLR."""
    args = args_of(ckpt)
    model, criterion, postprocessors = build_model(args)
    param_dicts = [
        {"params": [p for n, p in model.named_parameters() if "backbone" not in n and p.requires_grad]},
        {"params": [p for n, p in model.named_parameters() if "backbone" in n and p.requires_grad], "lr": args.lr_backbone},
    ]
    optimizer = torch.optim.AdamW(param_dicts, lr=args.lr, weight_decay=args.weight_decay)
    lr_scheduler = torch.optim.lr_scheduler.StepLR(optimizer, args.lr_drop)
    names = [[n for n, p in model.named_parameters() if ("backbone" in n) == (g == 1) and p.requires_grad] for g in (0, 1)]
    return args, model, postprocessors, optimizer, lr_scheduler, names


def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop('__metadata__', {})
    out = {}
    for k, v in header.items():
        a, b = v['data_offsets']
        out[k] = torch.from_numpy(np.frombuffer(data[a:b], dtype=np.float32).reshape(v['shape']).copy())
    return out, meta


if mode == 'loaded':
    ckpt_path, ours_path = sys.argv[3], sys.argv[4]
    ckpt = torch.load(ckpt_path, map_location='cpu')
    args, model, _, optimizer, lr_scheduler, names = build(ckpt)
    # main.py's resume, verbatim
    model.load_state_dict(ckpt['model'])
    optimizer.load_state_dict(ckpt['optimizer'])
    lr_scheduler.load_state_dict(ckpt['lr_scheduler'])
    start_epoch = ckpt['epoch'] + 1
    ours, meta = read_safetensors(ours_path)
    ours_opt = json.loads(meta['optimizer'])
    C = json.loads(meta['config'])['num_classes']
    by_name = dict(model.named_parameters())
    worst = {'exp_avg': 0.0, 'exp_avg_sq': 0.0, 'weights': 0.0}
    steps_equal = True
    impossible_max = 0.0
    for n, p in by_name.items():
        if not p.requires_grad:
            continue
        st = optimizer.state[p]
        want_step = ours_opt['step'].get(n, 0)
        if want_step == 0:
            steps_equal &= len(st) == 0
            continue
        steps_equal &= float(st['step']) == float(want_step)
        for k in ('exp_avg', 'exp_avg_sq'):
            mine = ours[f'optimizer.{k}.{n}']
            theirs = st[k]
            if n.startswith('class_embed.') and theirs.shape[0] == 92 and mine.shape[0] == C + 1:
                impossible_max = max(impossible_max, theirs[C:91].abs().max().item())
                theirs = torch.cat([theirs[:C], theirs[91:]])
            worst[k] = max(worst[k], (theirs - mine).abs().max().item())
    sd = model.state_dict()
    for n, t in ours.items():
        if n.startswith('model.'):
            theirs = sd[n[6:]]
            if n[6:].startswith('class_embed.') and theirs.shape[0] == 92:
                theirs = torch.cat([theirs[:C], theirs[91:]])
            worst['weights'] = max(worst['weights'], (theirs - t).abs().max().item())
    print(json.dumps({
        'start_epoch': start_epoch,
        'lrs': [g['lr'] for g in optimizer.param_groups],
        'last_epoch': lr_scheduler.last_epoch,
        'base_lrs': lr_scheduler.base_lrs,
        'group_names_equal': names == [g['params'] for g in ours_opt['param_groups']],
        'group_sizes': [len(g) for g in names],
        'steps_equal': steps_equal,
        'max_abs': worst,
        'impossible_moment_max': impossible_max,
        'n_parameters': sum(p.numel() for p in model.parameters() if p.requires_grad),
    }))
elif mode == 'dump':
    ckpt = torch.load(sys.argv[3], map_location='cpu')
    args, model, _, optimizer, lr_scheduler, names = build(ckpt)
    model.load_state_dict(ckpt['model'])
    optimizer.load_state_dict(ckpt['optimizer'])
    by_param = {id(p): n for n, p in model.named_parameters()}
    out = {'exp_avg': {}, 'exp_avg_sq': {}, 'step': {}}
    for g in optimizer.param_groups:
        for p in g['params']:
            st = optimizer.state[p]
            if st:
                n = by_param[id(p)]
                out['exp_avg'][n] = st['exp_avg']
                out['exp_avg_sq'][n] = st['exp_avg_sq']
                out['step'][n] = float(st['step'])
    out['lrs'] = [g['lr'] for g in optimizer.param_groups]
    out['epoch'] = ckpt['epoch']
    torch.save(out, sys.argv[4])
    print(json.dumps({'params': len(out['step']), 'epoch': ckpt['epoch']}))
elif mode == 'predict':
    from PIL import Image
    import datasets.transforms as T
    ckpt = torch.load(sys.argv[3], map_location='cpu')
    args, model, postprocessors, *_ = build(ckpt)
    model.load_state_dict(ckpt['model'])
    model.eval()
    img = Image.open(sys.argv[4]).convert('RGB')
    w, h = img.size
    tf = T.Compose([T.RandomResize([int(sys.argv[5])], max_size=int(sys.argv[6])), T.ToTensor(),
                    T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    x, _ = tf(img, None)
    with torch.no_grad():
        outputs = model(x[None])
        res = postprocessors['bbox'](outputs, torch.tensor([[h, w]]))[0]
    print(json.dumps({'scores': res['scores'].tolist(), 'labels': res['labels'].tolist(), 'boxes': res['boxes'].tolist(), 'size': [h, w]}))
