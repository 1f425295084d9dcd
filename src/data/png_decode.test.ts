/**
 * png_decode against PIL's `Image.open(f).convert('RGB')` on PNGs a raw writer builds here with what
 * PIL's own writer never produces: Adam7 interlacing at every depth, each of the five row filters,
 * a palette shorter than its indices, odd sizes smaller than one Adam7 block. (Every colour type and
 * depth written by PIL is covered by src/platform/node/image_decoder.test.ts through the same decoder.)
 */
import { describe, expect, it } from 'vitest';
import { decodePng } from './png_decode';
import { hasPil, runPython } from '../testing/pil';
import { skipReason } from '../testing/paths';

const GEN = String.raw`
import sys, io, struct, zlib, json, base64
import numpy as np
from PIL import Image
rng = np.random.default_rng(1)
CH = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def pack(vals, depth):
    if depth == 16: return vals.astype('>u2').tobytes()
    if depth == 8: return vals.astype(np.uint8).tobytes()
    out = bytearray(); acc = 0; n = 0
    for v in vals.ravel():
        acc = (acc << depth) | int(v); n += depth
        if n == 8: out.append(acc); acc = 0; n = 0
    if n: out.append(acc << (8 - n))
    return bytes(out)
def paeth(a, b, c):
    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)
def filtered(rows, bpp, first_filter):
    out = b''; prev = bytes(len(rows[0])) if rows else b''
    for y, r in enumerate(rows):
        f = (first_filter + y) % 5; line = bytearray()
        for x in range(len(r)):
            a = r[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][f]
            line.append((r[x] - pred) & 255)
        out += bytes([f]) + bytes(line); prev = r
    return out
def png(ct, depth, px, interlace, plte=b''):
    H, W = px.shape[:2]
    bpp = max(1, CH[ct] * depth // 8)
    if interlace:
        data = b''
        for k, (x0, y0, dx, dy) in enumerate([(0,0,8,8),(4,0,8,8),(0,4,4,8),(2,0,4,4),(0,2,2,4),(1,0,2,2),(0,1,1,2)]):
            sub = px[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                data += filtered([pack(r.reshape(-1), depth) for r in sub], bpp, k)
    else:
        data = filtered([pack(r.reshape(-1), depth) for r in px], bpp, 0)
    ihdr = struct.pack('>IIBBBBB', W, H, depth, ct, 0, 0, interlace)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + plte + chunk(b'IDAT', zlib.compress(data)) + chunk(b'IEND', b'')
c = {}
for (W, H) in ((13, 11), (3, 2), (1, 1)):
    for ct, depths in ((0, (1, 2, 4, 8, 16)), (2, (8, 16)), (3, (1, 2, 4, 8)), (4, (8, 16)), (6, (8, 16))):
        for d in depths:
            hi = 1 << d
            shape = (H, W) if CH[ct] == 1 else (H, W, CH[ct])
            px = rng.integers(0, hi, shape)
            plte = b''
            if ct == 3:
                # A palette one entry short of the largest index used: PIL shows that index as grey.
                n = max(1, min(256, hi) - 1)
                plte = chunk(b'PLTE', bytes(rng.integers(0, 256, 3 * n, dtype=np.uint8)))
            for il in (0, 1):
                c[f'ct{ct}_d{d}_{W}x{H}_il{il}'] = png(ct, d, px, il, plte)
out = {}
for k, v in c.items():
    rgb = Image.open(io.BytesIO(v)).convert('RGB')
    out[k] = dict(file=base64.b64encode(v).decode(), w=rgb.width, h=rgb.height, rgb=base64.b64encode(rgb.tobytes()).decode())
json.dump(out, sys.stdout)
`;

const pil = hasPil();
const why = pil ? '' : skipReason('png_decode parity with PIL', 'no /usr/bin/python3 with PIL + numpy');

describe.skipIf(!pil)(`decodePng vs PIL convert('RGB')${why}`, () => {
  it('is bit-exact on interlaced and filtered PNGs of every colour type and depth, short palettes included', () => {
    const raw = JSON.parse(Buffer.from(runPython(GEN)).toString('utf8')) as Record<string, { file: string; w: number; h: number; rgb: string }>;
    const cases = Object.entries(raw);
    expect(cases.length).toBe(3 * 15 * 2);
    for (const [name, c] of cases) {
      const img = decodePng(new Uint8Array(Buffer.from(c.file, 'base64')));
      const want = new Uint8Array(Buffer.from(c.rgb, 'base64'));
      let diffs = 0;
      for (let i = 0; i < want.length; i++) if (img.data[i] !== want[i]) diffs++;
      expect({ name, w: img.width, h: img.height, diffs }).toEqual({ name, w: c.w, h: c.h, diffs: 0 });
    }
  });
});

describe('decodePng errors', () => {
  // 1x1 grey PNG (zlib of [filter 0, value 7]).
  const ok = Uint8Array.from(
    Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154789c63600700000900082023c38c0000000049454e44ae426082', 'hex'),
  );
  it('decodes a minimal PNG', () => {
    expect(decodePng(ok)).toEqual({ width: 1, height: 1, data: Uint8Array.from([7, 7, 7]) });
  });
  it('names a bad CRC, a cut file, and a missing IEND', () => {
    const badCrc = ok.slice();
    badCrc[44] ^= 1; // inside the IDAT data
    expect(() => decodePng(badCrc)).toThrow(/bad CRC in chunk IDAT/);
    expect(() => decodePng(ok.subarray(0, 40))).toThrow(/runs past the end of the file/);
    expect(() => decodePng(ok.subarray(0, ok.length - 12))).toThrow(/no IEND chunk/);
    expect(() => decodePng(new Uint8Array(10))).toThrow(/not a PNG file/);
  });
});
