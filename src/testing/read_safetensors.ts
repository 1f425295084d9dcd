/**
 * A minimal safetensors reader for tests (F32/I64/BOOL... as float64 numbers): the 8-byte little-endian
 * header length, the JSON header, then raw little-endian data. The project's real reader lives in
 * src/weights; this one keeps data tests independent of it.
 */
import { readFileSync } from 'node:fs';

export interface TestTensor {
  dtype: string;
  shape: number[];
  data: Float64Array;
}

export function readSafetensors(path: string, names?: string[]): Map<string, TestTensor> {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, TestTensor>();
  for (const [name, h] of Object.entries(header)) {
    if (name === '__metadata__' || (names && !names.includes(name))) continue;
    const [a, b] = h.data_offsets;
    const raw = buf.subarray(8 + n + a, 8 + n + b);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    let data: Float64Array;
    switch (h.dtype) {
      case 'F32':
        data = Float64Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
        break;
      case 'F64':
        data = Float64Array.from({ length: raw.byteLength / 8 }, (_, i) => view.getFloat64(i * 8, true));
        break;
      case 'I64':
        data = Float64Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
        break;
      case 'BOOL':
      case 'U8':
        data = Float64Array.from(raw);
        break;
      default:
        throw new Error(`readSafetensors: dtype ${h.dtype} of ${name} is not handled`);
    }
    out.set(name, { dtype: h.dtype, shape: h.shape, data });
  }
  return out;
}
