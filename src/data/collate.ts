/**
 * DETR's collate_fn + nested_tensor_from_tensor_list (util/misc.py): normalised images are copied into
 * a zero tensor of the batch's max H and max W (bottom/right padding, after normalisation, no rounding
 * to a multiple of 32), and mask = 1 on padding, 0 on image pixels.
 */
import type { Batch, Sample } from './types';

export function collate(samples: readonly Sample[]): Batch {
  if (samples.length === 0) throw new Error('collate: empty batch');
  let H = 0;
  let W = 0;
  for (const s of samples) {
    H = Math.max(H, s.height);
    W = Math.max(W, s.width);
  }
  const B = samples.length;
  const pixels = new Float32Array(B * H * W * 3); // [B, H, W, 3], zeros = padding
  const mask = new Uint8Array(B * H * W).fill(1); // [B, H, W], 1 = padding
  samples.forEach((s, b) => {
    if (s.image.length !== s.height * s.width * 3) {
      throw new Error(`collate: sample ${b} has ${s.image.length} values for ${s.height}x${s.width}x3`);
    }
    for (let y = 0; y < s.height; y++) {
      const dst = (b * H + y) * W;
      pixels.set(s.image.subarray(y * s.width * 3, (y + 1) * s.width * 3), dst * 3);
      mask.fill(0, dst, dst + s.width);
    }
  });
  return { pixels, mask, batchSize: B, height: H, width: W, targets: samples.map((s) => s.target) };
}
