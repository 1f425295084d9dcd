/**
 * Validates the ground truth and the detections and lays them out in typed arrays grouped by
 * (category, image): what pycocotools' COCO(), loadRes() and COCOeval._prepare() build as dicts.
 *
 * Group g = k * I + i for category index k (ids ascending) and image index i (ids ascending).
 * Ground truths keep the annotation file order within a group; detections are sorted by score,
 * highest first, ties in results-file order (numpy's stable mergesort on -score), and cut to the
 * best maxDet per group, as computeIoU/evaluateImg do. Each annotation is evaluated as itself,
 * whatever its id (pycocotools looks annotations up by id; see coco_eval.ts for what that breaks);
 * annotation id 0 is marked, for pycocotools' treatment of its matches.
 */
import type { CocoDetection, CocoGroundTruth } from './coco_types';

export interface CocoIndex {
  imgIds: number[]; // [I] ascending
  catIds: number[]; // [K] ascending
  catNames: string[]; // [K]
  gtStart: Int32Array; // [K*I+1] group g holds ground truths gtStart[g] .. gtStart[g+1]-1
  gtBox: Float64Array; // [NG, 4] x, y, w, h
  gtArea: Float64Array; // [NG] the annotation's area field
  gtCrowd: Uint8Array; // [NG]
  gtIdZero: Uint8Array; // [NG] 1 for annotation id 0 (pycocotools never counts its match, see coco_eval.ts)
  dtStart: Int32Array; // [K*I+1] as gtStart
  dtBox: Float64Array; // [ND, 4] x, y, w, h (negative sizes clamped to 0)
  dtArea: Float64Array; // [ND] w * h
  dtScore: Float64Array; // [ND]
  dtRank: Int32Array; // [ND] position in its group, 0 = best score
  warnings: string[];
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function isBox(b: unknown): b is number[] {
  return Array.isArray(b) && b.length === 4 && b.every(isNum);
}

/** id -> index for an ascending unique list of ids; warns about duplicates. */
function sortedIds(list: { id: number }[], what: string, warnings: string[]): { ids: number[]; pos: Map<number, number>; first: Map<number, number> } {
  const first = new Map<number, number>(); // id -> first entry
  list.forEach((e, n) => {
    if (!isNum(e?.id)) throw new Error(`ground truth ${what}[${n}]: id must be a number, got ${JSON.stringify(e?.id)}`);
    if (!first.has(e.id)) first.set(e.id, n);
  });
  if (first.size < list.length) warnings.push(`${list.length - first.size} ${what} repeat an id; each id is kept once`);
  const ids = [...first.keys()].sort((a, b) => a - b);
  return { ids, pos: new Map(ids.map((id, k) => [id, k])), first };
}

export function buildCocoIndex(gt: CocoGroundTruth, dts: CocoDetection[], maxDet: number): CocoIndex {
  const warnings: string[] = [];
  for (const key of ['images', 'annotations', 'categories'] as const) {
    if (!Array.isArray(gt?.[key])) throw new Error(`ground truth: "${key}" must be an array`);
  }
  if (!Array.isArray(dts)) throw new Error('detections must be an array of {image_id, category_id, bbox, score}');
  const imgs = sortedIds(gt.images, 'images', warnings);
  const cats = sortedIds(gt.categories, 'categories', warnings);
  const I = imgs.ids.length;
  const K = cats.ids.length;
  const catNames = cats.ids.map((id) => String(gt.categories[cats.first.get(id)!].name ?? id));

  // ---- ground truths: validate, key by group, counting sort (stable: file order within a group)
  const anns = gt.annotations;
  const gtKey = new Int32Array(anns.length);
  const gtCount = new Int32Array(K * I + 1);
  const seenIds = new Set<number>();
  let dupIds = 0;
  let unknownImg = 0;
  let unknownCat = 0;
  for (let n = 0; n < anns.length; n++) {
    const a = anns[n];
    const where = `ground truth annotation #${n} (id ${JSON.stringify(a?.id)})`;
    if (!isNum(a?.id)) throw new Error(`${where}: id must be a number`);
    if (!isBox(a.bbox)) throw new Error(`${where}: bbox must be 4 finite numbers [x, y, w, h], got ${JSON.stringify(a.bbox)}`);
    if (!isNum(a.area)) throw new Error(`${where}: area must be a finite number, got ${JSON.stringify(a.area)}`);
    if (seenIds.has(a.id)) dupIds++;
    seenIds.add(a.id);
    const i = imgs.pos.get(a.image_id);
    const k = cats.pos.get(a.category_id);
    if (i === undefined) unknownImg++;
    else if (k === undefined) unknownCat++;
    gtKey[n] = i === undefined || k === undefined ? -1 : k * I + i;
    if (gtKey[n] >= 0) gtCount[gtKey[n] + 1]++;
  }
  if (dupIds) warnings.push(`${dupIds} ground-truth annotations repeat an earlier annotation id; each is evaluated as itself (pycocotools would count the last one with that id twice)`);
  if (unknownImg) warnings.push(`${unknownImg} ground-truth annotations name an image_id not in "images"; skipped, as pycocotools does`);
  if (unknownCat) warnings.push(`${unknownCat} ground-truth annotations name a category_id not in "categories"; skipped, as pycocotools does`);
  const gtStart = prefixSum(gtCount);
  const NG = gtStart[K * I];
  const gtBox = new Float64Array(NG * 4);
  const gtArea = new Float64Array(NG);
  const gtCrowd = new Uint8Array(NG);
  const gtIdZero = new Uint8Array(NG);
  const fill = gtStart.slice(0, K * I);
  for (let n = 0; n < anns.length; n++) {
    if (gtKey[n] < 0) continue;
    const p = fill[gtKey[n]]++;
    const a = anns[n];
    gtBox.set(a.bbox, p * 4);
    gtArea[p] = a.area;
    gtCrowd[p] = a.iscrowd ? 1 : 0;
    gtIdZero[p] = a.id === 0 ? 1 : 0;
  }
  if (gtIdZero.includes(1)) warnings.push('annotation id 0: as in pycocotools (and so in the official DETR\'s numbers), a detection matched to it counts as a false positive; number annotations from 1 to count it');

  // ---- detections: validate, counting sort by group, then sort each group by score
  const dtKey = new Int32Array(dts.length);
  const dtCount = new Int32Array(K * I + 1);
  let unknownDtCat = 0;
  let negative = 0;
  for (let n = 0; n < dts.length; n++) {
    const d = dts[n];
    const where = `detection #${n}`;
    const i = imgs.pos.get(d?.image_id);
    if (i === undefined) throw new Error(`${where}: image_id ${JSON.stringify(d?.image_id)} is not an image of the ground truth`);
    if (!isBox(d.bbox)) throw new Error(`${where}: bbox must be 4 finite numbers [x, y, w, h], got ${JSON.stringify(d.bbox)}`);
    if (!isNum(d.score)) throw new Error(`${where}: score must be a finite number, got ${JSON.stringify(d.score)}`);
    if (d.bbox[2] < 0 || d.bbox[3] < 0) negative++;
    const k = cats.pos.get(d.category_id);
    if (k === undefined) unknownDtCat++;
    dtKey[n] = k === undefined ? -1 : k * I + i;
    if (dtKey[n] >= 0) dtCount[dtKey[n] + 1]++;
  }
  if (unknownDtCat) warnings.push(`${unknownDtCat} detections name a category_id not in the ground truth's categories; skipped, as pycocotools does`);
  if (negative) warnings.push(`${negative} detections have a negative width or height; counted as empty boxes (false positives), where pycocotools drops them`);
  const allStart = prefixSum(dtCount);
  const order = new Int32Array(allStart[K * I]); // detection indices by group, results-file order
  const at = allStart.slice(0, K * I);
  for (let n = 0; n < dts.length; n++) if (dtKey[n] >= 0) order[at[dtKey[n]]++] = n;

  const score = (n: number) => dts[n].score;
  const byScore = (a: number, b: number) => {
    const sa = score(a);
    const sb = score(b);
    return sa > sb ? -1 : sa < sb ? 1 : a - b; // highest first; ties keep file order
  };
  const dtStart = new Int32Array(K * I + 1);
  for (let g = 0; g < K * I; g++) {
    const s = allStart[g];
    const e = allStart[g + 1];
    if (e - s > 1) order.subarray(s, e).sort(byScore);
    dtStart[g + 1] = dtStart[g] + Math.min(e - s, maxDet);
  }
  const ND = dtStart[K * I];
  const dtBox = new Float64Array(ND * 4);
  const dtArea = new Float64Array(ND);
  const dtScore = new Float64Array(ND);
  const dtRank = new Int32Array(ND);
  for (let g = 0; g < K * I; g++) {
    const s = allStart[g];
    for (let r = 0, p = dtStart[g]; p < dtStart[g + 1]; r++, p++) {
      const d = dts[order[s + r]];
      const w = Math.max(0, d.bbox[2]);
      const h = Math.max(0, d.bbox[3]);
      dtBox[p * 4] = d.bbox[0];
      dtBox[p * 4 + 1] = d.bbox[1];
      dtBox[p * 4 + 2] = w;
      dtBox[p * 4 + 3] = h;
      dtArea[p] = w * h;
      dtScore[p] = d.score;
      dtRank[p] = r;
    }
  }
  return { imgIds: imgs.ids, catIds: cats.ids, catNames, gtStart, gtBox, gtArea, gtCrowd, gtIdZero, dtStart, dtBox, dtArea, dtScore, dtRank, warnings };
}

/** counts[g + 1] = size of group g  ->  start offsets (in place). */
function prefixSum(counts: Int32Array): Int32Array {
  for (let g = 1; g < counts.length; g++) counts[g] += counts[g - 1];
  return counts;
}
