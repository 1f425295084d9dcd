/**
 * Times our COCO bbox evaluation against pycocotools on a COCO-val-sized synthetic set: 5,000
 * images, 36,000 ground-truth boxes over the 80 COCO category ids, 100 detections per image (as
 * DETR outputs them). Ours: evaluate + accumulate + summarize (median of 3 runs). pycocotools:
 * evaluate + accumulate, timed inside Python in the same run, so loading JSON and Python start-up
 * are excluded from its figure. Prints the ratio (target: ours <= 2x pycocotools) and the largest
 * difference between the two sets of stats.
 *
 * pycocotools is not in this repository; build it from the cocodataset/cocoapi PythonAPI sources
 * (`python3 setup.py build_ext --inplace`) and run with PYTHONPATH=<that PythonAPI folder>.
 * Run alone: node bin/run-ts.js src/bench/coco_eval.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { COCOeval } from '../eval/coco_eval';
import type { CocoAnnotation, CocoDetection, CocoGroundTruth } from '../eval/coco_types';
import { mulberry32 } from '../math/rng';

const SYSTEM_PYTHON = '/usr/bin/python3';
const N_IMAGES = 5000;
const N_GT = 36000;
const DETS_PER_IMAGE = 100;
const TARGET = 2;
// the 80 COCO category ids (1..90 with gaps)
const COCO_CAT_IDS = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 31, 32, 33, 34,
  35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
  64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90,
];


const r2 = (x: number) => Math.round(x * 100) / 100;

/** A COCO-like ground truth and DETR-like results: hits near each object, duplicates, wrong classes, background. */
export function makeBenchData(seed = 17): { gt: CocoGroundTruth; dts: CocoDetection[] } {
  const rand = mulberry32(seed);
  const W = 640;
  const H = 480;
  const box = (minS: number, maxS: number) => {
    const w = Math.min(W - 1, Math.exp(Math.log(minS) + rand() * Math.log(maxS / minS)));
    const h = Math.min(H - 1, w * Math.exp(rand() * 1.2 - 0.6));
    return [r2(rand() * (W - w)), r2(rand() * (H - h)), r2(w), r2(h)];
  };
  const images = Array.from({ length: N_IMAGES }, (_, i) => ({ id: i + 1, width: W, height: H }));
  const byImage: CocoAnnotation[][] = images.map(() => []);
  const annotations: CocoAnnotation[] = [];
  for (let n = 0; n < N_GT; n++) {
    const img = Math.floor(rand() * N_IMAGES);
    const bbox = box(6, 450);
    const a: CocoAnnotation = {
      id: n + 1, image_id: img + 1, category_id: COCO_CAT_IDS[Math.floor(rand() * 80)], bbox,
      area: r2(bbox[2] * bbox[3] * (0.6 + 0.4 * rand())), iscrowd: rand() < 0.01 ? 1 : 0,
    };
    annotations.push(a);
    byImage[img].push(a);
  }
  const dts: CocoDetection[] = [];
  for (let i = 0; i < N_IMAGES; i++) {
    const mine: CocoDetection[] = [];
    for (const a of byImage[i]) {
      const near = (sigma: number, cat: number, score: number) => {
        const [x, y, w, h] = a.bbox;
        const s = Math.max(w, h) * sigma;
        mine.push({ image_id: i + 1, category_id: cat, score: r2(score) || 0.01,
          bbox: [r2(x + (rand() - 0.5) * s), r2(y + (rand() - 0.5) * s), r2(w * (1 + (rand() - 0.5) * sigma)), r2(h * (1 + (rand() - 0.5) * sigma))] });
      };
      if (rand() < 0.9) near(0.3, a.category_id, 0.3 + 0.7 * rand());
      if (rand() < 0.3) near(0.6, a.category_id, 0.5 * rand());
      near(0.3, COCO_CAT_IDS[Math.floor(rand() * 80)], 0.4 * rand());
    }
    while (mine.length < DETS_PER_IMAGE) {
      mine.push({ image_id: i + 1, category_id: COCO_CAT_IDS[Math.floor(rand() * 80)], bbox: box(4, 400), score: r2(0.3 * rand()) });
    }
    dts.push(...mine.slice(0, DETS_PER_IMAGE));
  }
  return { gt: { images, annotations, categories: COCO_CAT_IDS.map((id) => ({ id, name: `class_${id}` })) }, dts };
}

