/**
 * The Node decoder against PIL's `Image.open(f).convert('RGB')` (Debian's python3-pil 9.4) on images
 * PIL and a raw PNG writer generate here: every PNG colour type and bit depth must be bit-exact; JPEG
 * differences (jpeg-js vs libjpeg-turbo) are measured and bounded.
 */
import { describe, expect, it } from 'vitest';
import { NodeImageDecoder, decodeImageSync } from './image_decoder';
import { hasPil, runPython } from '../../testing/pil';
import { skipReason } from '../../testing/paths';
import { PNG } from 'pngjs';

const GEN = String.raw`
import sys, io, struct, zlib, json, base64
import numpy as np
from PIL import Image
rng = np.random.default_rng(0)
W, H = 37, 29
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def raw_png(ct, depth, rows, extra=b''):
    ihdr = struct.pack('>IIBBBBB', W, H, depth, ct, 0, 0, 0)
    data = b''.join(b'\x00' + r for r in rows)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + extra + chunk(b'IDAT', zlib.compress(data)) + chunk(b'IEND', b'')
def pack_bits(vals, depth):
    out = bytearray(); acc = 0; n = 0
    for v in vals:
        acc = (acc << depth) | int(v); n += depth
        if n == 8: out.append(acc); acc = 0; n = 0
    if n: out.append(acc << (8 - n))
    return bytes(out)
def save(im, fmt='PNG', **kw):
    b = io.BytesIO(); im.save(b, fmt, **kw); return b.getvalue()
c = {}
img = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
c['rgb8'] = save(Image.fromarray(img))
c['rgba8'] = save(Image.fromarray(rng.integers(0, 256, (H, W, 4), dtype=np.uint8), 'RGBA'))
c['grey8'] = save(Image.fromarray(img[..., 0]))
c['grey_alpha8'] = save(Image.fromarray(rng.integers(0, 256, (H, W, 2), dtype=np.uint8), 'LA'))
c['grey8_trns'] = save(Image.fromarray(img[..., 0]), transparency=int(img[0, 0, 0]))
c['rgb8_trns'] = save(Image.fromarray(img), transparency=tuple(int(v) for v in img[0, 0]))
p = Image.fromarray(img).quantize(64)
c['palette8'] = save(p)
c['palette8_alpha'] = save(p, transparency=bytes([i * 4 % 256 for i in range(64)]))
c['bilevel'] = save(Image.fromarray(img[..., 0] > 128))
for d in (2, 4):
    vals = rng.integers(0, 1 << d, (H, W))
    c[f'grey{d}'] = raw_png(0, d, [pack_bits(r, d) for r in vals])
    pal = bytes(rng.integers(0, 256, 3 * (1 << d), dtype=np.uint8))
    c[f'palette{d}'] = raw_png(3, d, [pack_bits(r, d) for r in vals], chunk(b'PLTE', pal))
g16 = rng.integers(0, 65536, (H, W)).astype('>u2'); g16[:5] = rng.integers(0, 300, (5, W))
c['grey16'] = raw_png(0, 16, [r.tobytes() for r in g16])
c['grey16_trns'] = raw_png(0, 16, [r.tobytes() for r in g16], chunk(b'tRNS', struct.pack('>H', int(g16[0, 0]))))
for name, ct, ch in (('rgb16', 2, 3), ('rgba16', 6, 4), ('grey_alpha16', 4, 2)):
    a = rng.integers(0, 65536, (H, W * ch)).astype('>u2')
    c[name] = raw_png(ct, 16, [r.tobytes() for r in a])
yy, xx = np.mgrid[0:120, 0:160]
photo = np.stack([128 + 100 * np.sin(xx / 9.0), 128 + 90 * np.cos(yy / 7.0), (xx + yy) * 0.8], -1).clip(0, 255).astype(np.uint8)
photo[40:70, 50:110] = [230, 40, 60]
for name, kw in (('jpeg420', dict(quality=90)), ('jpeg444', dict(quality=90, subsampling=0)), ('jpeg422', dict(quality=75, subsampling=1)),
                 ('jpeg_progressive', dict(quality=85, progressive=True))):
    c[name] = save(Image.fromarray(photo), 'JPEG', **kw)
c['jpeg_grey'] = save(Image.fromarray(photo[..., 1]), 'JPEG', quality=90)
c['jpeg_cmyk'] = save(Image.fromarray(photo).convert('CMYK'), 'JPEG', quality=90)
rgba = np.dstack([photo, rng.integers(0, 256, photo.shape[:2], dtype=np.uint8)])
c['webp_lossy'] = save(Image.fromarray(photo), 'WEBP', quality=80)
c['webp_lossless'] = save(Image.fromarray(photo), 'WEBP', lossless=True)
c['webp_lossy_alpha'] = save(Image.fromarray(rgba, 'RGBA'), 'WEBP', quality=80)
c['webp_lossless_alpha'] = save(Image.fromarray(rgba, 'RGBA'), 'WEBP', lossless=True)
out = {}
for k, v in c.items():
    im = Image.open(io.BytesIO(v)); mode = im.mode; rgb = im.convert('RGB')
    out[k] = dict(file=base64.b64encode(v).decode(), mode=mode, w=rgb.width, h=rgb.height, rgb=base64.b64encode(rgb.tobytes()).decode())
json.dump(out, sys.stdout)
`;

