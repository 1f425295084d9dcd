/**
 * The zip container of torch >= 1.6 files, read and written by hand: stored (uncompressed) entries
 * whose data is aligned to 64 bytes, as torch's PyTorchFileWriter (miniz) lays them out, and zip64
 * records past 4 GiB. Deflated entries (a file re-zipped by another tool) are inflated with fflate.
 * Format reference: PKWARE APPNOTE.TXT sections 4.3-4.5.
 */
import { inflateSync } from 'fflate';
import { WeightsFormatError } from '../types';
import { crc32 } from './crc32';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Where the entry's (compressed) data starts in the file. */
  dataOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const U32_MAX = 0xffffffff;

function u64(dv: DataView, at: number): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('zip64 value too large');
  return Number(v);
}

/** The entries of a zip file, in central-directory order. */
export function readZipDirectory(bytes: Uint8Array, file: string): ZipEntry[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (msg: string): never => {
    throw new WeightsFormatError(`${file}: broken zip (${msg}); the file is truncated or corrupt`);
  };
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (dv.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad('no end-of-central-directory record');
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== SIG_LOCATOR64) bad('zip64 locator missing');
    const at = u64(dv, loc + 8);
    if (at + 56 > bytes.length || dv.getUint32(at, true) !== SIG_EOCD64) bad('zip64 end record missing');
    count = u64(dv, at + 32);
    cdSize = u64(dv, at + 40);
    cdOffset = u64(dv, at + 48);
  }
  if (cdOffset + cdSize > bytes.length) bad(`central directory at ${cdOffset}+${cdSize} lies past the end (${bytes.length} bytes)`);
  const names = new TextDecoder('utf-8');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== SIG_CENTRAL) bad(`central directory entry ${k} missing`);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let local = dv.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen > bytes.length) bad(`central directory entry ${k} runs past the end`);
    const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field (id 1): the 64-bit values of the fields that read 0xffffffff, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = dv.getUint16(e, true);
      const len = dv.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        if (size === U32_MAX) (size = u64(dv, q)), (q += 8);
        if (compressedSize === U32_MAX) (compressedSize = u64(dv, q)), (q += 8);
        if (local === U32_MAX) local = u64(dv, q);
      }
      e += 4 + len;
    }
    if (local + 30 > bytes.length || dv.getUint32(local, true) !== SIG_LOCAL) bad(`local header of "${name}" missing`);
    const dataOffset = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    if (dataOffset + compressedSize > bytes.length) bad(`data of "${name}" runs past the end of the file`);
    entries.push({ name, method, crc, compressedSize, size, dataOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** An entry's bytes: a view into `bytes` when stored, else inflated. `verify` checks the CRC. */
export function zipEntryData(bytes: Uint8Array, e: ZipEntry, file: string, verify = false): Uint8Array {
  const raw = bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  let data: Uint8Array;
  if (e.method === 0) data = raw;
  else if (e.method === 8) {
    try {
      data = inflateSync(raw, { out: new Uint8Array(e.size) });
    } catch (err) {
      throw new WeightsFormatError(`${file}: entry "${e.name}" does not inflate (${(err as Error).message})`);
    }
  } else throw new WeightsFormatError(`${file}: entry "${e.name}" uses zip compression method ${e.method}; only stored and deflate are supported`);
  if (data.length !== e.size) throw new WeightsFormatError(`${file}: entry "${e.name}" has ${data.length} bytes, the directory says ${e.size}`);
  if (verify && crc32(data) !== e.crc) throw new WeightsFormatError(`${file}: entry "${e.name}" fails its CRC check; the file is corrupt`);
  return data;
}

export interface ZipWriteOptions {
  /** Data alignment (torch: 64). */
  align?: number;
  /** Sizes/offsets at or above this use zip64 records (0xffffffff; lower only to test zip64). */
  zip64Threshold?: number;
}

/** A stored zip as parts to write in order; entry data parts are the caller's bytes (no copy). */
export function writeZip(entries: { name: string; data: Uint8Array }[], opts: ZipWriteOptions = {}): Uint8Array[] {
  const align = opts.align ?? 64;
  const limit = Math.min(opts.zip64Threshold ?? U32_MAX, U32_MAX);
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = enc.encode(name);
    const crc = crc32(data);
    const big = data.length >= limit;
    const zip64Len = big ? 20 : 0;
    const base = offset + 30 + nameBytes.length + zip64Len + 4;
    const pad = (align - (base % align)) % align;
    const local = new Uint8Array(30 + nameBytes.length + zip64Len + 4 + pad);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, big ? 45 : 20, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, big ? U32_MAX : data.length, true);
    lv.setUint32(22, big ? U32_MAX : data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    lv.setUint16(28, zip64Len + 4 + pad, true);
    local.set(nameBytes, 30);
    let x = 30 + nameBytes.length;
    if (big) {
      lv.setUint16(x, 1, true);
      lv.setUint16(x + 2, 16, true);
      lv.setBigUint64(x + 4, BigInt(data.length), true);
      lv.setBigUint64(x + 12, BigInt(data.length), true);
      x += 20;
    }
    lv.setUint16(x, 0x4246, true); // "FB": padding, as miniz writes it
    lv.setUint16(x + 2, pad, true);
    parts.push(local, data);

    const farLocal = offset >= limit;
    const c64 = (big ? 16 : 0) + (farLocal ? 8 : 0);
    const cen = new Uint8Array(46 + nameBytes.length + (c64 ? 4 + c64 : 0));
    const cv = new DataView(cen.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, c64 ? 45 : 20, true);
    cv.setUint16(6, c64 ? 45 : 20, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, big ? U32_MAX : data.length, true);
    cv.setUint32(24, big ? U32_MAX : data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint16(30, c64 ? 4 + c64 : 0, true);
    cv.setUint32(42, farLocal ? U32_MAX : offset, true);
    cen.set(nameBytes, 46);
    if (c64) {
      let y = 46 + nameBytes.length;
      cv.setUint16(y, 1, true);
      cv.setUint16(y + 2, c64, true);
      y += 4;
      if (big) for (let r = 0; r < 2; r++, y += 8) cv.setBigUint64(y, BigInt(data.length), true);
      if (farLocal) cv.setBigUint64(y, BigInt(offset), true);
    }
    central.push(cen);
    offset += local.length + data.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  parts.push(...central);
  const need64 = entries.length >= 0xffff || offset >= limit || cdSize >= limit;
  if (need64) {
    const z = new Uint8Array(56 + 20);
    const zv = new DataView(z.buffer);
    zv.setUint32(0, SIG_EOCD64, true);
    zv.setBigUint64(4, 44n, true);
    zv.setUint16(12, 45, true);
    zv.setUint16(14, 45, true);
    zv.setBigUint64(24, BigInt(entries.length), true);
    zv.setBigUint64(32, BigInt(entries.length), true);
    zv.setBigUint64(40, BigInt(cdSize), true);
    zv.setBigUint64(48, BigInt(offset), true);
    zv.setUint32(56, SIG_LOCATOR64, true);
    zv.setBigUint64(64, BigInt(offset + cdSize), true);
    zv.setUint32(72, 1, true);
    parts.push(z);
  }
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, SIG_EOCD, true);
  ev.setUint16(8, need64 ? 0xffff : entries.length, true);
  ev.setUint16(10, need64 ? 0xffff : entries.length, true);
  ev.setUint32(12, need64 ? U32_MAX : cdSize, true);
  ev.setUint32(16, need64 ? U32_MAX : offset, true);
  parts.push(end);
  return parts;
}
