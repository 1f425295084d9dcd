import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { COCOeval, evaluateCoco } from './coco_eval';
import { boxIou } from './box_iou';
import { IOU_THRS, REC_THRS } from './coco_params';
import { numpySum } from './coco_summarize';
import { COCO_STAT_NAMES, type CocoDetection, type CocoGroundTruth } from './coco_types';
import { hasPython, REPO_ROOT, SYSTEM_PYTHON } from '../testing/paths';

interface Expected {
  stats: number[];
  per_category_ap: Record<string, number>;
}
interface Case {
  name: string;
  description: string;
  gt: CocoGroundTruth;
  dts: CocoDetection[];
  expected: Expected;
  fix?: string;
  pycocotools?: Expected | { error: string };
}

const DATA = resolve(REPO_ROOT, 'src/eval/testdata');
const cases: Case[] = readdirSync(DATA)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(resolve(DATA, f), 'utf8')));

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i])));
}

describe('COCO bbox evaluation vs pycocotools (cases from testdata/make_expected.py)', () => {
  it('has the committed cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(16);
  });

  for (const c of cases.filter((c) => !c.pycocotools)) {
    it(`${c.name}: ${c.description}`, () => {
      const got = evaluateCoco(c.gt, c.dts);
      const d = maxDiff(got.stats, c.expected.stats);
      // named stats in the failure message
      const show = COCO_STAT_NAMES.map((n, i) => `${n} ${got.stats[i]} vs ${c.expected.stats[i]}`).join('\n');
      expect(d, show).toBeLessThanOrEqual(1e-12);
      const perCat = got.perCategory.map((p) => p.ap);
      const want = got.perCategory.map((p) => c.expected.per_category_ap[String(p.id)]);
      expect(maxDiff(perCat, want), `per-category AP ${perCat} vs ${want}`).toBeLessThanOrEqual(1e-12);
    });
  }
});

/** pycocotools bugs whose numbers we reproduce (the others get the correct answer). */
const REPRODUCED = new Set(['bug_ids_from_zero']);

describe('pycocotools bugs: the correct answer, and how pycocotools differs', () => {
  for (const c of cases.filter((c) => c.pycocotools && !REPRODUCED.has(c.name))) {
    it(`${c.name}: ${c.description}`, () => {
      const got = evaluateCoco(c.gt, c.dts);
      // correct = pycocotools on the same data with the bug avoided (c.fix)
      expect(maxDiff(got.stats, c.expected.stats), `fix: ${c.fix}`).toBeLessThanOrEqual(1e-12);
      const py = c.pycocotools!;
      if ('error' in py) {
        console.log(`${c.name}: pycocotools raises ${py.error}; we give AP ${got.stats[0]}, AR100 ${got.stats[8]}`);
        expect(py.error).toMatch(/IndexError/);
      } else {
        console.log(`${c.name}: AP ours ${got.stats[0].toFixed(4)} / pycocotools ${py.stats[0].toFixed(4)}; ` +
          `AR100 ours ${got.stats[8].toFixed(4)} / pycocotools ${py.stats[8].toFixed(4)}`);
        expect(maxDiff(got.stats, py.stats)).toBeGreaterThan(1e-3);
      }
    });
  }

  const byName = (n: string) => cases.find((c) => c.name === n)!;

  it('ids from 0: pycocotools\' numbers (the detection of annotation 0 is a false positive), with a warning', () => {
    const c = byName('bug_ids_from_zero');
    const py = c.pycocotools as Expected;
    const got = evaluateCoco(c.gt, c.dts);
    expect(maxDiff(got.stats, py.stats), 'equals pycocotools on the input as given').toBeLessThanOrEqual(1e-12);
    expect(maxDiff(got.stats, c.expected.stats), 'differs from the ids-renumbered answer').toBeGreaterThan(1e-3);
    expect(got.warnings.join('\n')).toMatch(/annotation id 0: as in pycocotools/);
    // a one-box image makes it plain: pycocotools gives AP 0 here; renumbered from 1 it is 1
    const one = (id: number) => evaluateCoco(
      { images: [{ id: 0, width: 10, height: 10 }], categories: [{ id: 0, name: 'a' }],
        annotations: [{ id, image_id: 0, category_id: 0, bbox: [1, 1, 5, 5], area: 25, iscrowd: 0 }] },
      [{ image_id: 0, category_id: 0, bbox: [1, 1, 5, 5], score: 0.9 }],
    ).stats[0];
    expect(one(0)).toBe(0);
    expect(one(1)).toBeCloseTo(1, 12);
  });

  it('duplicate ids, negative sizes: evaluated and reported in warnings', () => {
    expect(evaluateCoco(byName('bug_duplicate_ids').gt, byName('bug_duplicate_ids').dts).warnings.join('\n')).toMatch(/repeat an earlier annotation id/);
    const neg = byName('bug_negative_width');
    expect(evaluateCoco(neg.gt, neg.dts).warnings.join('\n')).toMatch(/2 detections have a negative width or height/);
  });

  it('no detections: AP 0 where there is ground truth, -1 for a category without', () => {
    const c = byName('bug_empty_dts');
    const got = evaluateCoco(c.gt, []);
    expect(got.stats[0]).toBe(0);
    expect(got.perCategory.map((p) => p.ap)).toEqual([0, 0, 0, -1]);
  });
});