interface Case {
  file: Uint8Array;
  mode: string;
  w: number;
  h: number;
  rgb: Uint8Array;
}

function generate(): Map<string, Case> {
  const raw = JSON.parse(Buffer.from(runPython(GEN)).toString('utf8')) as Record<string, { file: string; mode: string; w: number; h: number; rgb: string }>;
  const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
  return new Map(Object.entries(raw).map(([k, v]) => [k, { ...v, file: b64(v.file), rgb: b64(v.rgb) }]));
}

function diff(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

const pil = hasPil();
const why = pil ? '' : skipReason('decoder parity with PIL', 'no /usr/bin/python3 with PIL + numpy');

describe.skipIf(!pil)(`NodeImageDecoder vs PIL convert('RGB')${why}`, () => {
  const cases = pil ? generate() : new Map<string, Case>();

  it('decodes every PNG colour type and bit depth bit-exactly (alpha dropped, 16-bit as PIL)', () => {
    const pngs = [...cases].filter(([k]) => !k.startsWith('jpeg') && !k.startsWith('webp'));
    expect(pngs.length).toBe(18);
    for (const [name, c] of pngs) {
      const img = decodeImageSync(c.file, name);
      expect({ name, w: img.width, h: img.height }).toEqual({ name, w: c.w, h: c.h });
      expect({ name, mode: c.mode, ...diff(img.data, c.rgb) }).toEqual({ name, mode: c.mode, max: 0, mean: 0 });
    }
  });

  it('decodes JPEGs with jpeg-js (the fallback) within the measured differences from libjpeg-turbo', () => {
    // Measured on these images (see docs/datasets.md): max / mean absolute difference per channel value.
    const bounds: Record<string, [number, number]> = {
      jpeg444: [3, 0.6],
      jpeg_grey: [1, 0.1],
      jpeg_cmyk: [2, 0.1],
      // jpeg-js upsamples chroma by pixel replication, libjpeg-turbo with its "fancy" triangle filter:
      // large differences at sharp colour edges of subsampled JPEGs.
      jpeg420: [100, 3.5],
      jpeg422: [100, 3.5],
      jpeg_progressive: [100, 3.5],
    };
    for (const [name, [maxBound, meanBound]] of Object.entries(bounds)) {
      const c = cases.get(name)!;
      const img = decodeImageSync(c.file, name);
      const d = diff(img.data, c.rgb);
      console.log(`${name} (${c.mode}): max ${d.max}, mean ${d.mean.toFixed(3)}`);
      expect(d.max, name).toBeLessThanOrEqual(maxBound);
      expect(d.mean, name).toBeLessThanOrEqual(meanBound);
    }
  });

  it('decodes JPEG and WebP bit-exactly through the wasm codecs (CMYK via jpeg-js)', async (ctx) => {
    const decoder = new NodeImageDecoder();
    const backends = await decoder.backends();
    if (backends.jpeg !== 'mozjpeg-wasm' || backends.webp !== 'libwebp-wasm') {
      ctx.skip(skipReason('wasm codec parity', `@jsquash/jpeg / @jsquash/webp not installed (${JSON.stringify(backends)})`));
    }
    for (const [name, c] of [...cases].filter(([k]) => k.startsWith('jpeg') || k.startsWith('webp'))) {
      const img = await decoder.decode(c.file, name);
      const d = diff(img.data, c.rgb);
      expect({ name, w: img.width, h: img.height }).toEqual({ name, w: c.w, h: c.h });
      expect({ name, max: d.max }).toEqual({ name, max: name === 'jpeg_cmyk' ? 1 : 0 });
    }
    // A failed or CMYK decode leaves the codec usable.
    await expect(decoder.decode(cases.get('jpeg420')!.file.subarray(0, 400), 'cut.jpg')).rejects.toThrow(/^cut\.jpg: truncated JPEG/);
    expect(diff((await decoder.decode(cases.get('jpeg420')!.file, 'again')).data, cases.get('jpeg420')!.rgb).max).toBe(0);
  });
});

describe('NodeImageDecoder errors', () => {
  const png = PNG.sync.write(Object.assign(new PNG({ width: 4, height: 3 }), { data: Buffer.alloc(48, 200) }));
  it('refuses truncated, empty and unsupported files naming the file', () => {
    expect(() => decodeImageSync(new Uint8Array(png.subarray(0, png.length - 20)), 'cut.png')).toThrow(/^cut\.png: truncated PNG/);
    expect(() => decodeImageSync(new Uint8Array(0), 'empty.jpg')).toThrow(/^empty\.jpg: the file is empty/);
    expect(() => decodeImageSync(new TextEncoder().encode('hello'), 'notes.png')).toThrow(/^notes\.png: not an image/);
    expect(() => decodeImageSync(new TextEncoder().encode('GIF89a....'), 'a.gif')).toThrow(/GIF images are not supported/);
  });
  it('decodes a pngjs-written PNG', () => {
    const img = decodeImageSync(new Uint8Array(png), 'ok.png');
    expect([img.width, img.height, img.data[0], img.data.length]).toEqual([4, 3, 200, 36]);
  });
});
