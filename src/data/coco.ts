/**
 * A COCO detection dataset as DETR reads it: pycocotools' COCO(annotation_file) indexes images,
 * annotations and categories, and torchvision's CocoDetection visits images in ascending image id
 * (`self.ids = sorted(self.coco.imgs.keys())`) with each image's annotations in file order.
 *
 * `parseCoco` validates every entry and keeps what DETR can train on, with one warning per skipped or
 * suspicious entry. Where pycocotools would crash (a missing bbox, a null in it) the entry is skipped;
 * where DETR silently drops a box (zero or negative size, crowd) it is kept here (eval needs crowd boxes)
 * and dropped by `prepareTarget`, exactly as DETR does. Duplicate ids: the first entry wins (pycocotools
 * would keep the last image and read an annotation id's last entry for every use of that id).
 * IDs may be 0 (Roboflow exports start at 0): 0 is never "missing".
 */
import { describeJsonValue, jsonNumber, readJsonText } from './coco_json';
import { DatasetError, WarningList, type DatasetWarning } from './errors';

export interface CocoImage {
  id: number;
  /** As written in the file (may hold sub-folders). */
  file_name: string;
  /** From the file; DETR uses the decoded size instead (they are checked against it when read). */
  width: number | null;
  height: number | null;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  /** [x, y, w, h] in pixels of the stored image, as written (finite). */
  bbox: [number, number, number, number];
  area: number;
  iscrowd: 0 | 1;
}

export interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
}

export interface CocoDataset {
  /** The annotations file's name, for messages. */
  source: string;
  /** Usable image entries in ascending id (CocoDetection.ids order). */
  images: CocoImage[];
  /** image id -> its annotations in file order (every image id of `images` has an entry). */
  annotations: Map<number, CocoAnnotation[]>;
  /** In file order. */
  categories: CocoCategory[];
  /** DETR's num_classes for this data: max category id (categories and annotations) + 1. */
  numClasses: number;
  warnings: DatasetWarning[];
}

/** Parses and validates annotations JSON text (or bytes). Throws DatasetError when it cannot be used. */
export function parseCocoText(text: string, source: string): CocoDataset {
  return parseCoco(readJsonText(text, source), source);
}

export function parseCoco(raw: unknown, source: string): CocoDataset {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Array.isArray((raw as { images?: unknown }).images)) {
    throw new DatasetError(
      `${source}: not a COCO annotations file: expected an object with "images", "annotations" and "categories" arrays, got ${describeJsonValue(raw)}`,
    );
  }
  const obj = raw as Record<string, unknown>;
  const warnings = new WarningList();
  const images = readImages(obj.images as unknown[], warnings);
  if (images.length === 0) {
    const n = (obj.images as unknown[]).length;
    throw new DatasetError(`${source}: no usable image (the "images" array has ${n} entr${n === 1 ? 'y' : 'ies'}${n ? ', none with an integer id and a file_name' : ''})`);
  }
  const categories = readCategories(obj.categories, warnings);
  const annotations = readAnnotations(obj.annotations, images, categories, warnings);
  let maxId = -1;
  for (const c of categories) maxId = Math.max(maxId, c.id);
  for (const list of annotations.values()) for (const a of list) maxId = Math.max(maxId, a.category_id);
  return { source, images, annotations, categories, numClasses: maxId + 1, warnings: warnings.items };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function readImages(entries: unknown[], warnings: WarningList): CocoImage[] {
  const byId = new Map<number, CocoImage>();
  const byFile = new Map<string, number>();
  entries.forEach((e, i) => {
    const where = `image entry #${i}`;
    if (!isObject(e)) return warnings.add('bad-image-entry', `${where} is ${describeJsonValue(e)}, not an object: skipped`);
    const name = typeof e.file_name === 'string' ? e.file_name : null;
    if (!isInt(e.id)) {
      return warnings.add('bad-image-entry', `${name ?? where}: image id ${JSON.stringify(e.id) ?? 'missing'} is not an integer: skipped`, name ? { file_name: name } : {});
    }
    if (!name || name.trim() === '') {
      return warnings.add('bad-image-entry', `image id ${e.id}: no file_name: skipped`, { image_id: e.id });
    }
    if (byId.has(e.id)) {
      return warnings.add('duplicate-image-id', `${name}: image id ${e.id} is already used by ${byId.get(e.id)!.file_name}: skipped`, { file_name: name, image_id: e.id });
    }
    if (byFile.has(name)) {
      warnings.add('duplicate-file-name', `${name}: listed for image ids ${byFile.get(name)} and ${e.id}`, { file_name: name, image_id: e.id });
    } else {
      byFile.set(name, e.id);
    }
    const dim = (v: unknown) => (isInt(v) && v > 0 ? v : null);
    byId.set(e.id, { id: e.id, file_name: name, width: dim(e.width), height: dim(e.height) });
  });
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function readCategories(raw: unknown, warnings: WarningList): CocoCategory[] {
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
    warnings.add('no-categories', 'no categories listed: class indices are the annotations\' category ids');
    return [];
  }
  if (!Array.isArray(raw)) {
    warnings.add('no-categories', `"categories" is ${describeJsonValue(raw)}, not an array: ignored`);
    return [];
  }
  const out: CocoCategory[] = [];
  const seen = new Set<number>();
  raw.forEach((c, i) => {
    if (!isObject(c) || !isInt(c.id) || c.id < 0) {
      return warnings.add('bad-category-entry', `category entry #${i} has no non-negative integer id: ignored`);
    }
    if (seen.has(c.id)) return warnings.add('duplicate-category-id', `category id ${c.id} is listed twice: the first entry is used`);
    seen.add(c.id);
    const cat: CocoCategory = { id: c.id, name: typeof c.name === 'string' ? c.name : String(c.id) };
    if (typeof c.supercategory === 'string') cat.supercategory = c.supercategory;
    out.push(cat);
  });
  return out;
}

