#!/usr/bin/python3
"""Generates the COCO bbox evaluation cases in this folder and their expected results from pycocotools.

Each case is one JSON file: {name, description, gt, dts, expected, [pycocotools]}.
  expected     the 12 COCOeval stats and the per-category AP (area all, maxDets 100) that our evaluator
               must reproduce. For ordinary cases this is pycocotools' answer on the case itself.
  pycocotools  only for cases that hit a pycocotools bug: what pycocotools answers (or the error it
               raises) on the case as given. `expected` then comes from pycocotools run on an
               equivalent input that avoids the bug (ids renumbered, negative widths clamped, an empty
               result set built by hand), as `fix` in the case says.

Run:  PYTHONPATH=<dir holding a built pycocotools> /usr/bin/python3 src/eval/testdata/make_expected.py
pycocotools is not part of this repository. Without it the script stops and changes nothing.
Everything is seeded: running it twice writes the same files.
"""
import contextlib
import copy
import io
import json
import os
import sys
import types

import numpy as np

OUT_DIR = os.path.dirname(os.path.abspath(__file__))


def import_pycocotools():
    """Imports pycocotools' COCO and COCOeval, or returns None with the reason."""
    # COCO imports matplotlib only for showAnns; stand in for it when it is not installed.
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        for name in ('matplotlib', 'matplotlib.pyplot', 'matplotlib.collections', 'matplotlib.patches'):
            mod = types.ModuleType(name)
            mod.PatchCollection = mod.Polygon = object
            sys.modules[name] = mod
    # The cocodataset/cocoapi sources still call np.float, which NumPy 1.24 removed (the PyPI build
    # has the fix). It was an alias of float.
    if not hasattr(np, 'float'):
        np.float = float
    try:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    except ImportError as e:
        return None, str(e)
    return (COCO, COCOeval), None


def run_pycocotools(api, gt, dts, empty_res_by_hand=False):
    """Runs COCO + loadRes + COCOeval(bbox) quietly. Returns {stats, per_category_ap} or {error}."""
    COCO, COCOeval = api
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            coco_gt = COCO()
            coco_gt.dataset = copy.deepcopy(gt)
            coco_gt.createIndex()
            if empty_res_by_hand:
                # what loadRes would build for an empty list if it did not index anns[0]
                coco_dt = COCO()
                coco_dt.dataset = {'images': list(gt['images']), 'categories': copy.deepcopy(gt['categories']), 'annotations': []}
                coco_dt.createIndex()
            else:
                coco_dt = coco_gt.loadRes(copy.deepcopy(dts))
            E = COCOeval(coco_gt, coco_dt, 'bbox')
            E.evaluate()
            E.accumulate()
            E.summarize()
        except Exception as e:  # the bug cases record what pycocotools raises
            return {'error': f'{type(e).__name__}: {e}'}
    per_cat = {}
    for k, cat_id in enumerate(E.params.catIds):
        p = E.eval['precision'][:, :, k, 0, 2]
        v = p[p > -1]
        per_cat[str(cat_id)] = float(np.mean(v)) if v.size else -1.0
    return {'stats': [float(s) for s in E.stats], 'per_category_ap': per_cat}


# ----------------------------------------------------------------------------- case builders

def r2(x):
    return float(round(float(x), 2))


def make_gt(rs, n_images, cat_ids, per_image=(0, 8), crowd_frac=0.0, sizes=(4, 400), area_jitter=True,
            first_ann_id=1, first_img_id=1, img_id_step=1, cat_names=None):
    images, anns = [], []
    ann_id = first_ann_id
    for n in range(n_images):
        W, H = 640, 480
        img_id = first_img_id + n * img_id_step
        images.append({'id': img_id, 'width': W, 'height': H})
        for _ in range(rs.randint(per_image[0], per_image[1] + 1)):
            w = float(np.exp(rs.uniform(np.log(sizes[0]), np.log(sizes[1]))))
            h = w * float(np.exp(rs.uniform(-0.6, 0.6)))
            w, h = min(w, W - 1), min(h, H - 1)
            x, y = rs.uniform(0, W - w), rs.uniform(0, H - h)
            bbox = [r2(x), r2(y), r2(w), r2(h)]
            area = bbox[2] * bbox[3] * (rs.uniform(0.55, 1.0) if area_jitter else 1.0)
            anns.append({'id': ann_id, 'image_id': img_id, 'category_id': int(rs.choice(cat_ids)), 'bbox': bbox,
                         'area': r2(area), 'iscrowd': int(rs.uniform() < crowd_frac)})
            ann_id += 1
    names = cat_names or {c: f'class_{c}' for c in cat_ids}
    cats = [{'id': c, 'name': names[c]} for c in sorted(names)]
    return {'images': images, 'annotations': anns, 'categories': cats}


