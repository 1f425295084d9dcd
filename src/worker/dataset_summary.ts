/**
 * What the page shows of a validated split: the counts `detr-studio inspect` prints (usable images,
 * training boxes, categories, every warning), training boxes per category id, and a histogram of
 * training box sizes; plus the record that IndexedDB keeps of the split (dataset_idb.ts StoredSplit).
 */
import { prepareTarget } from '../data/target';
import type { ValidatedDataset } from '../data/validate';
import type { StoredSplit } from '../platform/browser/dataset_idb';
import type { DatasetChoice, DatasetSummary } from './protocol';

/** sqrt(w*h) bin edges in stored pixels; the last bin is open (COCO: small < 32, large >= 96). */
export const BOX_SIZE_EDGES = [0, 16, 32, 64, 96, 128, 256, 512] as const;

export function summarize(ds: ValidatedDataset, stored?: DatasetChoice): DatasetSummary {
  const perCategory = new Map<number, number>();
  const counts = BOX_SIZE_EDGES.map(() => 0);
  for (const im of ds.images) {
    const [w, h] = ds.storedSize.get(im.id)!;
    const { target } = prepareTarget(im.id, ds.annotations.get(im.id) ?? [], w, h);
    for (let i = 0; i < target.labels.length; i++) {
      perCategory.set(target.labels[i], (perCategory.get(target.labels[i]) ?? 0) + 1);
      const b = target.boxes.subarray(i * 4, i * 4 + 4); // clamped (x0, y0, x1, y1)
      const side = Math.sqrt((b[2] - b[0]) * (b[3] - b[1]));
      let k = BOX_SIZE_EDGES.length - 1;
      while (k > 0 && side < BOX_SIZE_EDGES[k]) k--;
      counts[k]++;
    }
  }
  for (const c of ds.categories) if (!perCategory.has(c.id)) perCategory.set(c.id, 0);
  return {
    source: ds.name,
    images: ds.images.length,
    annotations: ds.trainingBoxes,
    categories: ds.categories.map((c) => ({ id: c.id, name: c.name })),
    warnings: ds.warnings.map((w) => w.message),
    numClasses: ds.numClasses,
    ...(stored ? { stored } : {}),
    categoryCounts: [...perCategory].sort((a, b) => a[0] - b[0]).map(([id, boxes]) => ({ id, boxes })),
    boxSizes: { edges: [...BOX_SIZE_EDGES], counts },
  };
}

/** The manifest record of a validated split: usable images with their stored sizes, and annotations. */
export function storedSplit(ds: ValidatedDataset): StoredSplit {
  return {
    source: ds.name,
    annotationsPath: ds.annotationsPath,
    images: ds.images.map((im) => ({ id: im.id, file_name: im.file_name, width: im.width, height: im.height, path: im.path, stored: ds.storedSize.get(im.id)! })),
    annotations: ds.images.flatMap((im) => ds.annotations.get(im.id) ?? []),
    categories: ds.categories,
    numClasses: ds.numClasses,
    warnings: ds.warnings,
    trainingBoxes: ds.trainingBoxes,
  };
}
