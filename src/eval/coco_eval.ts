/**
 * COCO bbox evaluation with pycocotools' semantics (COCO + loadRes + COCOeval, iouType 'bbox'):
 * IoU thresholds .50:.05:.95, 101 recall thresholds with the monotone precision envelope, area
 * ranges all/small/medium/large on the ground truth's `area` field (both ends inclusive), maxDets
 * 1/10/100 counted per image AND category, crowd ground truths as ignore regions (IoU over the
 * detection's area; any number of detections may fall in one), detections ordered by score with
 * numpy's stable mergesort order, categories without ground truth at -1 and left out of the means.
 * The 12 stats are bit-identical to pycocotools' on the cases in testdata/ and on the 500k-detection
 * benchmark set (same float64 operations in the same order, np.mean's summation order).
 *
 * pycocotools' numbers are what papers and the official DETR print, so where its behaviour is a bug
 * that still yields numbers we reproduce it, and say so in a warning:
 *  1. Annotation id 0. pycocotools records a match by storing the ground truth's id in dtMatches and
 *     tests `dtm != 0`, so a detection matched to the ground truth with id 0 counts as a false
 *     positive while that ground truth is used up (Roboflow exports number annotations from 0).
 *     Reproduced (a warning says how to avoid it: number annotations from 1).
 * Where it crashes or silently drops data we give the correct answer (docs/coco_eval.md):
 *  2. Duplicate annotation ids. loadAnns looks annotations up by id, so every annotation sharing an
 *     id becomes the last one with that id (its box, image and category, counted once per
 *     duplicate) and the others vanish. We evaluate each annotation as itself and warn.
 *  3. No detections. loadRes indexes anns[0] and raises IndexError on an empty list. We return the
 *     stats of an empty result set: 0 where a category has ground truth, -1 elsewhere.
 *  4. Negative width or height. pycocotools computes a negative area, which lies outside every area
 *     range, so the detection is silently ignored (neither true nor false positive) while it still
 *     takes one of the maxDets slots. We treat it as an empty box at (x, y): a false positive.
 *  5. A detection on an image that is not in the ground truth fails an assert without a message;
 *     we throw an error naming the detection and the image id. NaN/Infinity in a box or score is
 *     an error naming the entry (pycocotools would compute with it).
 * Same as pycocotools, with a warning: annotations whose image or category is not listed, and
 * detections of an unknown category, are skipped. (The `ignore` field is not part of the input:
 * pycocotools overwrites it with `iscrowd` before use, so only iscrowd marks ignore regions.)
 * The cocodataset/cocoapi sources also call np.float in accumulate(), which NumPy >= 1.24 removed;
 * the PyPI build has the fix. Nothing here depends on that.
 */
import { accumulate, type Accumulated } from './coco_accumulate';
import { buildCocoIndex } from './coco_index';
import { evaluateImages, type Evaluated } from './coco_evaluate_img';
import { MAX_DETS } from './coco_params';
import { summarize } from './coco_summarize';
import type { CocoDetection, CocoGroundTruth, CocoSummary } from './coco_types';

/** pycocotools-style driver: evaluate(), accumulate(), summarize(). */
export class COCOeval {
  private evaluated?: Evaluated;
  private accumulated?: Accumulated;

  constructor(
    private readonly gt: CocoGroundTruth,
    private readonly dts: CocoDetection[],
  ) {}

  /** Per (image, category): IoUs once, then greedy matching for every area range and threshold. */
  evaluate(): void {
    this.evaluated = evaluateImages(buildCocoIndex(this.gt, this.dts, MAX_DETS[MAX_DETS.length - 1]));
    this.accumulated = undefined;
  }

  /** Precision [T, R, K, A, M] and recall [T, K, A, M], -1 where a category has no ground truth. */
  accumulate(): Accumulated {
    if (!this.evaluated) throw new Error('COCOeval: run evaluate() before accumulate()');
    this.accumulated = accumulate(this.evaluated);
    return this.accumulated;
  }

  /** The 12 standard stats and per-category AP. */
  summarize(): CocoSummary {
    if (!this.evaluated || !this.accumulated) throw new Error('COCOeval: run evaluate() and accumulate() before summarize()');
    return summarize(this.accumulated, this.evaluated.index);
  }
}

/** Evaluates detections against the ground truth in one call (evaluate + accumulate + summarize). */
export function evaluateCoco(gt: CocoGroundTruth, dts: CocoDetection[]): CocoSummary {
  const e = new COCOeval(gt, dts);
  e.evaluate();
  e.accumulate();
  return e.summarize();
}
