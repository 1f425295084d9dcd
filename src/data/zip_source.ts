/**
 * A DatasetSource over a .zip, for Node (a file handle) and the browser (a Blob): the central
 * directory is read from the end of the archive, and `read(path)` fetches and inflates that one entry
 * only (fflate), so an archive of any size is never loaded or inflated whole. Handles zip64, UTF-8 and
 * stored/deflated entries; refuses encrypted entries and other compression methods by name.
 */
import { inflateSync } from 'fflate';
import { normalizePath } from './discover';
import { DatasetError } from './errors';
import type { DatasetSource, RandomAccessFile } from './ports';

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Random access to a Blob (a File from an <input>, or any Blob); works in browsers and Node >= 18. */
export function blobFile(blob: Blob): RandomAccessFile {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

export class ZipSource implements DatasetSource {
  private entries: Map<string, Entry> | null = null;

  constructor(
    readonly name: string,
    private readonly file: RandomAccessFile,
  ) {}

  async list(): Promise<string[]> {
    return [...(await this.index()).keys()];
  }

  async read(path: string): Promise<Uint8Array> {
    const e = (await this.index()).get(path);
    if (!e) throw new DatasetError(`${this.name}: no entry "${path}" in the archive`);
    if (e.flags & 1) throw new DatasetError(`${this.name}: "${path}" is encrypted (password-protected zips are not supported)`);
    const head = await this.file.read(e.localOffset, 30);
    const v = view(head);
    if (head.length < 30 || v.getUint32(0, true) !== LOCAL) throw new DatasetError(`${this.name}: "${path}": corrupt zip (bad local header)`);
    const start = e.localOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
    const raw = await this.file.read(start, e.compressedSize);
    if (raw.length < e.compressedSize) throw new DatasetError(`${this.name}: "${path}": the archive is truncated`);
    let out: Uint8Array;
    if (e.method === 0) out = raw;
    else if (e.method === 8) {
      try {
        out = inflateSync(raw, { out: new Uint8Array(e.size) });
      } catch (err) {
        throw new DatasetError(`${this.name}: "${path}": corrupt compressed data (${(err as Error).message})`);
      }
    } else throw new DatasetError(`${this.name}: "${path}" uses compression method ${e.method} (only stored and deflate are supported)`);
    if (out.length !== e.size || crc32(out) !== e.crc) throw new DatasetError(`${this.name}: "${path}": corrupt entry (size or CRC mismatch)`);
    return out;
  }

  async close(): Promise<void> {
    await this.file.close?.();
  }

  /** The entry's uncompressed size, from the central directory. */
  async size(path: string): Promise<number | null> {
    return (await this.index()).get(path)?.size ?? null;
  }

  private async index(): Promise<Map<string, Entry>> {
    if (this.entries) return this.entries;
    const size = this.file.size;
    const tailLen = Math.min(size, 22 + 65535 + 20);
    const tail = await this.file.read(size - tailLen, tailLen);
    const tv = view(tail);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tv.getUint32(i, true) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new DatasetError(`${this.name}: not a zip archive (or it is truncated: no end-of-archive record)`);
    let count = tv.getUint16(eocd + 10, true);
    let cdSize = tv.getUint32(eocd + 12, true);
    let cdOffset = tv.getUint32(eocd + 16, true);
    if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && tv.getUint32(eocd - 20, true) === EOCD64_LOCATOR) {
      const recOffset = Number(tv.getBigUint64(eocd - 20 + 8, true));
      const rec = view(await this.file.read(recOffset, 56));
      if (rec.getUint32(0, true) !== EOCD64) throw new DatasetError(`${this.name}: corrupt zip64 archive`);
      count = Number(rec.getBigUint64(32, true));
      cdSize = Number(rec.getBigUint64(40, true));
      cdOffset = Number(rec.getBigUint64(48, true));
    }
    if (cdOffset + cdSize > size) throw new DatasetError(`${this.name}: the zip archive is truncated (its directory lies past the end)`);
    const cd = await this.file.read(cdOffset, cdSize);
    const cv = view(cd);
    const entries = new Map<string, Entry>();
    const utf8 = new TextDecoder('utf-8');
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cv.getUint32(p, true) !== CENTRAL) throw new DatasetError(`${this.name}: corrupt zip directory (entry ${k})`);
      const nameLen = cv.getUint16(p + 28, true);
      const extraLen = cv.getUint16(p + 30, true);
      const commentLen = cv.getUint16(p + 32, true);
      const e: Entry = {
        name: utf8.decode(cd.subarray(p + 46, p + 46 + nameLen)),
        flags: cv.getUint16(p + 8, true),
        method: cv.getUint16(p + 10, true),
        crc: cv.getUint32(p + 16, true),
        compressedSize: cv.getUint32(p + 20, true),
        size: cv.getUint32(p + 24, true),
        localOffset: cv.getUint32(p + 42, true),
      };
      readZip64Extra(e, cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen));
      p += 46 + nameLen + extraLen + commentLen;
      if (e.name.endsWith('/')) continue; // a directory
      entries.set(normalizePath(e.name), e);
    }
    this.entries = entries;
    return entries;
  }
}

/** Zip64 extended information (0x0001): the 8-byte sizes/offset that were 0xFFFFFFFF, in order. */
function readZip64Extra(e: Entry, extra: Uint8Array): void {
  const v = view(extra);
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = v.getUint16(i, true);
    const len = v.getUint16(i + 2, true);
    if (id === 0x0001) {
      let q = i + 4;
      const take = () => {
        const n = Number(v.getBigUint64(q, true));
        q += 8;
        return n;
      };
      if (e.size === 0xffffffff) e.size = take();
      if (e.compressedSize === 0xffffffff) e.compressedSize = take();
      if (e.localOffset === 0xffffffff) e.localOffset = take();
    }
    i += 4 + len;
  }
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

let CRC_TABLE: Uint32Array | null = null;

export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