describe('COCO evaluation input errors and building blocks', () => {
  const gt: CocoGroundTruth = {
    images: [{ id: 7, width: 100, height: 100 }],
    categories: [{ id: 1, name: 'a' }],
    annotations: [{ id: 1, image_id: 7, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 }],
  };

  it('names the bad entry', () => {
    expect(() => evaluateCoco(gt, [{ image_id: 8, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }])).toThrow(
      'detection #0: image_id 8 is not an image of the ground truth');
    expect(() => evaluateCoco(gt, [{ image_id: 7, category_id: 1, bbox: [0, 0, 1, 1], score: NaN }])).toThrow(/detection #0: score/);
    const bad = { ...gt, annotations: [{ ...gt.annotations[0], bbox: [0, 0, 1] }] };
    expect(() => evaluateCoco(bad, [])).toThrow(/ground truth annotation #0 \(id 1\): bbox must be 4 finite numbers/);
    expect(() => new COCOeval(gt, []).accumulate()).toThrow(/run evaluate\(\) before accumulate\(\)/);
  });

  it('box IoU: plain overlap, touching boxes, crowd uses the detection area', () => {
    const out = new Float64Array(3);
    const dt = new Float64Array([0, 0, 10, 10, 10, 0, 5, 5, 15, 0, 5, 5]); // the 3rd touches the gt's right edge
    boxIou(dt, 0, 3, new Float64Array([5, 0, 10, 10]), new Uint8Array([0]), 0, 1, out);
    expect(Array.from(out)).toEqual([50 / 150, 25 / 100, 0]); // 2nd: 25 / (25 + 100 - 25)
    boxIou(dt, 0, 3, new Float64Array([0, 0, 100, 100]), new Uint8Array([1]), 0, 1, out);
    expect(Array.from(out)).toEqual([1, 1, 1]); // inside a crowd region: intersection / own area
  });

  it.skipIf(!hasPython(['numpy']))('thresholds are the same doubles as np.linspace', () => {
    const py = execFileSync(SYSTEM_PYTHON, ['-c',
      'import numpy as np, json; print(json.dumps([np.linspace(.5, 0.95, 10).tolist(), np.linspace(.0, 1.00, 101).tolist()]))']);
    const [iou, rec] = JSON.parse(py.toString()) as number[][];
    expect(Array.from(IOU_THRS)).toEqual(iou);
    expect(Array.from(REC_THRS)).toEqual(rec);
  });

  it.skipIf(!hasPython(['numpy']))('means are np.mean bit for bit (pairwise sums in 8192-element chunks)', () => {
    let s = 7;
    const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) ** 3;
    const arrs = [5, 100, 129, 1000, 8192, 8193, 20000, 80800].map((n) => Array.from({ length: n }, r));
    const py = execFileSync(SYSTEM_PYTHON, ['-c', 'import sys, json, numpy as np; print(json.dumps([float(np.mean(np.array(a))) for a in json.load(sys.stdin)]))'],
      { input: JSON.stringify(arrs), maxBuffer: 1 << 26 });
    expect(arrs.map((a) => numpySum(Float64Array.from(a), a.length) / a.length)).toEqual(JSON.parse(py.toString()));
  });
});
