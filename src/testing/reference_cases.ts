/**
 * The configurations checked against the official DETR beyond the tiny fixture (src/model/testdata,
 * made by scripts/reference/): for each, a config, a weights seed and a small COCO dataset that is
 * regenerated here bit for bit (painted images, PNG or JPEG, and their annotations), so nothing
 * binary is committed.
 *
 * Image sizes are chosen per config to exercise DETR's evaluation resize: an upscale, a max_size cap
 * (one with Python's round-half-to-even at .5, one whose long side lands above max_size through int()
 * truncation), an image already at min_size (no resize), a downscale. Image ids are not in file order
 * (the loader sorts them), and the annotations hold a crowd box and boxes partly outside the image.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbImage } from '../data/types';

export interface CaseImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  /** png: RGB; png-gray: 8-bit greyscale; png-rgba: RGB + an alpha ramp (dropped, not composited, by convert('RGB')). */
  format: ImageFormat;
}

export type ImageFormat = 'png' | 'png-gray' | 'png-rgba' | 'jpeg';

export interface ReferenceCase {
  /** File stem of src/model/testdata/<name>.json. */
  name: string;
  /** A config as a user writes it (CONTRACT section 1 keys); missing keys take the defaults. */
  config: Record<string, unknown>;
  /** buildModel seed (and the data-dependent init's). */
  seed: number;
  /** Category ids the annotations draw from (each < num_classes). */
  categories: number[];
  /** In annotations-file order. */
  images: CaseImage[];
  /** The `predict --images` list (file names, in the order given on the command line). */
  predict: string[];
  /**
   * Keep the reference small for big heads: the aux layers' logits are not stored (their boxes are;
   * their loss_ce_i and cost matrices still check them).
   */
  compactAux?: boolean;
}

const TINY = { hidden_dim: 64, nheads: 4, enc_layers: 2, dec_layers: 2, dim_feedforward: 128, num_queries: 10 };

const png = (id: number, width: number, height: number): CaseImage => ({ id, file_name: `img_${id}.png`, width, height, format: 'png' });
const gray = (id: number, width: number, height: number): CaseImage => ({ id, file_name: `img_${id}.png`, width, height, format: 'png-gray' });
const rgba = (id: number, width: number, height: number): CaseImage => ({ id, file_name: `img_${id}.png`, width, height, format: 'png-rgba' });
const jpg = (id: number, width: number, height: number): CaseImage => ({ id, file_name: `img_${id}.jpg`, width, height, format: 'jpeg' });