function readAnnotations(
  raw: unknown,
  images: CocoImage[],
  categories: CocoCategory[],
  warnings: WarningList,
): Map<number, CocoAnnotation[]> {
  const byImage = new Map<number, CocoAnnotation[]>(images.map((im) => [im.id, []]));
  const fileOf = new Map(images.map((im) => [im.id, im.file_name]));
  if (raw === undefined || !Array.isArray(raw)) {
    warnings.add('no-annotations', raw === undefined ? 'no "annotations" array: every image has zero boxes' : `"annotations" is ${describeJsonValue(raw)}, not an array: ignored`);
    return byImage;
  }
  const known = new Set(categories.map((c) => c.id));
  const seen = new Set<number>();
  raw.forEach((a, i) => {
    if (!isObject(a)) return warnings.add('annotation-bad-entry', `annotation entry #${i} is ${describeJsonValue(a)}, not an object: skipped`);
    if (!isInt(a.id)) return warnings.add('annotation-bad-entry', `annotation entry #${i}: id ${JSON.stringify(a.id) ?? 'missing'} is not an integer: skipped`);
    const id = a.id;
    const at = { annotation_id: id };
    if (seen.has(id)) return warnings.add('duplicate-annotation-id', `annotation id ${id} is used again (entry #${i}): skipped`, at);
    seen.add(id);
    if (!isInt(a.image_id) || !byImage.has(a.image_id)) {
      return warnings.add('annotation-unknown-image', `annotation id ${id}: image_id ${JSON.stringify(a.image_id) ?? 'missing'} names no usable image: skipped`, at);
    }
    const file = fileOf.get(a.image_id)!;
    const here = { annotation_id: id, image_id: a.image_id, file_name: file };
    const bbox = readBox(a.bbox);
    if (typeof bbox === 'string') return warnings.add('bad-box', `annotation id ${id} (${file}): bbox ${bbox}: skipped`, here);
    if (!isInt(a.category_id) || a.category_id < 0) {
      return warnings.add('bad-category-id', `annotation id ${id} (${file}): category_id ${JSON.stringify(a.category_id) ?? 'missing'} is not a non-negative integer: skipped`, here);
    }
    if (known.size > 0 && !known.has(a.category_id)) {
      warnings.add('unknown-category', `annotation id ${id} (${file}): category_id ${a.category_id} is not in "categories" (kept: DETR uses it as a class index)`, here);
    }
    const iscrowd = readCrowd(a.iscrowd);
    if (iscrowd === null) {
      warnings.add('bad-iscrowd', `annotation id ${id} (${file}): iscrowd ${JSON.stringify(a.iscrowd)} is not 0 or 1: treated as crowd (DETR trains only on iscrowd == 0)`, here);
    }
    const [, , w, h] = bbox;
    if (w < 0 || h < 0) {
      warnings.add('negative-size-box', `annotation id ${id} (${file}): bbox has a negative ${w < 0 ? 'width' : 'height'} (${w < 0 ? w : h}): never a training target`, here);
    } else if (w === 0 || h === 0) {
      warnings.add('zero-area-box', `annotation id ${id} (${file}): bbox has zero ${w === 0 ? 'width' : 'height'}: never a training target`, here);
    }
    let area = jsonNumber(a.area);
    if (area === null || !Number.isFinite(area)) {
      area = Math.abs(w * h);
      warnings.add('missing-area', `annotation id ${id} (${file}): no numeric area: using bbox w*h = ${area}`, here);
    }
    byImage.get(a.image_id)!.push({ id, image_id: a.image_id, category_id: a.category_id, bbox, area, iscrowd: iscrowd ?? 1 });
  });
  return byImage;
}

/** A bbox [x, y, w, h] of 4 finite numbers, or a description of what is wrong with it. */
function readBox(v: unknown): [number, number, number, number] | string {
  if (v === undefined) return 'is missing';
  if (!Array.isArray(v)) return `is ${describeJsonValue(v)}, not [x, y, w, h]`;
  if (v.length !== 4) return `has ${v.length} numbers, not 4`;
  const nums = v.map(jsonNumber);
  for (let k = 0; k < 4; k++) {
    const n = nums[k];
    if (n === null) return `${JSON.stringify(v)} holds ${describeJsonValue(v[k])}`;
    if (!Number.isFinite(n)) return `holds ${n}`;
  }
  return nums as [number, number, number, number];
}

/** DETR keeps `'iscrowd' not in obj or obj['iscrowd'] == 0` (False and 0.0 equal 0 in Python). */
function readCrowd(v: unknown): 0 | 1 | null {
  if (v === undefined || v === 0 || v === false) return 0;
  if (v === 1 || v === true) return 1;
  return null;
}
