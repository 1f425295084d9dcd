/** Inputs and outputs of the COCO bbox evaluation (pycocotools' COCO / loadRes / COCOeval). */

export interface CocoImage {
  id: number;
  width: number;
  height: number;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  /** [x, y, w, h] in pixels */
  bbox: number[];
  /** object area (segment area in COCO): decides the small/medium/large range, not the box */
  area: number;
  /** 1 (or true): a crowd region, matched as an ignore region */
  iscrowd: number | boolean;
}

export interface CocoCategory {
  id: number;
  name: string;
}

export interface CocoGroundTruth {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

/** One entry of a COCO results file. */
export interface CocoDetection {
  image_id: number;
  category_id: number;
  /** [x, y, w, h] in pixels of the original image */
  bbox: number[];
  score: number;
}

/** Names of COCOeval.stats, in order. */
export const COCO_STAT_NAMES = [
  'AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl',
] as const;

export interface CocoSummary {
  /** the 12 COCOeval stats as fractions in [0, 1]; -1 where undefined (no ground truth in range) */
  stats: number[];
  /** AP@[.50:.95] (area all, maxDets 100) per category, in ascending id order; -1 without ground truth */
  perCategory: { id: number; name: string; ap: number }[];
  /** inputs skipped or repaired on the way (unknown ids, negative sizes, duplicate ids) */
  warnings: string[];
}
