/**
 * Node's ImageDecoder, giving what DETR's `Image.open(f).convert('RGB')` (Pillow 9.4) gives:
 *  - PNG: exactly. pngjs decodes the samples (raw depth, skipRescale) and the PIL mode conversion is
 *    done here: grey 1/2/4-bit scaled to 0..255 (x255, x85, x17); 16-bit RGB/RGBA/grey+alpha keep the
 *    high byte (PIL's "RGB;16B" raw modes); 16-bit grey is PIL mode "I" whose convert('RGB') CLIPS to
 *    255 (not scaled); palette -> palette colours; alpha and tRNS dropped, never composited. The tRNS
 *    chunk is removed before pngjs sees it, since pngjs blacks out transparent-keyed pixels.
 *  - JPEG: MozJPEG compiled to wasm (@jsquash/jpeg, wasm_codecs.ts) when installed: bit-exact with PIL.
 *    Otherwise, and for CMYK/YCCK JPEGs (which it cannot convert), jpeg-js: not bit-exact (its chroma
 *    upsampling, IDCT and colour conversion differ from libjpeg-turbo's): see docs/datasets.md.
 *  - WebP: libwebp compiled to wasm (@jsquash/webp) when installed (bit-exact); else a clear error.
 *  - GIF, BMP, TIFF: refused with a clear error.
 * EXIF orientation is never applied (DETR does not apply it; COCO boxes refer to the stored pixels).
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { DatasetError } from '../../data/errors';
import { probeImage, sniffFormat } from '../../data/image_probe';
import type { ImageDecoder } from '../../data/ports';
import type { RgbImage } from '../../data/types';
import { loadWasmCodecs, rgbaToRgb } from './wasm_codecs';

export class NodeImageDecoder implements ImageDecoder {
  /** Which decoder handles JPEG and WebP here (for logs and tests). */
  async backends(): Promise<{ jpeg: 'mozjpeg-wasm' | 'jpeg-js'; webp: 'libwebp-wasm' | null }> {
    const c = await loadWasmCodecs();
    return { jpeg: c.jpeg ? 'mozjpeg-wasm' : 'jpeg-js', webp: c.webp ? 'libwebp-wasm' : null };
  }

  async decode(bytes: Uint8Array, fileName: string): Promise<RgbImage> {
    const format = sniffFormat(bytes);
    if (format === 'jpeg' || format === 'webp') {
      const codecs = await loadWasmCodecs();
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

/** The pure-JS path: PNG (exact) and JPEG via jpeg-js; used when the wasm codecs are absent. */
export function decodeImageSync(bytes: Uint8Array, fileName: string): RgbImage {
  const format = sniffFormat(bytes);
  const probe = probeImage(bytes);
  if (probe.problem) {
    throw new DatasetError(`${fileName}: ${probe.problem}`);
  }
  try {
    if (format === 'png') return decodePng(bytes);
    if (format === 'jpeg') return decodeJpeg(bytes);
  } catch (e) {
    throw new DatasetError(`${fileName}: cannot decode the ${format.toUpperCase()} image (${(e as Error).message})`);
  }
  const why = format === 'webp' ? 'WebP is not supported in the CLI without @jsquash/webp (convert the image to PNG or JPEG)' : 'unsupported image format';
  throw new DatasetError(`${fileName}: ${why}`);
}

/** The PNG without its tRNS chunk (chunks are self-delimiting; the others' CRCs are untouched). */
function withoutTrns(b: Uint8Array): Uint8Array {
  let pos = 8;
  while (pos + 8 <= b.length) {
    const len = ((b[pos] << 24) | (b[pos + 1] << 16) | (b[pos + 2] << 8) | b[pos + 3]) >>> 0;
    const type = String.fromCharCode(b[pos + 4], b[pos + 5], b[pos + 6], b[pos + 7]);
    if (type === 'tRNS') {
      const out = new Uint8Array(b.length - (12 + len));
      out.set(b.subarray(0, pos));
      out.set(b.subarray(pos + 12 + len), pos);
      return out;
    }
    if (type === 'IDAT' || type === 'IEND') break; // tRNS must precede IDAT
    pos += 12 + len;
  }
  return b;
}

function decodePng(bytes: Uint8Array): RgbImage {
  const src = withoutTrns(bytes);
  const png = PNG.sync.read(Buffer.from(src.buffer, src.byteOffset, src.byteLength), { skipRescale: true });
  const { width, height, depth, colorType } = png;
  // pngjs gives RGBA samples at the stored depth (grey replicated to R, G, B; palette expanded).
  const rgba = png.data as unknown as ArrayLike<number>;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const grey = colorType === 0 || colorType === 4;
  let map: (v: number) => number;
  if (depth === 16) {
    map = colorType === 0 ? (v) => (v > 255 ? 255 : v) : (v) => v >> 8;
  } else if (depth < 8 && grey) {
    const scale = 255 / ((1 << depth) - 1);
    map = (v) => v * scale;
  } else {
    map = (v) => v;
  }
  for (let i = 0; i < n; i++) {
    out[i * 3] = map(rgba[i * 4]);
    out[i * 3 + 1] = map(rgba[i * 4 + 1]);
    out[i * 3 + 2] = map(rgba[i * 4 + 2]);
  }
  return { width, height, data: out };
}

function decodeJpeg(bytes: Uint8Array): RgbImage {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: 1000,
    maxMemoryUsageInMB: 4096,
  });
  return { width: img.width, height: img.height, data: img.data };
}
