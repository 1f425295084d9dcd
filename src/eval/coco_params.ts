/**
 * COCOeval's default bbox parameters (pycocotools Params.setDetParams), with the thresholds built
 * the way np.linspace builds them (i * step + start, last = stop) so they are the same doubles:
 * a match needs IoU >= the threshold, and AP50 / AP75 pick their threshold by exact equality.
 */

function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** .50:.05:.95, T = 10 */
export const IOU_THRS = linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1);
/** 0:.01:1, R = 101 */
export const REC_THRS = linspace(0, 1, Math.round((1 - 0) / 0.01) + 1);
/** ascending, M = 3 */
export const MAX_DETS = [1, 10, 100] as const;
/** [lo, hi] on the ground truth's area field, both ends inclusive, A = 4 */
export const AREA_RNG: readonly (readonly [number, number])[] = [[0, 1e10], [0, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e10]];
export const AREA_LBL = ['all', 'small', 'medium', 'large'] as const;
export type AreaLabel = (typeof AREA_LBL)[number];
