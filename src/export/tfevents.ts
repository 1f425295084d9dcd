/**
 * TensorBoard event files, written by our own encoder (no dependency): a sequence of TFRecords
 * (tensorflow/core/lib/io/record_writer.cc)
 *
 *   uint64 length (little-endian) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
 *
 * whose data are `tensorflow.Event` protos (tensorflow/core/util/event.proto):
 *
 *   Event   { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; float simple_value = 2; }
 *
 * The first record is the `file_version: "brain.Event:2"` event, as every TensorFlow / PyTorch
 * SummaryWriter writes it. File names must contain "tfevents" for TensorBoard to read them.
 */
import { maskedCrc32c } from './crc32c';

export const FILE_VERSION = 'brain.Event:2';

/** Protobuf wire types. */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** A growable little-endian byte buffer with protobuf's primitive encodings. */
class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;
  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  private varint(v: bigint): void {
    // int64 fields are two's complement on 64 bits, then base-128.
    let x = BigInt.asUintN(64, v);
    this.reserve(10);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.buf[this.len++] = b;
    } while (x !== 0n);
  }
  private key(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }
  double(field: number, v: number): this {
    this.key(field, FIXED64);
    this.reserve(8);
    new DataView(this.buf.buffer).setFloat64(this.len, v, true);
    this.len += 8;
    return this;
  }
  float(field: number, v: number): this {
    this.key(field, FIXED32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }
  int64(field: number, v: number): this {
    this.key(field, VARINT);
    this.varint(BigInt(Math.trunc(v)));
    return this;
  }
  bytes(field: number, b: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(BigInt(b.length));
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export interface ScalarValue {
  tag: string;
  value: number;
}

/** An Event proto holding `file_version`. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).int64(2, 0).string(3, FILE_VERSION).finish();
}

/** An Event proto with one Summary of `simple_value`s at `step`. */
export function scalarsEvent(wallTime: number, step: number, values: readonly ScalarValue[]): Uint8Array {
  const summary = new ProtoWriter();
  for (const v of values) summary.bytes(1, new ProtoWriter().string(1, v.tag).float(2, v.value).finish());
  return new ProtoWriter().double(1, wallTime).int64(2, step).bytes(5, summary.finish()).finish();
}

/** One TFRecord around `data`. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** `events.out.tfevents.<seconds>.<host>`, the name TensorBoard looks for. */
export function eventFileName(wallTimeSeconds: number, host: string): string {
  return `events.out.tfevents.${Math.floor(wallTimeSeconds)}.${host.replace(/[^A-Za-z0-9_.-]/g, '_') || 'localhost'}`;
}
