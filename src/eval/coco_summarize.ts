/**
 * COCOeval.summarize for bbox: the 12 stats as means of the precision / recall entries that are
 * not -1, and per-category AP (precision[:, :, k, all, 100] likewise, as Detectron2 reports it).
 * Means sum the entries in C order as np.mean does (pairwise within 8192-element chunks, chunks
 * added in order), so they match pycocotools bit for bit rather than to rounding.
 */
import type { Accumulated } from './coco_accumulate';
import type { CocoIndex } from './coco_index';
import { AREA_LBL, IOU_THRS, MAX_DETS, type AreaLabel } from './coco_params';
import type { CocoSummary } from './coco_types';

/** numpy's pairwise_sum for float64 (8-way unrolled blocks of <= 128, halves above). */
export function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const p = start + i;
      r0 += a[p]; r1 += a[p + 1]; r2 += a[p + 2]; r3 += a[p + 3];
      r4 += a[p + 4]; r5 += a[p + 5]; r6 += a[p + 6]; r7 += a[p + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** np.add.reduce on a float64 vector: pairwise sums of 8192-element chunks (the ufunc buffer), added in order. */
export function numpySum(a: Float64Array, n: number): number {
  let res = 0;
  for (let s = 0; s < n; s += 8192) res += pairwiseSum(a, s, Math.min(8192, n - s));
  return res;
}

/** np.mean(s[s > -1]) or -1 when nothing is left. */
function meanValid(values: Float64Array, n: number): number {
  return n === 0 ? -1 : numpySum(values, n) / n;
}

export function summarize(acc: Accumulated, index: CocoIndex): CocoSummary {
  const { precision, recall, dims } = acc;
  const { T, R, K, A, M } = dims;
  const buf = new Float64Array(T * R * K);

  /** pycocotools _summarize(ap, iouThr, areaRng, maxDets). */
  const stat = (ap: boolean, iouThr: number | null, area: AreaLabel, maxDets: number, onlyCat = -1): number => {
    const a = AREA_LBL.indexOf(area);
    const m = (MAX_DETS as readonly number[]).indexOf(maxDets);
    const ts: number[] = [];
    for (let t = 0; t < T; t++) if (iouThr === null || IOU_THRS[t] === iouThr) ts.push(t);
    let n = 0;
    for (const t of ts) {
      if (ap) {
        for (let r = 0; r < R; r++) {
          for (let k = 0; k < K; k++) {
            if (onlyCat >= 0 && k !== onlyCat) continue;
            const v = precision[(((t * R + r) * K + k) * A + a) * M + m];
            if (v > -1) buf[n++] = v;
          }
        }
      } else {
        for (let k = 0; k < K; k++) {
          const v = recall[((t * K + k) * A + a) * M + m];
          if (v > -1) buf[n++] = v;
        }
      }
    }
    return meanValid(buf, n);
  };

  const stats = [
    stat(true, null, 'all', 100),
    stat(true, 0.5, 'all', 100),
    stat(true, 0.75, 'all', 100),
    stat(true, null, 'small', 100),
    stat(true, null, 'medium', 100),
    stat(true, null, 'large', 100),
    stat(false, null, 'all', 1),
    stat(false, null, 'all', 10),
    stat(false, null, 'all', 100),
    stat(false, null, 'small', 100),
    stat(false, null, 'medium', 100),
    stat(false, null, 'large', 100),
  ];
  const perCategory = index.catIds.map((id, k) => ({ id, name: index.catNames[k], ap: stat(true, null, 'all', 100, k) }));
  return { stats, perCategory, warnings: [...index.warnings] };
}
