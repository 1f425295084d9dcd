/**
 * DETR's ConvertCocoPolysToMask (datasets/coco.py) without masks: one image's COCO annotations ->
 * its target dict in absolute xyxy pixels, in float32 exactly as the torch code computes it:
 *   drop crowd (`iscrowd` != 0); boxes = float32(bbox); xyxy = xy + wh; clamp x to [0, w] and y to
 *   [0, h] of the decoded image; keep x1 > x0 and y1 > y0 (after clamping, so boxes fully outside go);
 *   labels = category ids unchanged; area and iscrowd of the kept ones; orig_size = size = [h, w].
 * The transforms (transforms.ts) then resize/crop/flip it and Normalize makes it a `Target`.
 */
import type { CocoAnnotation } from './coco';

const f32 = Math.fround;

/** A target in absolute pixel xyxy, as it travels through DETR's transforms before Normalize. */
export interface PixelTarget {
  image_id: number;
  labels: Int32Array; // [N]
  /** [N * 4] (x0, y0, x1, y1) in pixels of the current image, float32 values. */
  boxes: Float32Array;
  area: Float32Array; // [N]
  iscrowd: Uint8Array; // [N]
  orig_size: [number, number];
  size: [number, number];
}

/**
 * `width`/`height` are the decoded image's (PIL `image.size`), not the JSON's. Returns the target
 * and the ids of the non-crowd annotations DETR drops (empty after clamping), for warnings.
 */
export function prepareTarget(
  imageId: number,
  annotations: readonly CocoAnnotation[],
  width: number,
  height: number,
): { target: PixelTarget; dropped: number[] } {
  const kept: { a: CocoAnnotation; box: number[] }[] = [];
  const dropped: number[] = [];
  for (const a of annotations) {
    if (a.iscrowd !== 0) continue;
    const [x, y, w, h] = a.bbox.map(f32);
    // boxes[:, 2:] += boxes[:, :2] in float32, then clamp_ (min 0, max w or h).
    const x0 = clamp(x, width);
    const y0 = clamp(y, height);
    const x1 = clamp(f32(x + w), width);
    const y1 = clamp(f32(y + h), height);
    if (y1 > y0 && x1 > x0) kept.push({ a, box: [x0, y0, x1, y1] });
    else dropped.push(a.id);
  }
  const n = kept.length;
  const target: PixelTarget = {
    image_id: imageId,
    labels: Int32Array.from(kept, (k) => k.a.category_id),
    boxes: new Float32Array(n * 4),
    area: Float32Array.from(kept, (k) => k.a.area),
    iscrowd: new Uint8Array(n),
    orig_size: [height, width],
    size: [height, width],
  };
  kept.forEach((k, i) => target.boxes.set(k.box, i * 4));
  return { target, dropped };
}

/** torch.clamp_(min=0, max=hi). */
function clamp(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}
