/**
 * How the data pipeline reports problems: a DatasetError refuses the whole dataset (one clear line
 * saying what is wrong and where); a DatasetWarning skips or adjusts one image or annotation and names
 * it (file name or annotation id), so a user can fix the file.
 */

export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** What a warning is about; the page groups by it, tests look for it. */
export type WarningCode =
  | 'annotation-unknown-image' // image_id names no image: skipped (pycocotools never reads it either)
  | 'annotation-bad-entry' // not an object, no id, bad image_id: skipped
  | 'duplicate-image-id' // a later image entry with an id already seen: skipped
  | 'duplicate-annotation-id' // a later annotation with an id already seen: skipped
  | 'duplicate-category-id'
  | 'duplicate-file-name' // two image ids share one file
  | 'bad-box' // bbox missing, null, not 4 finite numbers: skipped (DETR would crash or drop it)
  | 'zero-area-box' // width or height 0: DETR drops it (kept in the dataset, never a target)
  | 'negative-size-box' // width or height < 0: DETR drops it
  | 'box-outside-image' // nothing left after clamping to the image: DETR drops it
  | 'bad-category-id' // category_id missing, not an integer, or negative: skipped
  | 'unknown-category' // category_id not among categories: kept (DETR uses ids as class indices)
  | 'bad-iscrowd' // iscrowd other than 0/1/false/true
  | 'missing-area' // no numeric area: w*h used
  | 'bad-category-entry'
  | 'no-categories'
  | 'no-annotations'
  | 'bad-image-entry' // image entry without an integer id or a file_name: skipped
  | 'missing-file' // file_name not found: image skipped
  | 'corrupt-image' // unreadable, truncated or unsupported image: skipped
  | 'image-size-mismatch' // stored pixels differ from width/height: the stored size is used, as DETR does
  | 'image-read-as-pil-does' // e.g. a 16-bit greyscale PNG, which PIL clips to 0..255
  | 'exif-orientation'; // EXIF orientation != 1: ignored, as DETR does (boxes refer to the stored pixels)

export interface DatasetWarning {
  code: WarningCode;
  /** One self-contained sentence naming the file name or annotation id. */
  message: string;
  file_name?: string;
  image_id?: number;
  annotation_id?: number;
}

/** Collects warnings; `add` returns nothing so call sites stay one line. */
export class WarningList {
  readonly items: DatasetWarning[] = [];

  add(code: WarningCode, message: string, where: Omit<DatasetWarning, 'code' | 'message'> = {}): void {
    this.items.push({ code, message, ...where });
  }

  count(code: WarningCode): number {
    return this.items.filter((w) => w.code === code).length;
  }
}
