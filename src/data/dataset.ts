/**
 * A COCO dataset bound to its files: the parsed annotations (coco.ts) plus, for every image, the path
 * of its file in the DatasetSource. Images whose file is missing are dropped with a warning; a dataset
 * left with no image is refused.
 */
import { parseCocoText, type CocoAnnotation, type CocoCategory, type CocoDataset, type CocoImage } from './coco';
import { decodeUtf8 } from './coco_json';
import { findAnnotations, makeResolver, type SplitName } from './discover';
import { DatasetError, type DatasetWarning } from './errors';
import type { DatasetSource } from './ports';

export interface DatasetImage extends CocoImage {
  /** The image file's path in the source. */
  path: string;
}

export interface Dataset {
  /** The source's name and the annotations path, for messages. */
  name: string;
  source: DatasetSource;
  annotationsPath: string;
  split: SplitName | null;
  /** Ascending image id, each with its file. */
  images: DatasetImage[];
  /** image id -> annotations in file order. */
  annotations: Map<number, CocoAnnotation[]>;
  categories: CocoCategory[];
  /** DETR's num_classes suggestion: max category id + 1. */
  numClasses: number;
  warnings: DatasetWarning[];
}

/** Reads the annotations file of `source` (found by discover.ts unless given) and resolves its images. */
export async function loadDataset(source: DatasetSource, opts: { annotations?: string; split?: string } = {}): Promise<Dataset> {
  const files = await source.list();
  const found = opts.annotations !== undefined ? { annotations: opts.annotations, split: null } : findAnnotations(files, source.name, opts.split);
  const bytes = await source.read(found.annotations);
  const name = `${source.name.replace(/\/+$/, '')}/${found.annotations}`;
  const coco = parseCocoText(decodeUtf8(bytes), name);
  return bindFiles(coco, source, files, found.annotations, found.split);
}

export function bindFiles(coco: CocoDataset, source: DatasetSource, files: string[], annotationsPath: string, split: SplitName | null): Dataset {
  const resolve = makeResolver(files, annotationsPath, { byBaseName: source.flat === true });
  const warnings = [...coco.warnings];
  const images: DatasetImage[] = [];
  const missing: string[] = [];
  for (const im of coco.images) {
    const path = resolve(im.file_name);
    if (path.startsWith('!')) {
      missing.push(im.file_name);
      warnings.push({
        code: 'missing-file',
        message: `${im.file_name}: image file ${path.slice(1)} (image id ${im.id}): skipped`,
        file_name: im.file_name,
        image_id: im.id,
      });
      continue;
    }
    images.push({ ...im, path });
  }
  if (images.length === 0) {
    const eg = missing.slice(0, 3).map((m) => `"${m}"`).join(', ');
    throw new DatasetError(`${source.name}: no usable image: none of the ${missing.length} image files listed in ${annotationsPath} was found (e.g. ${eg})`);
  }
  const annotations = new Map<number, CocoAnnotation[]>();
  for (const im of images) annotations.set(im.id, coco.annotations.get(im.id) ?? []);
  return {
    name: source.name,
    source,
    annotationsPath,
    split,
    images,
    annotations,
    categories: coco.categories,
    numClasses: coco.numClasses,
    warnings,
  };
}