def jitter(rs, bbox, sigma):
    x, y, w, h = bbox
    s = max(w, h) * sigma
    return [r2(x + rs.normal(0, s)), r2(y + rs.normal(0, s)), r2(max(0.5, w * np.exp(rs.normal(0, sigma)))),
            r2(max(0.5, h * np.exp(rs.normal(0, sigma))))]


def random_box(rs, W=640, H=480):
    w = float(np.exp(rs.uniform(np.log(4), np.log(300))))
    h = w * float(np.exp(rs.uniform(-0.6, 0.6)))
    return [r2(rs.uniform(0, W - w)), r2(rs.uniform(0, max(1, H - h))), r2(w), r2(h)]


def make_dts(rs, gt, p_detect=0.85, sigma=0.1, dup_frac=0.0, fp_per_image=0.0, fp_cats=None, score_round=3,
             skip_images=()):
    dts = []
    for a in gt['annotations']:
        if a['image_id'] in skip_images or rs.uniform() > p_detect:
            continue
        score = rs.uniform(0.3, 1.0)
        dts.append({'image_id': a['image_id'], 'category_id': a['category_id'], 'bbox': jitter(rs, a['bbox'], sigma),
                    'score': round(score, score_round)})
        if rs.uniform() < dup_frac:
            dts.append({'image_id': a['image_id'], 'category_id': a['category_id'],
                        'bbox': jitter(rs, a['bbox'], sigma * 2), 'score': round(score * rs.uniform(0.3, 1.0), score_round)})
    cats = fp_cats or [c['id'] for c in gt['categories']]
    for img in gt['images']:
        if img['id'] in skip_images:
            continue
        for _ in range(rs.poisson(fp_per_image)):
            dts.append({'image_id': img['id'], 'category_id': int(rs.choice(cats)), 'bbox': random_box(rs),
                        'score': round(rs.uniform(0.0, 0.9), score_round)})
    order = rs.permutation(len(dts))  # results files are not sorted by score
    return [dts[i] for i in order]


def case_perfect(rs):
    gt = make_gt(rs, 12, [1, 2, 3], per_image=(1, 6), sizes=(8, 300))
    dts = [{'image_id': a['image_id'], 'category_id': a['category_id'], 'bbox': list(a['bbox']),
            'score': round(rs.uniform(0.5, 1), 3)} for a in gt['annotations']]
    return 'perfect detections: every gt found with its own box', gt, dts


def case_shifted(rs):
    gt = make_gt(rs, 20, [1, 2, 3, 4], per_image=(1, 8))
    return 'boxes jittered by 5-40% of their size: IoUs across all thresholds', gt, make_dts(rs, gt, p_detect=0.9, sigma=0.15)


def case_duplicates_fp(rs):
    gt = make_gt(rs, 20, [1, 2, 3], per_image=(0, 6))
    return 'duplicate detections of the same object and random false positives', gt, \
        make_dts(rs, gt, sigma=0.08, dup_frac=0.5, fp_per_image=3)


def case_many_dets(rs):
    gt = make_gt(rs, 4, [1, 2], per_image=(10, 30), sizes=(10, 120))
    dts = make_dts(rs, gt, p_detect=1.0, sigma=0.1, dup_frac=0.3, fp_per_image=20)
    # one image with 160 detections of one category: only the top 100 by score count
    img = gt['images'][0]['id']
    for _ in range(160):
        dts.append({'image_id': img, 'category_id': 1, 'bbox': random_box(rs), 'score': round(rs.uniform(0, 1), 4)})
    return 'more than 100 detections on an image (per image and category) and maxDets 1/10 cut-offs', gt, dts


