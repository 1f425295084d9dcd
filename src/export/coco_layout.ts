/**
 * A dataset in the layout the official datasets/coco.py build() reads:
 *
 *   <coco_path>/train2017/<file_name>                      images, as stored (bytes copied unchanged)
 *   <coco_path>/val2017/<file_name>
 *   <coco_path>/annotations/instances_{train,val}2017.json
 *
 * The annotations are written normalised: every image the run used (ascending id), every annotation
 * with the fields ConvertCocoPolysToMask and pycocotools read (id, image_id, category_id, bbox, area,
 * iscrowd), the categories. A file_name that is not a plain relative path (absolute, `..`, backslashes)
 * is replaced by `<id>_<base name>` so that nothing lands outside the split's folder.
 */
import type { Dataset } from '../data/dataset';

export type OfficialSplit = 'train' | 'val';

export interface SplitFiles {
  /** Path of the annotations file under coco_path. */
  annotationsPath: string;
  annotations: object;
  /** Images to copy: `from` in the dataset's source, `to` under coco_path. */
  images: { from: string; to: string }[];
}

/** A file name that stays inside its folder. */
function safeFileName(fileName: string, id: number): string {
  const parts = fileName.split('/');
  const plain = fileName !== '' && !fileName.startsWith('/') && !fileName.includes('\\') && !/^[A-Za-z]:/.test(fileName) && parts.every((p) => p !== '' && p !== '.' && p !== '..');
  if (plain) return fileName;
  const base = fileName.split(/[\\/]/).filter(Boolean).pop() ?? 'image';
  return `${id}_${base.replace(/^\.+/, '')}`;
}

export function officialSplit(ds: Dataset, split: OfficialSplit): SplitFiles {
  const folder = `${split}2017`;
  const seen = new Set<string>();
  const images = ds.images.map((im) => {
    let name = safeFileName(im.file_name, im.id);
    if (seen.has(name.toLowerCase())) name = `${im.id}_${name.split('/').pop()}`;
    seen.add(name.toLowerCase());
    return { im, name };
  });
  let nextId = 1;
  for (const anns of ds.annotations.values()) for (const a of anns) nextId = Math.max(nextId, a.id + 1);
  const usedIds = new Set<number>();
  const annotations = images.flatMap(({ im }) =>
    (ds.annotations.get(im.id) ?? []).map((a) => {
      // pycocotools indexes annotations by id: keep them unique.
      const id = usedIds.has(a.id) ? nextId++ : a.id;
      usedIds.add(id);
      return { id, image_id: a.image_id, category_id: a.category_id, bbox: [...a.bbox], area: a.area, iscrowd: a.iscrowd };
    }),
  );
  return {
    annotationsPath: `annotations/instances_${split}2017.json`,
    annotations: {
      info: { description: `${ds.name} (${split}), exported by detr-studio`, version: '1' },
      licenses: [],
      images: images.map(({ im, name }) => ({ id: im.id, file_name: name, ...(im.width !== null ? { width: im.width } : {}), ...(im.height !== null ? { height: im.height } : {}) })),
      annotations,
      categories: ds.categories.map((c) => ({ ...c })),
    },
    images: images.map(({ im, name }) => ({ from: im.path, to: `${folder}/${name}` })),
  };
}
