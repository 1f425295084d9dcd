/**
 * Reads what an encoded image says about itself without decoding pixels: its format, stored size,
 * EXIF orientation, and whether the file is cut short (a PNG without IEND, a JPEG without EOI, a
 * RIFF shorter than it says). Pure byte parsing, so the page and the CLI share it; `inspect` runs it
 * on every image, and decoding (ImageDecoder) finds the remaining corruptions when a batch is built.
 */

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'unknown';

export interface ImageProbe {
  format: ImageFormat;
  /** Stored pixel size (0 when unreadable). */
  width: number;
  height: number;
  /** EXIF orientation tag (1..8), 1 when absent. DETR (PIL without exif_transpose) ignores it. */
  orientation: number;
  /** Why the file cannot be used, or null when its structure looks complete. */
  problem: string | null;
  /** JPEG colour components (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK); 0 for other formats. */
  components: number;
  /** Something usable but surprising about how PIL (so DETR) reads it, or null. */
  note: string | null;
}

export function sniffFormat(b: Uint8Array): ImageFormat {
  const at = (i: number, s: number[]) => s.every((v, k) => b[i + k] === v);
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (at(0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'webp';
  if (at(0, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (at(0, [0x42, 0x4d])) return 'bmp';
  if (at(0, [0x49, 0x49, 0x2a, 0x00]) || at(0, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  return 'unknown';
}

export function probeImage(b: Uint8Array): ImageProbe {
  const format = sniffFormat(b);
  const base: ImageProbe = { format, width: 0, height: 0, orientation: 1, problem: null, note: null, components: 0 };
  try {
    switch (format) {
      case 'png':
        return { ...base, ...probePng(b) };
      case 'jpeg':
        return { ...base, ...probeJpeg(b) };
      case 'webp':
        return { ...base, ...probeWebp(b) };
      case 'unknown':
        return { ...base, problem: b.length === 0 ? 'the file is empty' : 'not an image (unknown format)' };
      default:
        return { ...base, problem: `${format.toUpperCase()} images are not supported (use PNG, JPEG or WebP)` };
    }
  } catch (e) {
    return { ...base, problem: `unreadable header (${(e as Error).message})` };
  }
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u32le = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

function probePng(b: Uint8Array): Partial<ImageProbe> {
  if (b.length < 33 || String.fromCharCode(...b.subarray(12, 16)) !== 'IHDR') return { problem: 'truncated PNG (no IHDR header)' };
  const out: Partial<ImageProbe> = { width: u32be(b, 16), height: u32be(b, 20) };
  if (b[24] === 16 && b[25] === 0) {
    out.note = '16-bit greyscale PNG: PIL (so DETR) reads it as mode "I" and clips every value above 255 to white';
  }
  let pos = 8;
  let sawData = false;
  while (pos + 8 <= b.length) {
    const len = u32be(b, pos);
    const type = String.fromCharCode(...b.subarray(pos + 4, pos + 8));
    if (pos + 12 + len > b.length) return { ...out, problem: `truncated PNG (chunk ${type} runs past the end of the file)` };
    if (type === 'IDAT') sawData = true;
    if (type === 'eXIf') out.orientation = exifOrientation(b.subarray(pos + 8, pos + 8 + len));
    if (type === 'IEND') return sawData ? out : { ...out, problem: 'corrupt PNG (no image data)' };
    pos += 12 + len;
  }
  return { ...out, problem: 'truncated PNG (no IEND chunk: the file is cut short)' };
}

/** SOF markers that carry the frame size (not DHT C4, JPG C8, DAC CC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function probeJpeg(b: Uint8Array): Partial<ImageProbe> {
  const out: Partial<ImageProbe> = {};
  let pos = 2;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) return { ...out, problem: `corrupt JPEG (no marker at byte ${pos})` };
    const marker = b[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos += 2;
      continue;
    }
    const len = u16be(b, pos + 2);
    if (pos + 2 + len > b.length) return { ...out, problem: 'truncated JPEG (a header segment runs past the end of the file)' };
    if (SOF.has(marker)) {
      out.height = u16be(b, pos + 5);
      out.width = u16be(b, pos + 7);
      out.components = b[pos + 9];
    } else if (marker === 0xe1 && String.fromCharCode(...b.subarray(pos + 4, pos + 10)) === 'Exif\0\0') {
      if (out.orientation === undefined) out.orientation = exifOrientation(b.subarray(pos + 10, pos + 2 + len));
    } else if (marker === 0xda) {
      if (!out.width || !out.height) return { ...out, problem: 'corrupt JPEG (no frame header before the image data)' };
      // Entropy-coded data never holds FF D9 (FF is stuffed as FF 00): its presence marks the end.
      for (let i = pos + 2 + len; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === 0xd9) return out;
      return { ...out, problem: 'truncated JPEG (no end-of-image marker: the file is cut short)' };
    } else if (marker === 0xd9) {
      break;
    }
    pos += 2 + len;
  }
  return { ...out, problem: 'truncated JPEG (no image data)' };
}

function probeWebp(b: Uint8Array): Partial<ImageProbe> {
  const riffSize = u32le(b, 4) + 8;
  if (riffSize > b.length) return { problem: `truncated WebP (${b.length} of ${riffSize} bytes)` };
  const out: Partial<ImageProbe> = {};
  let pos = 12;
  while (pos + 8 <= riffSize) {
    const type = String.fromCharCode(...b.subarray(pos, pos + 4));
    const len = u32le(b, pos + 4);
    const d = pos + 8;
    if (type === 'VP8X') {
      out.width = 1 + (b[d + 4] | (b[d + 5] << 8) | (b[d + 6] << 16));
      out.height = 1 + (b[d + 7] | (b[d + 8] << 8) | (b[d + 9] << 16));
    } else if (type === 'VP8 ' && out.width === undefined) {
      out.width = u16le(b, d + 6) & 0x3fff;
      out.height = u16le(b, d + 8) & 0x3fff;
    } else if (type === 'VP8L' && out.width === undefined) {
      const bits = u32le(b, d + 1);
      out.width = (bits & 0x3fff) + 1;
      out.height = ((bits >>> 14) & 0x3fff) + 1;
    } else if (type === 'EXIF') {
      let e = b.subarray(d, d + len);
      if (String.fromCharCode(...e.subarray(0, 6)) === 'Exif\0\0') e = e.subarray(6);
      out.orientation = exifOrientation(e);
    }
    pos = d + len + (len & 1);
  }
  if (!out.width) return { ...out, problem: 'corrupt WebP (no image chunk)' };
  return out;
}

/** Orientation (tag 0x0112) from a TIFF-structured EXIF block; 1 when absent or unreadable. */
export function exifOrientation(t: Uint8Array): number {
  if (t.length < 8) return 1;
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const r16 = (i: number) => (le ? u16le(t, i) : u16be(t, i));
  const r32 = (i: number) => (le ? u32le(t, i) : u32be(t, i));
  const ifd = r32(4);
  if (ifd + 2 > t.length) return 1;
  const n = r16(ifd);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > t.length) return 1;
    if (r16(e) === 0x0112) {
      const v = r16(e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}
