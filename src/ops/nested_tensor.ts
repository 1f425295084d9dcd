/**
 * DETR's NestedTensor on the device, plus the CPU-side mask arithmetic that depends only on the
 * batch layout (no readback ever needed): the padding mask is known when the batch is built, so the
 * feature-level mask and the sine position embedding are computed on the CPU in float32 and uploaded.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/types';

/** Padding mask on the CPU: [B, H, W], 1 = padding (DETR's `mask` True). */
export interface HostMask {
  data: Uint8Array;
  batch: number;
  height: number;
  width: number;
}

/** Uploads the padded pixels: [B, H, W, 3]. */
export function batchPixels(batch: Batch): tf.Tensor4D {
  return tf.tensor4d(batch.pixels, [batch.batchSize, batch.height, batch.width, 3], 'float32');
}

export function hostMask(batch: Batch): HostMask {
  return { data: batch.mask, batch: batch.batchSize, height: batch.height, width: batch.width };
}

/**
 * torch.nn.functional.interpolate(mask[None].float(), size=(h, w)) with the default 'nearest' mode:
 * src = min(floor(dst * (in / out)), in - 1) with the scale computed in float32, exactly as
 * PyTorch's CPU kernel (identity when the sizes match).
 */
export function interpolateMask(m: HostMask, h: number, w: number): HostMask {
  const srcIndex = (dst: number, inSize: number, outSize: number) => {
    if (inSize === outSize) return dst;
    const scale = Math.fround(inSize / outSize);
    return Math.min(Math.floor(Math.fround(dst * scale)), inSize - 1);
  };
  const rows = Array.from({ length: h }, (_, i) => srcIndex(i, m.height, h));
  const cols = Array.from({ length: w }, (_, j) => srcIndex(j, m.width, w));
  const out = new Uint8Array(m.batch * h * w);
  for (let b = 0; b < m.batch; b++) {
    for (let i = 0; i < h; i++) {
      const src = (b * m.height + rows[i]) * m.width;
      const dst = (b * h + i) * w;
      for (let j = 0; j < w; j++) out[dst + j] = m.data[src + cols[j]];
    }
  }
  return { data: out, batch: m.batch, height: h, width: w };
}

/**
 * Additive attention bias for a key padding mask: [B, 1, HW] with 0 for valid keys and -1e9 for
 * padding (softmax then gives exactly 0, like PyTorch's masked_fill(-inf)).
 */
export function keyPaddingBias(m: HostMask): tf.Tensor3D {
  const n = m.height * m.width;
  const bias = new Float32Array(m.batch * n);
  for (let i = 0; i < bias.length; i++) bias[i] = m.data[i] ? -1e9 : 0;
  return tf.tensor3d(bias, [m.batch, 1, n], 'float32');
}
