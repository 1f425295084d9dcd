/**
 * DETR PostProcess output -> COCO results entries, as DETR's CocoEvaluator.prepare_for_coco_detection
 * does it (datasets/coco_eval.py): boxes xyxy in pixels of the original image become [x, y, w, h]
 * with w = x1 - x0 and h = y1 - y0 computed in float32 (torch's convert_to_xywh on float32
 * tensors), labels are category ids unchanged (this project keeps DETR's num_classes = max id + 1,
 * no contiguous remap), one entry per query, no score threshold unless asked for.
 */
import type { CocoDetection } from './coco_types';

/** One image of PostProcess output. */
export interface PostProcessResult {
  /** [Q] best class probability per query (no-object excluded) */
  scores: ArrayLike<number>;
  /** [Q] category id per query */
  labels: ArrayLike<number>;
  /** [Q * 4] x0, y0, x1, y1 in pixels of the original image */
  boxes: ArrayLike<number>;
}

export interface CocoResultsOptions {
  /** keep queries whose score is >= this (default: keep all, as DETR's evaluation does) */
  minScore?: number;
}

const f32 = Math.fround;

/** Results of one image. */
export function toCocoResults(imageId: number, result: PostProcessResult, options: CocoResultsOptions = {}): CocoDetection[] {
  const { scores, labels, boxes } = result;
  const q = scores.length;
  if (labels.length !== q || boxes.length !== 4 * q) {
    throw new Error(`image ${imageId}: PostProcess output has ${q} scores, ${labels.length} labels and ${boxes.length / 4} boxes; they must match`);
  }
  const minScore = options.minScore ?? -Infinity;
  const out: CocoDetection[] = [];
  for (let n = 0; n < q; n++) {
    const score = f32(scores[n]);
    if (!(score >= minScore)) continue;
    const x0 = f32(boxes[4 * n]);
    const y0 = f32(boxes[4 * n + 1]);
    const x1 = f32(boxes[4 * n + 2]);
    const y1 = f32(boxes[4 * n + 3]);
    out.push({ image_id: imageId, category_id: labels[n], bbox: [x0, y0, f32(x1 - x0), f32(y1 - y0)], score });
  }
  return out;
}

/** Results of many images, in the order given (DETR: the `predictions` dict of image_id -> output). */
export function prepareForCocoDetection(
  predictions: Iterable<[imageId: number, result: PostProcessResult]>,
  options: CocoResultsOptions = {},
): CocoDetection[] {
  const out: CocoDetection[] = [];
  for (const [imageId, result] of predictions) {
    for (const d of toCocoResults(imageId, result, options)) out.push(d);
  }
  return out;
}
