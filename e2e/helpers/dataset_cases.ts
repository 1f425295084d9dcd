/**
 * Datasets the datasets e2e generates on disk (nothing binary is committed): clean, quirky image
 * formats in nested unicode folders, broken boxes and files, a Roboflow export, zips, and refusals.
 * Images come from src/testing/make_dataset.ts (pngjs, jpeg-js), a raw PNG writer (palette, 16-bit
 * grey) and, when Debian's PIL is there, PIL (CMYK JPEG, WebP).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { deflateSync } from 'node:zlib';
import { crc32 } from '../../src/data/zip_source';
import { makeJpeg, makePng, tempDir, writeDataset, writeZip } from '../../src/testing/make_dataset';
import { hasPil, runPython } from '../../src/testing/pil';

/** A PNG written byte by byte: any colour type and depth PIL reads, filter 0 rows. */
export function rawPng(w: number, h: number, colorType: number, depth: number, sample: (x: number, y: number) => number[], plte?: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    Buffer.from(data).copy(out, 8);
    out.writeUInt32BE(crc32(new Uint8Array(out.subarray(4, 8 + data.length))), 8 + data.length);
    return out;
  };
  const rows: number[] = [];
  for (let y = 0; y < h; y++) {
    rows.push(0);
    let acc = 0;
    let bits = 0;
    for (let x = 0; x < w; x++) {
      for (const v of sample(x, y)) {
        if (depth === 16) rows.push(v >> 8, v & 255);
        else if (depth === 8) rows.push(v);
        else {
          acc = (acc << depth) | v;
          bits += depth;
          if (bits === 8) (rows.push(acc), (acc = 0), (bits = 0));
        }
      }
    }
    if (bits) rows.push(acc << (8 - bits));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (plte) parts.push(chunk('PLTE', plte));
  parts.push(chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', new Uint8Array(0)));
  return new Uint8Array(Buffer.concat(parts));
}

/** CMYK JPEG and WebP files from PIL, or null when Debian's PIL is missing. */
export function pilImages(): { cmyk: Uint8Array; webp: Uint8Array; webpAlpha: Uint8Array } | null {
  if (!hasPil()) return null;
  const script = String.raw`
import io, sys, json, base64
import numpy as np
from PIL import Image
yy, xx = np.mgrid[0:40, 0:56]
rgb = np.stack([xx * 4, yy * 6, (xx + yy) * 2], -1).clip(0, 255).astype(np.uint8)
def save(im, fmt, **kw):
    b = io.BytesIO(); im.save(b, fmt, **kw); return base64.b64encode(b.getvalue()).decode()
rgba = np.dstack([rgb, (xx * 3).astype(np.uint8)])
json.dump(dict(cmyk=save(Image.fromarray(rgb).convert('CMYK'), 'JPEG', quality=90), webp=save(Image.fromarray(rgb), 'WEBP', quality=80),
               webpAlpha=save(Image.fromarray(rgba, 'RGBA'), 'WEBP', lossless=True)), sys.stdout)`;
  const out = JSON.parse(Buffer.from(runPython(script)).toString('utf8')) as Record<string, string>;
  const b = (k: string) => new Uint8Array(Buffer.from(out[k], 'base64'));
  return { cmyk: b('cmyk'), webp: b('webp'), webpAlpha: b('webpAlpha') };
}

const CATS = [
  { id: 1, name: 'cat' },
  { id: 3, name: 'dog' },
];

/** A clean dataset of PNGs and JPEGs with its annotations at the root (picked as flat files). */
export function cleanDataset(root: string): void {
  const images = [1, 2, 3, 4].map((id) => ({ id, file_name: `img_${id}.${id % 2 ? 'png' : 'jpg'}`, width: 40 + id, height: 30 + id, bytes: id % 2 ? makePng(40 + id, 30 + id, id) : makeJpeg(40 + id, 30 + id, id) }));
  const annotations = images.flatMap((im, k) => [
    { id: 10 + k * 2, image_id: im.id, category_id: 1, bbox: [2, 3, 10, 8], area: 80, iscrowd: 0 },
    { id: 11 + k * 2, image_id: im.id, category_id: 3, bbox: [15, 5, 12.5, 9], area: 112.5, iscrowd: 0 },
  ]);
  writeDataset(root, { images, annotations, categories: CATS });
}

/** Odd formats in nested folders whose names have spaces and Unicode; file_name with sub-paths. */
export function quirkyDataset(root: string, pil: ReturnType<typeof pilImages>): void {
  const grey = rawPng(23, 17, 0, 8, (x, y) => [(x * 11 + y * 7) & 255]);
  const grey16 = rawPng(23, 17, 0, 16, (x, y) => [x * 700 + y * 13]);
  const palette = rawPng(21, 19, 3, 4, (x, y) => [(x + y) % 16], Uint8Array.from({ length: 12 * 3 }, (_, i) => (i * 37) & 255));
  const files: [string, Uint8Array, number, number][] = [
    ['imágenes 1/grey 8.png', grey, 23, 17],
    ['imágenes 1/grey16.png', grey16, 23, 17],
    ['imágenes 1/palette ünï.png', palette, 21, 19],
    ['imágenes 1/sub dir/rgba.png', makePng(25, 20, 5), 25, 20],
    ['imágenes 1/sub dir/grey alpha.png', makePng(25, 20, 6, { colorType: 4 }), 25, 20],
    ['exif/rotated 6.jpg', makeJpeg(32, 24, 7, 6), 32, 24],
    ['exif/rotated 3.jpg', makeJpeg(32, 24, 8, 3), 32, 24],
  ];
  if (pil) files.push(['pil/cmyk.jpg', pil.cmyk, 56, 40], ['pil/lossy.webp', pil.webp, 56, 40], ['pil/lossless alpha.webp', pil.webpAlpha, 56, 40]);
  const images = files.map(([p, bytes, w, h], i) => ({ id: i + 1, file_name: p, width: w, height: h, bytes }));
  const annotations = images.map((im, i) => ({ id: 100 + i, image_id: im.id, category_id: i % 2 ? 1 : 3, bbox: [1, 2, 9, 7], area: 63, iscrowd: 0 }));
  writeDataset(root, { images, annotations, categories: CATS, annotationsPath: 'données/annotations ü.json' });
}

/** Every kind of broken entry and file; ids from 0 (as Roboflow numbers them). */
export function brokenDataset(root: string): void {
  const png = (s: number) => makePng(30, 20, s);
  const jpg = makeJpeg(30, 20, 9);
  const images = [
    { id: 0, file_name: 'ok0.png', width: 30, height: 20, bytes: png(0) },
    { id: 1, file_name: 'ok1.jpg', width: 30, height: 20, bytes: jpg },
    { id: 2, file_name: 'missing.png', width: 30, height: 20 },
    { id: 3, file_name: 'truncated.jpg', width: 30, height: 20, bytes: jpg.subarray(0, jpg.length - 40) },
    { id: 4, file_name: 'not an image.png', width: 30, height: 20, bytes: new TextEncoder().encode('hello, I am text') },
    { id: 5, file_name: 'empty.png', width: 30, height: 20, bytes: new Uint8Array(0) },
    { id: 6, file_name: 'wrong size.png', width: 99, height: 20, bytes: png(6) },
    { id: 7, file_name: 'cut.png', width: 30, height: 20, bytes: png(7).subarray(0, 60) },
  ];
  const raw = {
    images: [...images.map(({ id, file_name, width, height }) => ({ id, file_name, width, height })), { id: 1, file_name: 'dup id.png' }, { file_name: 'no id.png' }],
    annotations: [
      { id: 0, image_id: 0, category_id: 0, bbox: [1, 1, 5, 5], area: 25, iscrowd: 0 },
      { id: 1, image_id: 0, category_id: 1, bbox: '__NAN__', area: 1, iscrowd: 0 },
      { id: 2, image_id: 0, category_id: 1, bbox: null, area: 1, iscrowd: 0 },
      { id: 3, image_id: 0, category_id: 1, bbox: [1, 2, 3], area: 1, iscrowd: 0 },
      { id: 4, image_id: 0, category_id: 1, bbox: [1, 2, -3, 4], area: 1, iscrowd: 0 },
      { id: 5, image_id: 0, category_id: 1, bbox: [1, 2, 0, 4], area: 0, iscrowd: 0 },
      { id: 6, image_id: 0, category_id: 1, bbox: [100, 100, 5, 5], area: 25, iscrowd: 0 },
      { id: 7, image_id: 42, category_id: 1, bbox: [1, 1, 5, 5], area: 25, iscrowd: 0 },
      { id: 7, image_id: 0, category_id: 1, bbox: [1, 1, 5, 5], area: 25, iscrowd: 0 },
      { id: 8, image_id: 1, category_id: 7, bbox: [25, 15, 20, 20], iscrowd: 0 },
      { id: 9, image_id: 1, category_id: 1, bbox: [0, 0, 30, 20], area: 600, iscrowd: 1 },
      { id: 10, image_id: 6, category_id: 'one', bbox: [1, 1, 5, 5], area: 25 },
      { id: 11, image_id: 6, category_id: 1, bbox: [1, 1, 5, 5], area: 25, iscrowd: 2 },
      { id: 12, image_id: 6, category_id: 0, bbox: [-5, -5, 10, 10], area: 100 },
    ],
    categories: [{ id: 0, name: 'objects' }, { id: 1, name: 'thing' }, { id: 1, name: 'again' }],
  };
  // A bare NaN, as Python's json.dump writes it (JSON.parse alone would refuse the whole file).
  const json = JSON.stringify(raw, null, 1).replace('"__NAN__"', '[1, NaN, 3, 4]');
  writeDataset(root, { images, annotations: [], rawJson: json });
}

/** Roboflow's export: train/ valid/ test/ each with _annotations.coco.json and its images, ids from 0. */
export function roboflowDataset(root: string): void {
  const split = (dir: string, n: number, seed: number) => {
    const images = Array.from({ length: n }, (_, i) => ({ id: i, file_name: `${dir}_${i}_jpg.rf.${seed + i}.jpg`, width: 32, height: 24, bytes: makeJpeg(32, 24, seed + i) }));
    const annotations = images.map((im, i) => ({ id: i, image_id: im.id, category_id: 1 + (i % 2), bbox: [2, 2, 10 + i, 8], area: (10 + i) * 8, iscrowd: 0, segmentation: [] }));
    const categories = [{ id: 0, name: 'shapes', supercategory: 'none' }, { id: 1, name: 'circle', supercategory: 'shapes' }, { id: 2, name: 'square', supercategory: 'shapes' }];
    writeDataset(join(root, dir), { images, annotations, categories, annotationsPath: '_annotations.coco.json' });
  };
  split('train', 5, 0);
  split('valid', 3, 50);
  split('test', 2, 90);
}

/** Every file under `dir`: path relative to it ('/'-separated) -> bytes. */
export function filesUnder(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p).split(sep).join('/')] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function zipFolder(dir: string, zipPath: string, level: 0 | 6 = 6): void {
  writeZip(zipPath, filesUnder(dir), level);
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export interface InspectReport {
  images: number;
  annotations: number;
  categories: number;
  warnings: string[];
}

/** `detr-studio inspect --data path [--split s]`: the report, or the refusal line from stderr. */
export function inspect(path: string, split?: string): InspectReport | { error: string } {
  try {
    const out = execFileSync('node', ['bin/detr-studio.js', 'inspect', '--data', path, ...(split ? ['--split', split] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out) as InspectReport;
  } catch (e) {
    return { error: String((e as { stderr?: string }).stderr ?? e).trim() };
  }
}

export { tempDir };
