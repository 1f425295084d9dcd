/**
 * Builds small COCO datasets on disk for tests (images encoded here with pngjs / jpeg-js, so no
 * binary is committed): a folder, optionally zipped (fflate), with any annotations JSON text.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Deterministic RGBA test pixels. */
function pixels(w: number, h: number, seed: number): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    data[i * 4] = (i * 7 + seed * 31) & 255;
    data[i * 4 + 1] = ((i % w) * 5 + seed) & 255;
    data[i * 4 + 2] = (Math.floor(i / w) * 3) & 255;
    data[i * 4 + 3] = 255;
  }
  return data;
}

export function makePng(w: number, h: number, seed = 0, opts: { colorType?: 0 | 2 | 4 | 6; bitDepth?: 8 | 16 } = {}): Uint8Array {
  const png = new PNG({ width: w, height: h, colorType: opts.colorType ?? 6, inputColorType: 6, bitDepth: opts.bitDepth ?? 8 });
  png.data = pixels(w, h, seed);
  return new Uint8Array(PNG.sync.write(png, { colorType: opts.colorType ?? 6, inputColorType: 6, bitDepth: opts.bitDepth ?? 8 }));
}

export function makeJpeg(w: number, h: number, seed = 0, orientation?: number): Uint8Array {
  const enc = jpeg.encode({ width: w, height: h, data: pixels(w, h, seed) }, 90).data;
  if (orientation === undefined) return new Uint8Array(enc);
  // An APP1 Exif segment (big-endian TIFF, one IFD entry: Orientation SHORT) right after SOI.
  const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0];
  const body = [...Buffer.from('Exif\0\0', 'binary'), ...tiff];
  const len = body.length + 2;
  const app1 = [0xff, 0xe1, len >> 8, len & 255, ...body];
  return new Uint8Array([...enc.subarray(0, 2), ...app1, ...enc.subarray(2)]);
}

export interface SpecImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  /** The file's bytes; omit to leave the file missing. */
  bytes?: Uint8Array;
}

export interface DatasetSpec {
  images: SpecImage[];
  annotations: object[];
  categories?: object[];
  /** Where the JSON goes (relative); default annotations.json. */
  annotationsPath?: string;
  /** Raw JSON text instead of the generated one. */
  rawJson?: string;
  /** Images' folder relative to the root (default: the JSON's folder). */
  imageDir?: string;
}

/** Writes the files of a spec under `root` and returns the map path -> bytes written. */
export function writeDataset(root: string, spec: DatasetSpec): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const annPath = spec.annotationsPath ?? 'annotations.json';
  const imgDir = spec.imageDir ?? dirname(annPath);
  const json = spec.rawJson ?? JSON.stringify({
    images: spec.images.map(({ id, file_name, width, height }) => ({ id, file_name, width, height })),
    annotations: spec.annotations,
    categories: spec.categories ?? [{ id: 1, name: 'a' }, { id: 2, name: 'b' }],
  });
  files[annPath] = new TextEncoder().encode(json);
  for (const im of spec.images) if (im.bytes) files[imgDir === '.' ? im.file_name : `${imgDir}/${im.file_name}`] = im.bytes;
  for (const [p, b] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), b);
  }
  return files;
}

export function tempDir(prefix = 'detr-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Zips files (path -> bytes) into `zipPath`; level 0 stores, 6 deflates. */
export function writeZip(zipPath: string, files: Record<string, Uint8Array>, level: 0 | 6 = 6): void {
  writeFileSync(zipPath, zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level }]]))));
}