def case_crowd(rs):
    gt = make_gt(rs, 15, [1, 2], per_image=(1, 6), crowd_frac=0.25, sizes=(20, 300))
    dts = make_dts(rs, gt, sigma=0.1, fp_per_image=1)
    for a in gt['annotations']:  # several detections inside each crowd region
        if a['iscrowd']:
            x, y, w, h = a['bbox']
            for _ in range(3):
                dts.append({'image_id': a['image_id'], 'category_id': a['category_id'],
                            'bbox': [r2(x + rs.uniform(0, w / 2)), r2(y + rs.uniform(0, h / 2)), r2(w / 3), r2(h / 3)],
                            'score': round(rs.uniform(0.2, 0.9), 3)})
    return 'crowd regions: matched as ignore regions, IoU over the detection area, many matches allowed', gt, dts


def case_noncontiguous(rs):
    cats = [3, 17, 44, 90]
    gt = make_gt(rs, 12, cats, per_image=(1, 6), first_img_id=1000, img_id_step=7)
    return 'non-contiguous category and image ids', gt, make_dts(rs, gt, sigma=0.12, fp_per_image=1)


def case_empty_images(rs):
    gt = make_gt(rs, 16, [1, 2, 3], per_image=(0, 5))
    for a in list(gt['annotations']):  # images 1-3 have no gt at all
        if a['image_id'] in (1, 2, 3):
            gt['annotations'].remove(a)
    dts = make_dts(rs, gt, sigma=0.1, fp_per_image=1, skip_images=(10, 11, 12))  # 10-12: no detections
    return 'images with no gt (detections there are false positives) and images with no detections', gt, dts


def case_area_ranges(rs):
    gt = make_gt(rs, 20, [1, 2], per_image=(2, 8), sizes=(3, 450))
    # boundary areas: exactly 32^2 and 96^2 belong to two ranges
    gt['annotations'][0]['area'] = 1024.0
    gt['annotations'][1]['area'] = 9216.0
    return 'small, medium and large objects, areas on the range boundaries, area field != box area', gt, \
        make_dts(rs, gt, sigma=0.12, fp_per_image=2)


def case_cats_without_gt(rs):
    gt = make_gt(rs, 10, [1, 2], per_image=(1, 5), cat_names={1: 'a', 2: 'b', 5: 'no gt, detected', 6: 'no gt at all'})
    return 'categories with no gt give -1 and drop out of the means', gt, \
        make_dts(rs, gt, sigma=0.1, fp_per_image=2, fp_cats=[1, 2, 5])


def case_score_ties(rs):
    gt = make_gt(rs, 15, [1, 2, 3], per_image=(1, 6))
    return 'scores rounded to one decimal: ties resolved by the stable sort order', gt, \
        make_dts(rs, gt, sigma=0.15, dup_frac=0.3, fp_per_image=2, score_round=1)


def case_iou_thresholds(rs):
    gt = {'images': [{'id': 1, 'width': 100, 'height': 100}], 'categories': [{'id': 1, 'name': 'box'}], 'annotations': []}
    dts = []
    for n, frac in enumerate([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.49]):
        gt['annotations'].append({'id': n + 1, 'image_id': 1, 'category_id': 1, 'bbox': [0, 10 * n, 40, 8], 'area': 320, 'iscrowd': 0})
        dts.append({'image_id': 1, 'category_id': 1, 'bbox': [0, 10 * n, 40 * frac, 8], 'score': 0.9 - 0.01 * n})
    return 'IoUs exactly on the thresholds (a match needs IoU >= t)', gt, dts


def case_mixed(rs):
    gt = make_gt(rs, 60, [1, 2, 4, 7, 9], per_image=(0, 10), crowd_frac=0.05)
    return 'everything at once, larger', gt, make_dts(rs, gt, p_detect=0.8, sigma=0.12, dup_frac=0.2, fp_per_image=4)


# --- cases that hit pycocotools bugs: (description, gt, dts, fixed_gt, fixed_dts, fix, hand_empty)

def bug_ids_from_zero(rs):
    gt = make_gt(rs, 10, [0, 1, 2], per_image=(1, 5), first_ann_id=0, first_img_id=0)
    dts = make_dts(rs, gt, sigma=0.08, fp_per_image=1)
    fixed = copy.deepcopy(gt)
    for a in fixed['annotations']:
        a['id'] += 1
    return ('annotation ids start at 0 (Roboflow exports): pycocotools never counts the gt with id 0 as matched',
            gt, dts, fixed, dts, 'annotation ids renumbered from 1')


