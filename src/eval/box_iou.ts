/**
 * IoU between detection and ground-truth boxes, [x, y, w, h], as pycocotools' maskApi.c bbIou
 * computes it (the same float64 operations in the same order, so results are bit-identical).
 * For a crowd ground truth the union is the detection's own area: the IoU is then the fraction
 * of the detection that lies inside the crowd region.
 */

/**
 * Fills out[d * nGt + g] (a [nDt, nGt] row-major block) with IoU(dt d, gt g).
 * @param dtBox boxes of detections dt0 .. dt0+nDt-1, 4 numbers each
 * @param gtBox boxes of ground truths gt0 .. gt0+nGt-1, 4 numbers each
 * @param gtCrowd crowd flag per ground truth (same indexing as gtBox)
 */
export function boxIou(
  dtBox: Float64Array, dt0: number, nDt: number,
  gtBox: Float64Array, gtCrowd: Uint8Array, gt0: number, nGt: number,
  out: Float64Array,
): void {
  for (let g = 0; g < nGt; g++) {
    const q = (gt0 + g) * 4;
    const gx = gtBox[q];
    const gy = gtBox[q + 1];
    const gw = gtBox[q + 2];
    const gh = gtBox[q + 3];
    const ga = gw * gh;
    const crowd = gtCrowd[gt0 + g] !== 0;
    for (let d = 0; d < nDt; d++) {
      const p = (dt0 + d) * 4;
      const dx = dtBox[p];
      const dy = dtBox[p + 1];
      const dw = dtBox[p + 2];
      const dh = dtBox[p + 3];
      let o = 0;
      const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
      if (w > 0) {
        const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (h > 0) {
          const da = dw * dh;
          const i = w * h;
          const u = crowd ? da : da + ga - i;
          o = i / u;
        }
      }
      out[d * nGt + g] = o;
    }
  }
}
