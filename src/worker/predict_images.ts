/**
 * The Predictions panel's detections: the model in eval mode (evaluation resize to the config's
 * min_size / max_size, PostProcess), one image per forward so that no padding from a neighbour
 * changes an image's result. Dropped images come as bytes; validation images are read from the
 * stored dataset and go back with their bytes and ground truth, to be drawn side by side.
 */
import type { DetrConfig } from '../config/config';
import { collate } from '../data/collate';
import type { Dataset } from '../data/dataset';
import type { ImageDecoder } from '../data/ports';
import { prepareTarget } from '../data/target';
import { evalTransform } from '../data/transforms';
import { predictDetections } from '../engine/inference';
import { toCocoResults } from '../eval/coco_results';
import type { DETR } from '../model/detr';
import type { Detection, PredictionResult } from './protocol';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

const MIME: Readonly<Record<string, string>> = Object.freeze({ png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' });

export function mimeOf(fileName: string): string {
  return MIME[fileName.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

/** Detections of one decoded image scoring at least `threshold`, best first. */
async function detect(model: DETR, cfg: Pick<DetrConfig, 'min_size' | 'max_size'>, decoder: ImageDecoder, img: NamedBytes, threshold: number, names: ReadonlyMap<number, string>) {
  const rgb = await decoder.decode(img.bytes, img.name);
  const sample = evalTransform(cfg.min_size, cfg.max_size)(rgb, prepareTarget(0, [], rgb.width, rgb.height).target);
  const [dets] = await predictDetections(model, collate([sample]));
  const detections: Detection[] = toCocoResults(0, dets, { minScore: threshold })
    .map(({ category_id, bbox, score }): Detection => ({ category_id, bbox: bbox as Detection['bbox'], score, ...named(names, category_id) }))
    .sort((a, b) => b.score - a.score);
  return { width: rgb.width, height: rgb.height, detections };
}

/** `{name}` when the category has one. */
function named(names: ReadonlyMap<number, string>, id: number): { name?: string } {
  const name = names.get(id);
  return name === undefined ? {} : { name };
}

/** Category id -> name, from the dataset the run trains on. */
export function categoryNames(ds: Pick<Dataset, 'categories'>): Map<number, string> {
  return new Map(ds.categories.map((c) => [c.id, c.name]));
}

/** Images the user chose (any size, any format the decoder reads); `names` labels the categories. */
export async function predictImages(model: DETR, cfg: DetrConfig, decoder: ImageDecoder, images: readonly NamedBytes[], threshold: number, names: ReadonlyMap<number, string> = new Map()): Promise<PredictionResult[]> {
  const out: PredictionResult[] = [];
  for (const img of images) out.push({ fileName: img.name, ...(await detect(model, cfg, decoder, img, threshold, names)) });
  return out;
}

/** The first `count` images of `ds` (ascending image id) with their stored bytes and non-crowd annotations. */
export async function predictDatasetImages(model: DETR, cfg: DetrConfig, decoder: ImageDecoder, ds: Dataset, count: number, threshold: number): Promise<PredictionResult[]> {
  const out: PredictionResult[] = [];
  for (const im of ds.images.slice(0, Math.max(0, count))) {
    const bytes = await ds.source.read(im.path);
    const names = categoryNames(ds);
    const result = await detect(model, cfg, decoder, { name: im.file_name, bytes }, threshold, names);
    const groundTruth = (ds.annotations.get(im.id) ?? [])
      .filter((a) => a.iscrowd === 0)
      .map((a) => ({ category_id: a.category_id, bbox: [...a.bbox] as [number, number, number, number], ...named(names, a.category_id) }));
    out.push({ fileName: im.file_name, ...result, image: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeOf(im.file_name) }), groundTruth });
  }
  return out;
}
