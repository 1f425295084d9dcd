/**
 * COCOeval.evaluate / evaluateImg for bbox: for every (category, image) group the IoUs are
 * computed once, then each area range and IoU threshold runs pycocotools' greedy matching
 * (detections by score; ground truths not ignored first; a match needs IoU >= threshold and the
 * best IoU wins, later ground truth on ties; crowd regions can absorb any number of detections).
 * A match to annotation id 0 is scored as pycocotools scores it: its `dtm` holds the id 0, which
 * reads as "unmatched", so the detection is a false positive (ignored when outside the area range),
 * while the ground truth is used up.
 */
import { boxIou } from './box_iou';
import type { CocoIndex } from './coco_index';
import { AREA_RNG, IOU_THRS } from './coco_params';

/** Per-detection outcome of evaluate(), one byte per (area range, IoU threshold, detection). */
export const FALSE_POSITIVE = 0;
export const TRUE_POSITIVE = 1;
export const IGNORED = 2;

/** What evaluate() hands to accumulate(). */
export interface Evaluated {
  index: CocoIndex;
  /** [A, T, ND] FALSE_POSITIVE / TRUE_POSITIVE / IGNORED for each kept detection */
  dtFlag: Uint8Array;
  /** [K, A] ground truths that are not ignored, per category and area range */
  npig: Int32Array;
}

/** COCOeval.evaluate + evaluateImg over every (category, image) group, with typed scratch space. */
export function evaluateImages(index: CocoIndex): Evaluated {
  const { gtStart, dtStart, gtBox, gtArea, gtCrowd, gtIdZero, dtBox, dtArea } = index;
  const I = index.imgIds.length;
  const K = index.catIds.length;
  const A = AREA_RNG.length;
  const T = IOU_THRS.length;
  const ND = dtArea.length;
  const dtFlag = new Uint8Array(A * T * ND);
  const npig = new Int32Array(K * A);
  const thr = IOU_THRS.map((t) => Math.min(t, 1 - 1e-10));

  let ious = new Float64Array(256); // [D, G] of the current group
  let gtIg = new Uint8Array(16); // [G] ignore flag in the current area range
  let gtOrder = new Int32Array(16); // [G] not-ignored first, stable (pycocotools' mergesort on _ignore)
  let gtUsed = new Uint8Array(16); // [G] matched at the current threshold

  for (let k = 0; k < K; k++) {
    for (let i = 0; i < I; i++) {
      const g = k * I + i;
      const g0 = gtStart[g];
      const G = gtStart[g + 1] - g0;
      const d0 = dtStart[g];
      const D = dtStart[g + 1] - d0;
      if (G === 0 && D === 0) continue;
      if (G > gtIg.length) {
        gtIg = new Uint8Array(2 * G);
        gtOrder = new Int32Array(2 * G);
        gtUsed = new Uint8Array(2 * G);
      }
      if (D * G > ious.length) ious = new Float64Array(2 * D * G);
      if (G > 0 && D > 0) boxIou(dtBox, d0, D, gtBox, gtCrowd, g0, G, ious);

      for (let a = 0; a < A; a++) {
        const lo = AREA_RNG[a][0];
        const hi = AREA_RNG[a][1];
        let nKept = 0;
        for (let j = 0; j < G; j++) {
          const area = gtArea[g0 + j];
          const ig = gtCrowd[g0 + j] !== 0 || area < lo || area > hi;
          gtIg[j] = ig ? 1 : 0;
          if (!ig) gtOrder[nKept++] = j;
        }
        npig[k * A + a] += nKept;
        for (let j = 0, n = nKept; j < G; j++) if (gtIg[j]) gtOrder[n++] = j;

        for (let t = 0; t < T; t++) {
          const base = (a * T + t) * ND + d0;
          gtUsed.fill(0, 0, G);
          for (let d = 0; d < D; d++) {
            let best = thr[t];
            let m = -1;
            const row = d * G;
            for (let o = 0; o < G; o++) {
              const j = gtOrder[o];
              if (gtUsed[j] && !gtCrowd[g0 + j]) continue; // taken, and not a crowd region
              if (m > -1 && !gtIg[m] && gtIg[j]) break; // have a real match; only ignored ones left
              const v = ious[row + j];
              if (v < best) continue;
              best = v; // ties go to the later ground truth, as in pycocotools
              m = j;
            }
            if (m >= 0 && !(gtIdZero[g0 + m] && !gtIg[m])) {
              gtUsed[m] = 1;
              dtFlag[base + d] = gtIg[m] ? IGNORED : TRUE_POSITIVE;
            } else {
              if (m >= 0) gtUsed[m] = 1; // annotation id 0: used up, yet its detection reads as unmatched
              const area = dtArea[d0 + d];
              dtFlag[base + d] = area < lo || area > hi ? IGNORED : FALSE_POSITIVE;
            }
          }
        }
      }
    }
  }
  return { index, dtFlag, npig };
}
