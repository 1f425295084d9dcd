/**
 * The one ImageDecoder of Node and the page, giving what DETR's `Image.open(f).convert('RGB')`
 * (Pillow 9.4) gives. Only the loading of the WebAssembly codecs differs per platform (a port):
 * src/platform/node/wasm_codecs.ts reads the .wasm files from disk, src/platform/browser/wasm_codecs.ts
 * fetches them from this origin.
 *  - PNG: png_decode.ts (pure TypeScript): bit-exact.
 *  - JPEG: MozJPEG in wasm (@jsquash/jpeg: libjpeg-turbo's decoder): bit-exact. CMYK/YCCK JPEGs (which
 *    it cannot convert) and platforms without the codec use jpeg-js (not bit-exact: docs/datasets.md).
 *  - WebP: libwebp in wasm (@jsquash/webp): bit-exact; without the codec a clear refusal.
 *  - GIF, BMP, TIFF: refused with a clear error.
 * EXIF orientation is never applied and alpha is dropped, never composited or premultiplied (which is
 * why the page never uses createImageBitmap for the pixels the model sees).
 */
import jpeg from 'jpeg-js';
import { DatasetError } from './errors';
import { probeImage, sniffFormat } from './image_probe';
import { decodePng } from './png_decode';
import type { ImageDecoder } from './ports';
import type { RgbImage } from './types';

/** What the wasm codecs return: RGBA (ImageData-like). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

export type WasmDecode = (bytes: Uint8Array) => Promise<RgbaImage>;

export interface WasmCodecs {
  /** null when the codec is not available here. */
  jpeg: WasmDecode | null;
  webp: WasmDecode | null;
}

export type CodecBackends = { jpeg: 'mozjpeg-wasm' | 'jpeg-js'; webp: 'libwebp-wasm' | null };

export class CodecImageDecoder implements ImageDecoder {
  constructor(private readonly loadCodecs: () => Promise<WasmCodecs>) {}

  /** Which decoder handles JPEG and WebP here (for logs and tests). */
  async backends(): Promise<CodecBackends> {
    const c = await this.loadCodecs();
    return { jpeg: c.jpeg ? 'mozjpeg-wasm' : 'jpeg-js', webp: c.webp ? 'libwebp-wasm' : null };
  }

  async decode(bytes: Uint8Array, fileName: string): Promise<RgbImage> {
    const format = sniffFormat(bytes);
    if (format === 'jpeg' || format === 'webp') {
      const codecs = await this.loadCodecs();
      const probe = probeImage(bytes);
      const codec = format === 'jpeg' ? codecs.jpeg : codecs.webp;
      // MozJPEG cannot convert 4-component (CMYK/YCCK) JPEGs to RGB: jpeg-js does those below.
      if (!probe.problem && codec && probe.components !== 4) {
        try {
          return rgbaToRgb(await codec(bytes));
        } catch (e) {
          throw new DatasetError(`${fileName}: cannot decode the ${format.toUpperCase()} image (${describe(e)})`);
        }
      }
    }
    return decodeImageSync(bytes, fileName);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : typeof e === 'string' ? e : 'decoder error';
}

/** The pure-JS path: PNG (exact) and JPEG via jpeg-js; WebP and others refused. */
export function decodeImageSync(bytes: Uint8Array, fileName: string): RgbImage {
  const format = sniffFormat(bytes);
  const probe = probeImage(bytes);
  if (probe.problem) {
    throw new DatasetError(`${fileName}: ${probe.problem}`);
  }
  try {
    if (format === 'png') return decodePng(bytes);
    if (format === 'jpeg') return decodeJpegJs(bytes);
  } catch (e) {
    throw new DatasetError(`${fileName}: cannot decode the ${format.toUpperCase()} image (${(e as Error).message})`);
  }
  const why = format === 'webp' ? 'WebP cannot be decoded here without @jsquash/webp (convert the image to PNG or JPEG)' : 'unsupported image format';
  throw new DatasetError(`${fileName}: ${why}`);
}

function decodeJpegJs(bytes: Uint8Array): RgbImage {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: 1000,
    maxMemoryUsageInMB: 4096,
  });
  return { width: img.width, height: img.height, data: img.data };
}

/** RGBA -> RGB, alpha dropped (PIL's convert('RGB') never composites). */
export function rgbaToRgb(img: RgbaImage): RgbImage {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i * 3] = d[j];
    out[i * 3 + 1] = d[j + 1];
    out[i * 3 + 2] = d[j + 2];
  }
  return { width: img.width, height: img.height, data: out };
}
