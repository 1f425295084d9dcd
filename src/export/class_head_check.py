"""PyTorch check of the class-head widening (src/export/class_head.ts), run by class_head.test.ts.

    /usr/bin/python3 class_head_check.py HEADS.pth [OFFICIAL_DETR_DIR]

HEADS.pth (written by our TS): {'narrow': {'weight','bias'}, 'wide': {...}, 'hs': [L,B,Q,D] decoder
outputs, 'boxes': [L,B,Q,4], 'targets': [{'labels','boxes'}], 'num_classes': C}. Prints one JSON
object of measured differences; the test judges them. With OFFICIAL_DETR_DIR, the official
SetCriterion (HungarianMatcher, all losses incl. aux) and PostProcess are compared too.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_grad_enabled(True)
d = torch.load(sys.argv[1])
C = int(d['num_classes'])
hs = d['hs'].double()
boxes = d['boxes'].double()
targets = [{'labels': t['labels'].long(), 'boxes': t['boxes'].double()} for t in d['targets']]
out = {}


def head(which, dtype):
    w = d[which]['weight'].to(dtype).clone().requires_grad_(True)
    b = d[which]['bias'].to(dtype).clone().requires_grad_(True)
    return w, b


def weighted_ce(logits, labels_matched, num_classes, eos_coef=0.1):
    # [B,Q,C+1] logits; every query is no-object except the first len(labels) of each image
    B, Q, _ = logits.shape
    tgt = torch.full((B, Q), num_classes, dtype=torch.long)
    for i, lab in enumerate(labels_matched):
        tgt[i, :len(lab)] = lab
    weight = torch.ones(num_classes + 1, dtype=logits.dtype)
    weight[-1] = eos_coef
    return F.cross_entropy(logits.transpose(1, 2), tgt, weight)


for dtype, tag in ((torch.float32, 'f32'), (torch.float64, 'f64')):
    x = hs[-1].to(dtype)  # [B,Q,D]
    wn, bn = head('narrow', dtype)
    ww, bw = head('wide', dtype)
    ln = x @ wn.T + bn  # [B,Q,C+1]
    lw = x @ ww.T + bw  # [B,Q,92]
    pn = ln.softmax(-1)
    pw = lw.softmax(-1)
    real = list(range(C)) + [lw.shape[-1] - 1]
    out[f'{tag}_prob_max_abs'] = (pw[..., real] - pn).abs().max().item()
    out[f'{tag}_impossible_prob_max'] = pw[..., C:-1].abs().max().item()
    labels = [t['labels'] for t in targets]
    cen = weighted_ce(ln, labels, C)
    cew = weighted_ce(lw, labels, lw.shape[-1] - 1)
    out[f'{tag}_ce'] = [cen.item(), cew.item()]
    (cen + ln.sum() * 0).backward()
    cew.backward()
    out[f'{tag}_grad_real_max_abs'] = max((ww.grad[real] - wn.grad).abs().max().item(), (bw.grad[real] - bn.grad).abs().max().item())
    out[f'{tag}_grad_impossible_max'] = max(ww.grad[C:-1].abs().max().item(), bw.grad[C:-1].abs().max().item())
    out[f'{tag}_argmax_is_noobject_equal'] = bool(((ln.argmax(-1) == C) == (lw.argmax(-1) == lw.shape[-1] - 1)).all())
    sn, labn = pn[..., :-1].max(-1)
    sw, labw = pw[..., :-1].max(-1)
    out[f'{tag}_postprocess_labels_equal'] = bool((labn == labw).all())
    out[f'{tag}_postprocess_scores_max_abs'] = (sn - sw).abs().max().item()
    # AdamW (main.py's settings) keeps impossible rows impossible: weight exactly 0, bias only decays.
    opt = torch.optim.AdamW([ww, bw], lr=1e-4, weight_decay=1e-4)
    for _ in range(3):
        opt.step()
    out[f'{tag}_adamw_impossible_weight_max'] = ww.detach()[C:-1].abs().max().item()
    out[f'{tag}_adamw_impossible_bias_max'] = bw.detach()[C:-1].max().item()
    out[f'{tag}_adamw_impossible_moments_max'] = max(opt.state[p][k][C:-1].abs().max().item() for p in (ww, bw) for k in ('exp_avg', 'exp_avg_sq'))

if len(sys.argv) > 2:
    sys.path.insert(0, sys.argv[2])
    from models.detr import PostProcess, SetCriterion
    from models.matcher import HungarianMatcher

    def official(which, num_classes):
        w, b = d[which]['weight'].float(), d[which]['bias'].float()
        logits = hs.float() @ w.T + b  # [L,B,Q,C+1]
        outputs = {'pred_logits': logits[-1], 'pred_boxes': boxes[-1].float(),
                   'aux_outputs': [{'pred_logits': logits[i], 'pred_boxes': boxes[i].float()} for i in range(len(logits) - 1)]}
        wd = {'loss_ce': 1, 'loss_bbox': 5, 'loss_giou': 2}
        for i in range(len(logits) - 1):
            wd.update({f'{k}_{i}': v for k, v in list(wd.items())[:3]})
        crit = SetCriterion(num_classes, HungarianMatcher(1, 5, 2), wd, 0.1, ['labels', 'boxes', 'cardinality'])
        tg = [{'labels': t['labels'], 'boxes': t['boxes'].float()} for t in targets]
        losses = {k: v.item() for k, v in crit(outputs, tg).items()}
        idx = [[a.tolist(), b.tolist()] for a, b in crit.matcher({k: v for k, v in outputs.items() if k != 'aux_outputs'}, tg)]
        sizes = torch.tensor([[64, 80]] * logits.shape[1])
        res = PostProcess()(outputs, sizes)
        return losses, idx, res

    ln_, in_, rn = official('narrow', C)
    lw_, iw_, rw = official('wide', 91)
    out['official_losses'] = [ln_, lw_]
    out['official_indices_equal'] = in_ == iw_
    out['official_postprocess'] = {
        'labels_equal': all(bool((a['labels'] == b['labels']).all()) for a, b in zip(rn, rw)),
        'scores_max_abs': max((a['scores'] - b['scores']).abs().max().item() for a, b in zip(rn, rw)),
        'boxes_max_abs': max((a['boxes'] - b['boxes']).abs().max().item() for a, b in zip(rn, rw)),
    }
print(json.dumps(out))
