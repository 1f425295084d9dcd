/**
 * An independent reader of TensorBoard event files for tests: TFRecord framing with its masked
 * CRC32C checked (a bitwise CRC, not the writer's table), then a generic protobuf walk of
 * Event / Summary / Value. Shares no code with src/export/tfevents.ts.
 */

function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function masked(bytes: Uint8Array): number {
  const c = crc32cBitwise(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/** The records' data, every CRC checked (throws naming the record and which CRC failed). */
export function readRecords(file: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let p = 0;
  while (p < file.length) {
    if (p + 12 > file.length) throw new Error(`record ${out.length}: truncated header at byte ${p}`);
    const len = Number(dv.getBigUint64(p, true));
    if (dv.getUint32(p + 8, true) !== masked(file.subarray(p, p + 8))) throw new Error(`record ${out.length}: bad length CRC`);
    const data = file.subarray(p + 12, p + 12 + len);
    if (p + 16 + len > file.length) throw new Error(`record ${out.length}: truncated data`);
    if (dv.getUint32(p + 12 + len, true) !== masked(data)) throw new Error(`record ${out.length}: bad data CRC`);
    out.push(data);
    p += 16 + len;
  }
  return out;
}

type Field = { field: number; wire: number; varint?: bigint; fixed64?: DataView; fixed32?: DataView; bytes?: Uint8Array };

function fields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  let p = 0;
  const varint = (): bigint => {
    let x = 0n;
    let shift = 0n;
    for (;;) {
      const byte = b[p++];
      if (byte === undefined) throw new Error('truncated varint');
      x |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (!(byte & 0x80)) return x;
    }
  };
  while (p < b.length) {
    const key = Number(varint());
    const f: Field = { field: key >>> 3, wire: key & 7 };
    if (f.wire === 0) f.varint = varint();
    else if (f.wire === 1) (f.fixed64 = new DataView(b.buffer, b.byteOffset + p, 8)), (p += 8);
    else if (f.wire === 5) (f.fixed32 = new DataView(b.buffer, b.byteOffset + p, 4)), (p += 4);
    else if (f.wire === 2) {
      const n = Number(varint());
      f.bytes = b.subarray(p, p + n);
      p += n;
    } else throw new Error(`unsupported wire type ${f.wire}`);
    out.push(f);
  }
  return out;
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: { tag: string; value: number }[];
}

export function decodeEvent(data: Uint8Array): DecodedEvent {
  const ev: DecodedEvent = { wallTime: NaN, step: 0, scalars: [] };
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  for (const f of fields(data)) {
    if (f.field === 1 && f.wire === 1) ev.wallTime = f.fixed64!.getFloat64(0, true);
    else if (f.field === 2 && f.wire === 0) ev.step = Number(BigInt.asIntN(64, f.varint!));
    else if (f.field === 3 && f.wire === 2) ev.fileVersion = text(f.bytes!);
    else if (f.field === 5 && f.wire === 2) {
      for (const v of fields(f.bytes!)) {
        if (v.field !== 1 || v.wire !== 2) continue;
        let tag = '';
        let value = NaN;
        for (const x of fields(v.bytes!)) {
          if (x.field === 1 && x.wire === 2) tag = text(x.bytes!);
          if (x.field === 2 && x.wire === 5) value = x.fixed32!.getFloat32(0, true);
        }
        ev.scalars.push({ tag, value });
      }
    }
  }
  return ev;
}