export const REFERENCE_CASES: readonly ReferenceCase[] = [
  {
    name: 'r50-sine-postnorm',
    config: { ...TINY, backbone: 'resnet50', position_embedding: 'sine', num_classes: 5, min_size: 96, max_size: 160 },
    seed: 101,
    categories: [1, 3, 4],
    // 120x90 -> 128x96 (up); 320x73 -> 157x36 (cap: round(36.5) = 36, half to even); 96x130 stays
    images: [png(5, 120, 90), png(2, 320, 73), png(9, 96, 130)],
    predict: ['img_9.png', 'img_5.png', 'img_2.png'],
  },
  {
    name: 'r50-learned-prenorm',
    config: { ...TINY, dec_layers: 3, backbone: 'resnet50', position_embedding: 'learned', pre_norm: true, num_classes: 7, min_size: 128, max_size: 200 },
    seed: 202,
    categories: [1, 2, 6],
    // 300x100 -> 201x67 (cap; the long side int()s above max_size); 100x150 -> 128x192 (up); JPEG 160x128 stays
    images: [png(3, 300, 100), png(1, 100, 150), jpg(4, 160, 128)],
    predict: ['img_4.jpg', 'img_3.png', 'img_1.png'],
  },
  {
    name: 'r50-dc5-sine',
    config: {
      ...TINY,
      backbone: 'resnet50',
      dilation: true,
      position_embedding: 'sine',
      num_classes: 5,
      min_size: 80,
      max_size: 128,
      set_cost_class: 2,
      set_cost_bbox: 4,
      set_cost_giou: 1,
      bbox_loss_coef: 3,
      giou_loss_coef: 1.5,
      eos_coef: 0.2,
    },
    seed: 303,
    categories: [1, 2, 4],
    // 64x64 -> 80x80 (up); 150x100 -> 120x80 (down); 100x40 -> 127x51 (cap)
    images: [png(7, 64, 64), png(8, 150, 100), png(6, 100, 40)],
    predict: ['img_6.png', 'img_8.png', 'img_7.png'],
  },
  {
    name: 'r101-learned',
    config: { ...TINY, backbone: 'resnet101', position_embedding: 'learned', num_classes: 5, min_size: 64, max_size: 96 },
    seed: 404,
    categories: [1, 3, 4],
    // 64x48 -> 85x64 (up); 40x100 -> 38x95 (cap); 80x64 stays
    images: [png(2, 64, 48), png(1, 40, 100), png(3, 80, 64)],
    predict: ['img_3.png', 'img_1.png', 'img_2.png'],
  },
  {
    name: 'r34-sine-prenorm-noaux',
    config: { ...TINY, dec_layers: 3, backbone: 'resnet34', position_embedding: 'sine', pre_norm: true, aux_loss: false, lr_backbone: 0, num_classes: 5, min_size: 112, max_size: 180 },
    seed: 505,
    categories: [1, 3, 4],
    // 90x150 -> 108x180 (cap); JPEG 112x112 stays; 140x100 -> 156x112 (up)
    images: [png(11, 90, 150), jpg(10, 112, 112), png(12, 140, 100)],
    predict: ['img_10.jpg', 'img_12.png', 'img_11.png'],
  },
  {
    name: 'r50-c92-q20-h128',
    config: {
      backbone: 'resnet50',
      position_embedding: 'sine',
      hidden_dim: 128,
      nheads: 8,
      enc_layers: 3,
      dec_layers: 4,
      dim_feedforward: 256,
      num_queries: 20,
      num_classes: 92,
      min_size: 64,
      max_size: 128,
    },
    seed: 606,
    categories: [1, 44, 91],
    // 100x70 -> 91x64 (up); 50x160 -> 40x128 (cap); 64x64 stays
    images: [png(21, 100, 70), png(22, 50, 160), png(20, 64, 64)],
    predict: ['img_22.png', 'img_20.png'],
    compactAux: true,
  },
  {
    // The official DETR-R50 (every default: hidden 256, 8 heads, 6+6 layers, ffn 2048, 100 queries,
    // 91 classes), on small images; greyscale and RGBA PNGs and a JPEG.
    name: 'r50-detr-defaults',
    config: { min_size: 128, max_size: 213 },
    seed: 707,
    categories: [1, 18, 90],
    // grey 150x100 -> 192x128 (up); RGBA 128x300 -> 91x213 (cap: round(90.88) = 91, long int(213.3));
    // JPEG 200x128 stays
    images: [gray(31, 150, 100), rgba(30, 128, 300), jpg(32, 200, 128)],
    predict: ['img_30.png'],
    compactAux: true,
  },
];

