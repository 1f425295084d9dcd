/**
 * A PNG decoder in plain TypeScript (zlib through fflate), giving exactly what Pillow 9.4's
 * `Image.open(f).convert('RGB')` gives, in Node and in the browser alike:
 *  - every colour type and depth: grey 1/2/4/8/16, grey+alpha 8/16, RGB 8/16, palette 1/2/4/8,
 *    RGBA 8/16; Adam7 interlacing;
 *  - grey below 8 bits scaled to 0..255 (x255, x85, x17), as PIL's "L;1", "L;2", "L;4" raw modes;
 *  - 16-bit colour and grey+alpha keep the high byte ("RGB;16B", "LA;16B");
 *  - 16-bit grey is PIL mode "I": convert('RGB') CLIPS each value to 255 (not scaled);
 *  - palette indices look up PLTE; entries past its end are grey (i, i, i), as PIL's default palette;
 *  - alpha and tRNS are dropped, never composited.
 * Chunk CRCs are checked (PIL checks them too); problems throw an Error naming what is wrong.
 */
import { unzlibSync } from 'fflate';
import { crc32 } from './zip_source';
import type { RgbImage } from './types';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Samples per pixel by colour type. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: number;
}

const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

export function decodePng(bytes: Uint8Array): RgbImage {
  if (bytes.length < 8 || SIGNATURE.some((v, i) => bytes[i] !== v)) throw new Error('not a PNG file');
  let header: Header | null = null;
  let palette: Uint8Array = new Uint8Array(0);
  const idat: Uint8Array[] = [];
  let idatLength = 0;
  let pos = 8;
  let ended = false;
  while (pos < bytes.length) {
    if (pos + 8 > bytes.length) throw new Error('a chunk header runs past the end of the file');
    const len = u32(bytes, pos);
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    const end = pos + 8 + len;
    if (end + 4 > bytes.length) throw new Error(`chunk ${type} runs past the end of the file`);
    if (crc32(bytes.subarray(pos + 4, end)) !== u32(bytes, end)) throw new Error(`bad CRC in chunk ${type}`);
    const data = bytes.subarray(pos + 8, end);
    if (type === 'IHDR') header = readHeader(data);
    else if (type === 'PLTE') palette = data;
    else if (type === 'IDAT') {
      idat.push(data);
      idatLength += data.length;
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    pos = end + 4;
  }
  if (!header) throw new Error('no IHDR chunk');
  if (!ended) throw new Error('no IEND chunk (the file is cut short)');
  if (idat.length === 0) throw new Error('no image data');
  if (header.colorType === 3 && palette.length === 0) throw new Error('palette image without a PLTE chunk');
  const compressed = idat.length === 1 ? idat[0] : concat(idat, idatLength);
  let raw: Uint8Array;
  try {
    raw = unzlibSync(compressed);
  } catch (e) {
    throw new Error(`corrupt compressed image data (${(e as Error).message})`);
  }
  const samples = header.interlace ? deinterlace(raw, header) : unfilter(raw, header, header.width, header.height);
  return toRgb(samples, header, palette);
}

function readHeader(d: Uint8Array): Header {
  if (d.length !== 13) throw new Error('bad IHDR chunk');
  const h: Header = { width: u32(d, 0), height: u32(d, 4), depth: d[8], colorType: d[9], interlace: d[12] };
  if (h.width === 0 || h.height === 0) throw new Error(`bad image size ${h.width}x${h.height}`);
  if (!DEPTHS[h.colorType]?.includes(h.depth)) throw new Error(`unsupported colour type ${h.colorType} with bit depth ${h.depth}`);
  if (d[10] !== 0 || d[11] !== 0 || h.interlace > 1) throw new Error('unsupported compression, filter or interlace method');
  return h;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Bytes per scanline (without the filter byte) and bytes per complete pixel (at least 1). */
function geometry(h: Header, width: number): { stride: number; bpp: number } {
  const bits = CHANNELS[h.colorType] * h.depth;
  return { stride: Math.ceil((width * bits) / 8), bpp: Math.max(1, bits >> 3) };
}

/**
 * Reverses the per-row filters of one (sub-)image starting at `raw[offset]`; returns the filtered-away
 * rows packed as they are stored (no filter bytes).
 */
function unfilter(raw: Uint8Array, h: Header, width: number, height: number, offset = 0): Uint8Array {
  const { stride, bpp } = geometry(h, width);
  if (offset + height * (stride + 1) > raw.length) throw new Error('image data is shorter than the image (truncated)');
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[offset + y * (stride + 1)];
    const src = offset + y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      let v = raw[src + x];
      switch (filter) {
        case 0:
          break;
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) >> 1;
          break;
        case 4: {
          const c = y > 0 && x >= bpp ? out[prev + x - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad filter type ${filter} in row ${y}`);
      }
      out[row + x] = v;
    }
  }
  return out;
}

/** Adam7: unfilters each pass and scatters its pixels into a full-size packed image. */
function deinterlace(raw: Uint8Array, h: Header): Uint8Array {
  const bits = CHANNELS[h.colorType] * h.depth;
  const full = geometry(h, h.width).stride;
  const out = new Uint8Array(full * h.height);
  let offset = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const pw = Math.ceil((h.width - x0) / dx);
    const ph = Math.ceil((h.height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const pass = unfilter(raw, h, pw, ph, offset);
    const ps = geometry(h, pw).stride;
    offset += ph * (ps + 1);
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++) {
        copyPixel(pass, py * ps, px, out, (y0 + py * dy) * full, x0 + px * dx, bits);
      }
    }
  }
  return out;
}

/** Copies pixel `sx` of a packed row to pixel `dx` of another (`bits` per pixel). */
function copyPixel(src: Uint8Array, srow: number, sx: number, dst: Uint8Array, drow: number, dx: number, bits: number): void {
  if (bits >= 8) {
    const n = bits >> 3;
    for (let k = 0; k < n; k++) dst[drow + dx * n + k] = src[srow + sx * n + k];
    return;
  }
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const sShift = 8 - bits * ((sx % perByte) + 1);
  const v = (src[srow + Math.floor(sx / perByte)] >> sShift) & mask;
  const dShift = 8 - bits * ((dx % perByte) + 1);
  dst[drow + Math.floor(dx / perByte)] |= v << dShift;
}

/** Packed samples -> 8-bit RGB with PIL's mode conversions (see the file header). */
function toRgb(s: Uint8Array, h: Header, palette: Uint8Array): RgbImage {
  const { width, height, depth, colorType } = h;
  const { stride } = geometry(h, width);
  const out = new Uint8Array(width * height * 3);
  const channels = CHANNELS[colorType];
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (depth < 8) {
        const perByte = 8 / depth;
        const v = (s[row + Math.floor(x / perByte)] >> (8 - depth * ((x % perByte) + 1))) & ((1 << depth) - 1);
        if (colorType === 3) {
          setPalette(out, o, palette, v);
        } else {
          const g = (v * 255) / ((1 << depth) - 1);
          out[o] = out[o + 1] = out[o + 2] = g;
        }
        continue;
      }
      if (depth === 8) {
        const i = row + x * channels;
        if (colorType === 3) setPalette(out, o, palette, s[i]);
        else if (channels <= 2) out[o] = out[o + 1] = out[o + 2] = s[i];
        else {
          out[o] = s[i];
          out[o + 1] = s[i + 1];
          out[o + 2] = s[i + 2];
        }
        continue;
      }
      // 16 bits, big-endian samples.
      const i = row + x * channels * 2;
      if (colorType === 0) {
        const v = (s[i] << 8) | s[i + 1];
        out[o] = out[o + 1] = out[o + 2] = v > 255 ? 255 : v;
      } else if (colorType === 4) {
        out[o] = out[o + 1] = out[o + 2] = s[i];
      } else {
        out[o] = s[i];
        out[o + 1] = s[i + 2];
        out[o + 2] = s[i + 4];
      }
    }
  }
  return { width, height, data: out };
}

function setPalette(out: Uint8Array, o: number, palette: Uint8Array, index: number): void {
  const p = index * 3;
  const inside = p + 2 < palette.length;
  out[o] = inside ? palette[p] : index;
  out[o + 1] = inside ? palette[p + 1] : index;
  out[o + 2] = inside ? palette[p + 2] : index;
}
