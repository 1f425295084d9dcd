import { describe, expect, it } from 'vitest';
import { precomputeCoeffs, resizeBilinear } from './resize';
import { Rng } from '../math/rng';
import { hasPil, pilResizeBilinear } from '../testing/pil';
import { skipReason } from '../testing/paths';
import type { RgbImage } from './types';

/** A test image with edges, gradients and noise, so every rounding path is exercised. */
function testImage(w: number, h: number, seed: number): RgbImage {
  const rng = new Rng(seed);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      data[o] = (x * 255) / Math.max(1, w - 1);
      data[o + 1] = (x + y) % 7 < 3 ? 250 : 5;
      data[o + 2] = rng.randint(0, 255);
    }
  }
  return { width: w, height: h, data };
}

describe('precomputeCoeffs', () => {
  it('sums each output pixel\'s fixed-point weights to about 2^22', () => {
    for (const [i, o] of [[10, 3], [3, 10], [100, 37], [37, 100], [7, 7]]) {
      const c = precomputeCoeffs(i, o);
      for (let xx = 0; xx < o; xx++) {
        let s = 0;
        for (let x = 0; x < c.bounds[xx * 2 + 1]; x++) s += c.k[xx * c.ksize + x];
        expect(Math.abs(s - 2 ** 22)).toBeLessThanOrEqual(c.ksize);
      }
    }
  });

  it('upscaling 2x uses the two nearest pixels with weights 3/4, 1/4 (hand-derived)', () => {
    // out pixel 1 of 2 -> 4: center 0.75, taps 0..1 at distances 0.25 and 0.75 -> 0.75 / 0.25.
    const c = precomputeCoeffs(2, 4);
    expect(Array.from(c.bounds.slice(2, 4))).toEqual([0, 2]);
    expect(c.k[1 * c.ksize]).toBe(0.75 * 2 ** 22);
    expect(c.k[1 * c.ksize + 1]).toBe(0.25 * 2 ** 22);
  });
});

describe('resizeBilinear', () => {
  it('returns an identical copy at the same size (PIL shortcut)', () => {
    const img = testImage(9, 5, 1);
    const out = resizeBilinear(img, 9, 5);
    expect(out.data).toEqual(img.data);
    expect(out.data).not.toBe(img.data);
  });

  const pil = hasPil();
  const cases: [number, number, number, number][] = [
    [80, 64, 53, 42], // down both
    [64, 80, 107, 133], // up both
    [37, 23, 111, 23], // width only, up (no vertical pass)
    [50, 61, 50, 17], // height only, down (no horizontal pass)
    [123, 77, 64, 113], // down in x, up in y
    [3, 2, 800, 533], // extreme upscale
    [640, 480, 7, 5], // extreme downscale (wide support)
    [1, 1, 5, 3],
    [333, 500, 128, 192], // a typical eval-resize ratio
  ];
  it.skipIf(!pil)(`is bit-exact with PIL 9.4 Image.resize(BILINEAR)${pil ? '' : ` (${skipReason('PIL parity', 'no /usr/bin/python3 with PIL')})`}`, () => {
    cases.forEach(([w, h, ow, oh], i) => {
      const img = testImage(w, h, 100 + i);
      const ours = resizeBilinear(img, ow, oh);
      const ref = pilResizeBilinear(img.data, w, h, ow, oh);
      expect(ours.width).toBe(ow);
      expect(ours.height).toBe(oh);
      let diff = 0;
      for (let k = 0; k < ref.length; k++) if (ours.data[k] !== ref[k]) diff++;
      expect({ size: `${w}x${h}->${ow}x${oh}`, diff }).toEqual({ size: `${w}x${h}->${ow}x${oh}`, diff: 0 });
    });
  });
});
