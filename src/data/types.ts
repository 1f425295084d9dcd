/**
 * What the data pipeline hands the model: DETR's target dicts and its NestedTensor, as plain typed
 * arrays (the model uploads them once per step; see ops/nested_tensor.ts).
 */

/** A decoded image: 8-bit RGB, row-major [H, W, 3]. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** DETR's target dict for one image, after the transforms (datasets/coco.py ConvertCocoPolysToMask + T.*). */
export interface Target {
  image_id: number;
  /** [N] category ids, unchanged (DETR uses them as class indices; no contiguous remap). */
  labels: Int32Array;
  /** [N * 4] boxes as normalised (cx, cy, w, h), divided by `size` (the resized, unpadded image). */
  boxes: Float32Array;
  /** [N] area as the transforms carry it (COCO `area`, scaled by resize; crowd boxes removed for training). */
  area: Float32Array;
  /** [N] 0/1. */
  iscrowd: Uint8Array;
  /** [h, w] of the stored image, before any resize. */
  orig_size: [number, number];
  /** [h, w] after the transforms, before padding. */
  size: [number, number];
}

/** One transformed image: normalised float pixels [H, W, 3] ((x/255 - mean) / std) and its target. */
export interface Sample {
  image: Float32Array;
  height: number;
  width: number;
  target: Target;
}

/**
 * A padded batch, DETR's NestedTensor: pixels [B, H, W, 3] zero-padded at the bottom/right after
 * normalisation up to the batch's max H and max W; mask [B, H, W] with 1 = padding.
 */
export interface Batch {
  pixels: Float32Array;
  mask: Uint8Array;
  batchSize: number;
  height: number;
  width: number;
  targets: Target[];
}
