import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { prepareForCocoDetection, toCocoResults } from './coco_results';
import { evaluateCoco } from './coco_eval';
import type { CocoGroundTruth } from './coco_types';
import { hasPython, SYSTEM_PYTHON } from '../testing/paths';

function randomXyxy(n: number, seed: number): Float32Array {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const b = new Float32Array(4 * n);
  for (let k = 0; k < n; k++) {
    const x0 = r() * 600;
    const y0 = r() * 400;
    b.set([x0, y0, x0 + r() * 300, y0 + r() * 200], 4 * k);
  }
  return b;
}

describe('COCO results from PostProcess output', () => {
  it.skipIf(!hasPython(['torch']))("bbox equals DETR's convert_to_xywh on float32 tensors, bit for bit", () => {
    const boxes = randomXyxy(50, 3);
    const script = `
import sys, json, torch
b = torch.tensor(json.load(sys.stdin), dtype=torch.float32).reshape(-1, 4)
xmin, ymin, xmax, ymax = b.unbind(1)
print(json.dumps(torch.stack((xmin, ymin, xmax - xmin, ymax - ymin), dim=1).tolist()))`;
    const ref = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', script], { input: JSON.stringify(Array.from(boxes)) }).toString()) as number[][];
    const got = toCocoResults(5, { scores: new Float32Array(50).fill(0.5), labels: new Int32Array(50).fill(3), boxes });
    expect(got.map((d) => d.bbox)).toEqual(ref);
    expect(got[0]).toMatchObject({ image_id: 5, category_id: 3, score: 0.5 });
  });

  it('feeds the evaluator: predictions at the ground-truth boxes give AP 1', () => {
    const gt: CocoGroundTruth = {
      images: [{ id: 1, width: 640, height: 480 }, { id: 2, width: 640, height: 480 }],
      categories: [{ id: 1, name: 'a' }, { id: 18, name: 'b' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [10, 20, 100, 50], area: 5000, iscrowd: 0 },
        { id: 2, image_id: 2, category_id: 18, bbox: [200, 100, 20, 30], area: 600, iscrowd: 0 },
      ],
    };
    const results = prepareForCocoDetection([
      [1, { scores: [0.9, 0.1], labels: [1, 18], boxes: [10, 20, 110, 70, 0, 0, 5, 5] }],
      [2, { scores: [0.8], labels: [18], boxes: [200, 100, 220, 130] }],
    ]);
    expect(results).toHaveLength(3);
    expect(evaluateCoco(gt, results).stats[0]).toBeCloseTo(1, 12);
    expect(prepareForCocoDetection([[1, { scores: [0.9, 0.1], labels: [1, 18], boxes: [10, 20, 110, 70, 0, 0, 5, 5] }]], { minScore: 0.5 })).toHaveLength(1);
  });

  it('rejects mismatched lengths, naming the image', () => {
    expect(() => toCocoResults(9, { scores: [0.5], labels: [1, 2], boxes: [0, 0, 1, 1] })).toThrow(/image 9: .*1 scores, 2 labels and 1 boxes/);
  });
});