const PY_TIMER = `
import sys, json, time, types, io, contextlib
import numpy as np
try:
    import matplotlib
except ImportError:  # COCO imports it for drawing only
    for n in ('matplotlib', 'matplotlib.pyplot', 'matplotlib.collections', 'matplotlib.patches'):
        m = types.ModuleType(n); m.PatchCollection = m.Polygon = object; sys.modules[n] = m
if not hasattr(np, 'float'):
    np.float = float  # cocodataset/cocoapi still calls np.float (removed in NumPy 1.24)
try:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
except ImportError as e:
    print(json.dumps({'skip': str(e)})); sys.exit(0)
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[1])
    dt = gt.loadRes(sys.argv[2])
    E = COCOeval(gt, dt, 'bbox')
    t0 = time.perf_counter(); E.evaluate(); t1 = time.perf_counter(); E.accumulate(); t2 = time.perf_counter()
    E.summarize()
print(json.dumps({'evaluate': t1 - t0, 'accumulate': t2 - t1, 'stats': [float(s) for s in E.stats]}))
`;

export async function benchCocoEval(): Promise<void> {
  const { gt, dts } = makeBenchData();
  const times: { evaluate: number; accumulate: number; summarize: number }[] = [];
  let stats: number[] = [];
  for (let run = 0; run < 3; run++) {
    const e = new COCOeval(gt, dts);
    const t0 = performance.now();
    e.evaluate();
    const t1 = performance.now();
    e.accumulate();
    const t2 = performance.now();
    stats = e.summarize().stats;
    const t3 = performance.now();
    times.push({ evaluate: t1 - t0, accumulate: t2 - t1, summarize: t3 - t2 });
  }
  const total = (t: (typeof times)[number]) => t.evaluate + t.accumulate + t.summarize;
  const med = [...times].sort((a, b) => total(a) - total(b))[1];
  const oursS = total(med) / 1000;
  const what = `coco_eval ${N_IMAGES} images, ${N_GT} gt, ${dts.length} dets`;
  const oursStr = `ours ${oursS.toFixed(2)} s (evaluate ${(med.evaluate / 1000).toFixed(2)}, accumulate ${(med.accumulate / 1000).toFixed(2)}, summarize ${(med.summarize / 1000).toFixed(3)})`;

  const dir = mkdtempSync(join(tmpdir(), 'detr-coco-bench-'));
  try {
    writeFileSync(join(dir, 'gt.json'), JSON.stringify(gt));
    writeFileSync(join(dir, 'dt.json'), JSON.stringify(dts));
    let out: string;
    try {
      out = execFileSync(SYSTEM_PYTHON, ['-c', PY_TIMER, join(dir, 'gt.json'), join(dir, 'dt.json')], { maxBuffer: 1 << 24 }).toString();
    } catch (e) {
      console.log(`${what}: ${oursStr}; pycocotools run failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim().split('\n').pop()}`);
      return;
    }
    const py = JSON.parse(out.trim().split('\n').pop()!) as { skip?: string; evaluate: number; accumulate: number; stats: number[] };
    if (py.skip) {
      console.log(`${what}: ${oursStr}; pycocotools skipped (${py.skip}). Build it from the cocodataset/cocoapi ` +
        'PythonAPI sources (python3 setup.py build_ext --inplace) and rerun with PYTHONPATH=<that PythonAPI folder>.');
      return;
    }
    const pyS = py.evaluate + py.accumulate;
    const diff = Math.max(...stats.map((s, i) => Math.abs(s - py.stats[i])));
    console.log(`${what}: ${oursStr}, pycocotools ${pyS.toFixed(2)} s (evaluate ${py.evaluate.toFixed(2)}, ` +
      `accumulate ${py.accumulate.toFixed(2)}), ratio ${(oursS / pyS).toFixed(3)} (target <= ${TARGET}); AP ${stats[0].toFixed(4)}, ` +
      `max |stats diff| ${diff.toExponential(1)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchCocoEval();
}
