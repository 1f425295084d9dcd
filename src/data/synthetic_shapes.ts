/**
 * A synthetic detection dataset: coloured squares, circles and triangles on soft backgrounds, in
 * COCO format. It ships as the page's sample data (public/sample, made by
 * scripts/make_sample_dataset.ts) and feeds the learning tests and benchmarks. Deterministic for a seed.
 */
import type { RgbImage } from './types';
import { mulberry32 } from '../math/rng';

export const SHAPE_CATEGORIES = [
  { id: 1, name: 'square', supercategory: 'shape' },
  { id: 2, name: 'circle', supercategory: 'shape' },
  { id: 3, name: 'triangle', supercategory: 'shape' },
] as const;

export interface SyntheticImage {
  id: number;
  file_name: string;
  image: RgbImage;
  boxes: { category_id: number; bbox: [number, number, number, number] }[];
}

export interface SyntheticOptions {
  count: number;
  seed?: number;
  minSize?: number;
  maxSize?: number;
  maxShapes?: number;
  firstId?: number;
  prefix?: string;
}


type Inside = (x: number, y: number) => boolean;

function shapeTest(kind: number, x0: number, y0: number, s: number): Inside {
  const cx = x0 + s / 2;
  const cy = y0 + s / 2;
  if (kind === 1) return (x, y) => x >= x0 && x < x0 + s && y >= y0 && y < y0 + s;
  if (kind === 2) return (x, y) => (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= (s / 2) ** 2;
  // triangle: apex at top centre, base at the bottom
  return (x, y) => {
    const t = (y + 0.5 - y0) / s;
    return t >= 0 && t <= 1 && Math.abs(x + 0.5 - cx) <= (t * s) / 2;
  };
}

export function makeSyntheticShapes(o: SyntheticOptions): SyntheticImage[] {
  const rnd = mulberry32(o.seed ?? 1);
  const { minSize = 64, maxSize = 112, maxShapes = 3, firstId = 1, prefix = 'shapes' } = o;
  const out: SyntheticImage[] = [];
  for (let n = 0; n < o.count; n++) {
    const w = minSize + Math.floor(rnd() * (maxSize - minSize + 1));
    const h = minSize + Math.floor(rnd() * (maxSize - minSize + 1));
    const data = new Uint8Array(w * h * 3);
    const bg = [rnd(), rnd(), rnd()].map((c) => 40 + c * 80);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = Math.round(bg[c] + (20 * (x + y)) / (w + h));
    const boxes: SyntheticImage['boxes'] = [];
    const k = 1 + Math.floor(rnd() * maxShapes);
    for (let i = 0; i < k; i++) {
      const kind = 1 + Math.floor(rnd() * 3);
      const s = Math.round(Math.min(w, h) * (0.2 + rnd() * 0.3));
      const x0 = Math.floor(rnd() * (w - s));
      const y0 = Math.floor(rnd() * (h - s));
      const color = [150 + rnd() * 105, 150 + rnd() * 105, 150 + rnd() * 105].map(Math.round);
      color[Math.floor(rnd() * 3)] = Math.round(rnd() * 60); // saturated, far from the background
      const inside = shapeTest(kind, x0, y0, s);
      for (let y = y0; y < y0 + s; y++) for (let x = x0; x < x0 + s; x++) if (inside(x, y)) data.set(color, (y * w + x) * 3);
      boxes.push({ category_id: kind, bbox: [x0, y0, s, s] });
    }
    const id = firstId + n;
    out.push({ id, file_name: `${prefix}_${String(id).padStart(4, '0')}.png`, image: { width: w, height: h, data }, boxes });
  }
  return out;
}

/** COCO annotations for the images (file names as given; annotation ids from 1). */
export function syntheticCocoJson(images: SyntheticImage[]): object {
  let annId = 1;
  return {
    info: { description: 'detr-studio synthetic shapes', version: '1' },
    images: images.map((im) => ({ id: im.id, file_name: im.file_name, width: im.image.width, height: im.image.height })),
    annotations: images.flatMap((im) =>
      im.boxes.map((b) => ({ id: annId++, image_id: im.id, category_id: b.category_id, bbox: b.bbox, area: b.bbox[2] * b.bbox[3], iscrowd: 0 })),
    ),
    categories: SHAPE_CATEGORIES.map((c) => ({ ...c })),
  };
}