export function findCase(name: string): ReferenceCase {
  const c = REFERENCE_CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no reference case "${name}" (known: ${REFERENCE_CASES.map((x) => x.name).join(', ')})`);
  return c;
}

/**
 * Mulberry32, a small seeded uniform [0, 1) generator. The reference tooling keeps its own copy so the
 * images and weights it regenerates never change when the project's generators do.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A painted object: its pixel box [x, y, w, h] (may extend past the image). */
interface Painted {
  bbox: [number, number, number, number];
  ellipse: boolean;
}

/**
 * A smooth, textured test picture with 2-3 solid objects: low-frequency waves and a gradient for the
 * background, a little hashed grain, and rectangles/ellipses (one may hang over an edge).
 */
export function paintImage(width: number, height: number, seed: number): { image: RgbImage; objects: Painted[] } {
  const u = mulberry32(seed * 7919 + 17);
  const base = [u(), u(), u()].map((c) => 60 + 100 * c);
  const fx = [u(), u(), u()].map((f) => 0.05 + 0.25 * f);
  const fy = [u(), u(), u()].map((f) => 0.05 + 0.25 * f);
  const ph = [u(), u(), u()].map((p) => 6.28 * p);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const grain = (((x * 73856093) ^ (y * 19349663) ^ (seed * 83492791)) >>> 0) % 17;
      for (let c = 0; c < 3; c++) {
        const v = base[c] + 40 * Math.sin(fx[c] * x + fy[c] * y + ph[c]) + (30 * (x - y)) / (width + height) + grain - 8;
        data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  const objects: Painted[] = [];
  const n = 2 + Math.floor(u() * 2);
  for (let k = 0; k < n; k++) {
    const w = Math.round(width * (0.2 + 0.35 * u()));
    const h = Math.round(height * (0.2 + 0.35 * u()));
    // the first object of every other image overhangs the right or bottom edge
    const over = k === 0 && seed % 2 === 0;
    const x0 = over ? width - Math.round(w / 2) : Math.floor(u() * (width - w));
    const y0 = Math.floor(u() * (height - h));
    const ellipse = u() < 0.5;
    const color = [u(), u(), u()].map((c) => Math.round(30 + 200 * c));
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) {
        const dx = (x + 0.5 - x0) / w - 0.5;
        const dy = (y + 0.5 - y0) / h - 0.5;
        if (!ellipse || dx * dx + dy * dy <= 0.25) data.set(color, (y * width + x) * 3);
      }
    }
    objects.push({ bbox: [x0, y0, w, h], ellipse });
  }
  return { image: { width, height, data }, objects };
}

export function encodeImage(img: RgbImage, format: ImageFormat): Uint8Array {
  const { width: w, height: h } = img;
  const rgba = Buffer.alloc(w * h * 4, 255);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = img.data.subarray(i * 3, i * 3 + 3);
    // grey: pngjs stores (r + g + b) / 3, so give it r = g = b
    if (format === 'png-gray') rgba.fill(Math.round((299 * r + 587 * g + 114 * b) / 1000), i * 4, i * 4 + 3);
    else rgba.set([r, g, b], i * 4);
    if (format === 'png-rgba') rgba[i * 4 + 3] = (i * 3) % 256;
  }
  if (format === 'jpeg') return new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 92).data);
  const colorType = format === 'png-gray' ? 0 : format === 'png-rgba' ? 6 : 2;
  const p = new PNG({ width: w, height: h, colorType, inputColorType: 6, inputHasAlpha: true });
  p.data = rgba;
  return new Uint8Array(PNG.sync.write(p, { colorType, inputColorType: 6, inputHasAlpha: true }));
}

/** The case's COCO dataset: file name -> bytes (annotations.json included). */
export function caseDataset(c: ReferenceCase): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const annotations: object[] = [];
  let annId = 100;
  c.images.forEach((im, i) => {
    const { image, objects } = paintImage(im.width, im.height, c.seed + im.id);
    files.set(im.file_name, encodeImage(image, im.format));
    objects.forEach((o, k) => {
      // sub-pixel boxes, as real annotation tools write them
      const bbox = [o.bbox[0] + 0.25, o.bbox[1] - 0.5, o.bbox[2] - 0.75, o.bbox[3] + 1.25];
      const category_id = c.categories[(i + k) % c.categories.length];
      const iscrowd = i === 1 && k === 0 ? 1 : 0; // one crowd box (dropped by DETR's targets)
      annotations.push({ id: annId++, image_id: im.id, category_id, bbox, area: bbox[2] * bbox[3], iscrowd });
    });
  });
  const json = {
    images: c.images.map(({ id, file_name, width, height }) => ({ id, file_name, width, height })),
    annotations,
    categories: c.categories.map((id) => ({ id, name: `class_${id}` })),
  };
  files.set('annotations.json', new TextEncoder().encode(JSON.stringify(json, null, 1)));
  return files;
}
