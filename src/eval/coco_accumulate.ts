/**
 * COCOeval.accumulate: per category, area range, maxDets and IoU threshold, the precision at the
 * 101 recall thresholds (monotone envelope, np.searchsorted 'left') and the final recall.
 *
 * One sort per category serves every area range and maxDets: detections of a category lie in
 * (image, rank) order, which is the order pycocotools concatenates them in, so sorting indices by
 * score (highest first, ties by position) is numpy's stable mergesort; keeping only rank < maxDet
 * from that order is the same as sorting the cut lists. Ignored detections add nothing to either
 * cumulative count, so they are skipped: the precision/recall curve keeps the same points.
 */
import { IGNORED, TRUE_POSITIVE, type Evaluated } from './coco_evaluate_img';
import { AREA_RNG, IOU_THRS, MAX_DETS, REC_THRS } from './coco_params';

export interface Accumulated {
  /** [T, R, K, A, M]; -1 where the category has no (non-ignored) ground truth in the range */
  precision: Float64Array;
  /** [T, K, A, M]; -1 likewise */
  recall: Float64Array;
  dims: { T: number; R: number; K: number; A: number; M: number };
}

const EPS = 2.220446049250313e-16; // np.spacing(1)

export function accumulate(ev: Evaluated): Accumulated {
  const { index, dtFlag, npig } = ev;
  const { dtStart, dtScore, dtRank } = index;
  const I = index.imgIds.length;
  const K = index.catIds.length;
  const T = IOU_THRS.length;
  const R = REC_THRS.length;
  const A = AREA_RNG.length;
  const M = MAX_DETS.length;
  const ND = dtScore.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);

  let order = new Int32Array(0);
  let flags = new Uint8Array(0); // [n] flags of the sorted detections for one (a, t)
  let pr = new Float64Array(0);
  let rc = new Float64Array(0);
  const byScore = (x: number, y: number) => {
    const sx = dtScore[x];
    const sy = dtScore[y];
    return sx > sy ? -1 : sx < sy ? 1 : x - y;
  };

  for (let k = 0; k < K; k++) {
    const s = dtStart[k * I];
    const n = dtStart[(k + 1) * I] - s;
    if (order.length < n) {
      order = new Int32Array(2 * n);
      flags = new Uint8Array(2 * n);
      pr = new Float64Array(2 * n);
      rc = new Float64Array(2 * n);
    }
    const sorted = order.subarray(0, n);
    for (let p = 0; p < n; p++) sorted[p] = s + p;
    sorted.sort(byScore);

    for (let a = 0; a < A; a++) {
      const np = npig[k * A + a];
      if (np === 0) continue; // no ground truth in range: stays -1
      for (let t = 0; t < T; t++) {
        const base = (a * T + t) * ND;
        for (let p = 0; p < n; p++) flags[p] = dtFlag[base + sorted[p]];
        for (let m = 0; m < M; m++) {
          const maxDet = MAX_DETS[m];
          let tp = 0;
          let fp = 0;
          let nd = 0;
          for (let p = 0; p < n; p++) {
            const f = flags[p];
            if (f === IGNORED || dtRank[sorted[p]] >= maxDet) continue;
            if (f === TRUE_POSITIVE) tp++;
            else fp++;
            rc[nd] = tp / np;
            pr[nd] = tp / (fp + tp + EPS);
            nd++;
          }
          const kam = (k * A + a) * M + m;
          recall[t * K * A * M + kam] = nd ? rc[nd - 1] : 0;
          for (let p = nd - 1; p > 0; p--) if (pr[p] > pr[p - 1]) pr[p - 1] = pr[p];
          // q[r] = pr[first p with rc[p] >= REC_THRS[r]]; 0 once past the end
          const out = t * R * K * A * M + kam; // + r * K * A * M
          const stride = K * A * M;
          let p = 0;
          for (let r = 0; r < R; r++) {
            const thr = REC_THRS[r];
            while (p < nd && rc[p] < thr) p++;
            precision[out + r * stride] = p < nd ? pr[p] : 0;
          }
        }
      }
    }
  }
  return { precision, recall, dims: { T, R, K, A, M } };
}