def bug_duplicate_ids(rs):
    gt = make_gt(rs, 10, [1, 2], per_image=(2, 5))
    anns = gt['annotations']
    anns[3]['id'] = anns[0]['id']
    anns[len(anns) - 1]['id'] = anns[5]['id']
    dts = make_dts(rs, gt, p_detect=1.0, sigma=0.05)
    fixed = copy.deepcopy(gt)
    for n, a in enumerate(fixed['annotations']):
        a['id'] = n + 1
    return ('duplicate annotation ids: pycocotools resolves both to the last annotation with that id',
            gt, dts, fixed, dts, 'annotation ids made unique')


def bug_empty_dts(rs):
    gt = make_gt(rs, 5, [1, 2, 3], per_image=(1, 4), cat_names={1: 'a', 2: 'b', 3: 'c', 4: 'no gt'})
    return ('no detections at all: pycocotools loadRes raises IndexError',
            gt, [], gt, 'EMPTY', 'result COCO built by hand with no annotations')


def bug_negative_width(rs):
    gt = make_gt(rs, 6, [1], per_image=(2, 4), sizes=(20, 200))
    dts = make_dts(rs, gt, p_detect=1.0, sigma=0.05)
    dts.sort(key=lambda d: -d['score'])
    dts[0]['bbox'][2] = -dts[0]['bbox'][2]  # the best detection has a negative width
    dts[3]['bbox'][3] = -5.0  # and one a negative height
    fixed = copy.deepcopy(dts)
    for d in fixed:
        d['bbox'][2], d['bbox'][3] = max(0.0, d['bbox'][2]), max(0.0, d['bbox'][3])
    return ('negative box width or height: pycocotools drops the detection silently (negative area is outside every '
            'area range); it is a false positive', gt, dts, gt, fixed, 'widths and heights clamped at 0 (an empty box)')


CASES = [case_perfect, case_shifted, case_duplicates_fp, case_many_dets, case_crowd, case_noncontiguous,
         case_empty_images, case_area_ranges, case_cats_without_gt, case_score_ties, case_iou_thresholds, case_mixed]
BUG_CASES = [bug_ids_from_zero, bug_duplicate_ids, bug_empty_dts, bug_negative_width]


def main():
    api, why = import_pycocotools()
    if api is None:
        print(f'pycocotools is not importable ({why}); nothing written.\n'
              'Build it from the cocodataset/cocoapi PythonAPI sources (python3 setup.py build_ext --inplace) '
              'and run this script with PYTHONPATH pointing at that PythonAPI folder.')
        return 1
    total = 0
    for seed, fn in enumerate(CASES + BUG_CASES):
        rs = np.random.RandomState(1000 + seed)
        name = fn.__name__.split('_', 1)[1]
        if fn in CASES:
            description, gt, dts = fn(rs)
            case = {'name': name, 'description': description, 'gt': gt, 'dts': dts,
                    'expected': run_pycocotools(api, gt, dts)}
        else:
            description, gt, dts, fixed_gt, fixed_dts, fix = fn(rs)
            hand_empty = fixed_dts == 'EMPTY'
            case = {'name': 'bug_' + name, 'description': description, 'gt': gt, 'dts': dts, 'fix': fix,
                    'expected': run_pycocotools(api, fixed_gt, [] if hand_empty else fixed_dts, empty_res_by_hand=hand_empty),
                    'pycocotools': run_pycocotools(api, gt, dts)}
        if 'error' in case['expected']:
            raise SystemExit(f'{name}: pycocotools failed on the expected input: {case["expected"]["error"]}')
        path = os.path.join(OUT_DIR, f'{case["name"]}.json')
        with open(path, 'w') as f:
            json.dump(case, f, separators=(',', ':'))
            f.write('\n')
        size = os.path.getsize(path)
        total += size
        print(f'{case["name"]:24s} {len(gt["annotations"]):5d} gt {len(dts):5d} dt  {size / 1024:6.1f} KiB  '
              f'AP {case["expected"]["stats"][0]:.4f}')
    print(f'total {total / 1024:.1f} KiB')
    return 0


if __name__ == '__main__':
    sys.exit(main())
