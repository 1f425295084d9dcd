/**
 * PIL's `Image.resize((w, h), Image.BILINEAR)` on an 8-bit RGB image, bit for bit (Pillow 9.4,
 * libImaging/Resample.c `ImagingResample`), which is what torchvision's F.resize does to a PIL image
 * in DETR's transforms. Re-derived from that algorithm, not copied:
 *  - separable: a horizontal pass (only when the width changes) over the source rows the vertical pass
 *    needs, into 8-bit, then a vertical pass (only when the height changes), clipped to 0..255;
 *  - antialiased: the triangle filter's support (1) is scaled by max(1, in/out), so downscaling averages;
 *  - per output pixel: center = (i + 0.5) * in/out; taps xmin = trunc(center - support + 0.5) (>= 0) to
 *    trunc(center + support + 0.5) (<= in); weights filter((x - center + 0.5) / filterscale) normalised
 *    to sum 1 in doubles, then fixed point: trunc(0.5 + k * 2^22) (PRECISION_BITS = 32 - 8 - 2);
 *  - accumulate 2^21 (rounding) + sum(pixel * coeff) in integers and take `>> 22`, clipped.
 * The same size returns a copy (PIL's shortcut), so an image that needs no resize is untouched.
 */
import type { RgbImage } from './types';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Fixed-point taps for one axis: for output i, taps bounds[2i] .. bounds[2i] + bounds[2i+1] - 1. */
interface Coeffs {
  ksize: number;
  bounds: Int32Array; // [out * 2] (xmin, count)
  k: Int32Array; // [out * ksize]
}

function bilinear(x: number): number {
  if (x < 0) x = -x;
  return x < 1 ? 1 - x : 0;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear filter over [0, inSize). */
export function precomputeCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = bilinear((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? w[x] / ww : w[x];
      // (int)(0.5 + v * 2^22), or (int)(-0.5 + ...) for negative weights (none for bilinear).
      k[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, k };
}

function clip8(ss: number): number {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Resizes an 8-bit RGB image to (outW, outH) exactly as PIL's BILINEAR resize. */
export function resizeBilinear(img: RgbImage, outW: number, outH: number): RgbImage {
  const { width: inW, height: inH } = img;
  if (!(Number.isInteger(outW) && Number.isInteger(outH) && outW > 0 && outH > 0)) {
    throw new Error(`resizeBilinear: output size must be positive integers, got ${outW}x${outH}`);
  }
  if (outW === inW && outH === inH) return { width: inW, height: inH, data: img.data.slice() };
  const horiz = precomputeCoeffs(inW, outW);
  const vert = precomputeCoeffs(inH, outH);

  let src = img.data;
  let srcW = inW;
  let rowOffset = 0; // the vertical taps index rows of `src` shifted by this
  if (outW !== inW) {
    // Only rows ybox_first .. ybox_last are needed by the vertical pass.
    const first = vert.bounds[0];
    const last = vert.bounds[(outH - 1) * 2] + vert.bounds[(outH - 1) * 2 + 1];
    const rows = last - first;
    const tmp = new Uint8Array(rows * outW * 3);
    const { ksize, bounds, k } = horiz;
    for (let yy = 0; yy < rows; yy++) {
      const inRow = (yy + first) * inW * 3;
      const outRow = yy * outW * 3;
      for (let xx = 0; xx < outW; xx++) {
        const xmin = bounds[xx * 2];
        const n = bounds[xx * 2 + 1];
        const kb = xx * ksize;
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        for (let x = 0; x < n; x++) {
          const c = k[kb + x];
          const p = inRow + (x + xmin) * 3;
          s0 += src[p] * c;
          s1 += src[p + 1] * c;
          s2 += src[p + 2] * c;
        }
        const o = outRow + xx * 3;
        tmp[o] = clip8(s0);
        tmp[o + 1] = clip8(s1);
        tmp[o + 2] = clip8(s2);
      }
    }
    src = tmp;
    srcW = outW;
    rowOffset = first;
  }
  if (outH === inH) return { width: outW, height: outH, data: src === img.data ? src.slice() : src };

  const out = new Uint8Array(outH * outW * 3);
  const { ksize, bounds, k } = vert;
  const stride = srcW * 3;
  for (let yy = 0; yy < outH; yy++) {
    const ymin = bounds[yy * 2] - rowOffset;
    const n = bounds[yy * 2 + 1];
    const kb = yy * ksize;
    const outRow = yy * outW * 3;
    for (let xx = 0; xx < outW * 3; xx++) {
      let s = HALF;
      for (let y = 0; y < n; y++) s += src[(y + ymin) * stride + xx] * k[kb + y];
      out[outRow + xx] = clip8(s);
    }
  }
  return { width: outW, height: outH, data: out };
}
