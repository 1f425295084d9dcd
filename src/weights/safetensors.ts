/**
 * safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N,
 * N bytes of JSON `{"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}`
 * (padded with spaces), then the data region; offsets are relative to the data region, which the
 * tensors cover exactly, without holes or overlaps.
 */
import { type DType, type TensorMap, WeightsFormatError, checkTensor, numel, tensorBytes, typedView, DTYPES } from './types';

/** safetensors dtype names <-> ours. */
const ST_TO_DTYPE: Readonly<Record<string, DType>> = Object.freeze({
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
});
const DTYPE_TO_ST = Object.freeze(Object.fromEntries(Object.entries(ST_TO_DTYPE).map(([k, v]) => [v, k])) as Record<DType, string>);

/** The safetensors reference implementation refuses headers above 100 MB; so do we. */
const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsFile {
  tensors: TensorMap;
  /** The `__metadata__` string map ({} when absent). */
  metadata: Record<string, string>;
}

/** True when the bytes start like a safetensors file (a plausible header length, then '{'). */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(bytes.length - 8) && bytes[8] === 0x7b; // '{'
}

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
  order: number;
}

function parseEntry(name: string, v: unknown, order: number, dataLen: number, file: string): Entry {
  const where = `${file}: tensor "${name}"`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WeightsFormatError(`${where}: header entry is not an object`);
  const { dtype: st, shape, data_offsets: offs } = v as Record<string, unknown>;
  const dtype = typeof st === 'string' ? ST_TO_DTYPE[st] : undefined;
  if (!dtype) throw new WeightsFormatError(`${where}: unknown dtype ${JSON.stringify(st)} (supported: ${Object.keys(ST_TO_DTYPE).join(', ')})`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new WeightsFormatError(`${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new WeightsFormatError(`${where}: data_offsets must be [begin, end], got ${JSON.stringify(offs)}`);
  }
  const [begin, end] = offs as number[];
  if (begin > end || end > dataLen) {
    throw new WeightsFormatError(`${where}: data_offsets [${begin}, ${end}] lie outside the data region (${dataLen} bytes)`);
  }
  const want = numel(shape) * DTYPES[dtype].bytes;
  if (end - begin !== want) {
    throw new WeightsFormatError(`${where}: shape [${shape}] of ${st} needs ${want} bytes, data_offsets span ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end, order };
}

/**
 * Reads a safetensors file. Tensors are zero-copy views into `bytes` when their offsets are aligned to
 * their element size (always, for files whose tensors are sorted by alignment as the reference writer
 * does), else copies. Tensor order is the order of the data region.
 */
export function readSafetensors(bytes: Uint8Array, file = 'weights.safetensors'): SafetensorsFile {
  if (bytes.length < 8) throw new WeightsFormatError(`${file}: not a safetensors file (${bytes.length} bytes, shorter than the 8-byte header length)`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) throw new WeightsFormatError(`${file}: header length ${n64} runs past the end of the file (${bytes.length} bytes): truncated or not safetensors`);
  const n = Number(n64);
  if (n > MAX_HEADER_BYTES) throw new WeightsFormatError(`${file}: header length ${n} exceeds ${MAX_HEADER_BYTES} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new WeightsFormatError(`${file}: header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new WeightsFormatError(`${file}: header is not a JSON object`);

  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WeightsFormatError(`${file}: __metadata__ must be an object of strings`);
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') throw new WeightsFormatError(`${file}: __metadata__["${k}"] must be a string, got ${JSON.stringify(s)}`);
        metadata[k] = s;
      }
      continue;
    }
    entries.push(parseEntry(name, v, entries.length, dataLen, file));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end || a.order - b.order);
  let pos = 0;
  for (const e of entries) {
    if (e.begin !== pos) {
      const what = e.begin < pos ? 'overlaps the previous tensor' : `leaves a hole of ${e.begin - pos} bytes before it`;
      throw new WeightsFormatError(`${file}: tensor "${e.name}" (data_offsets [${e.begin}, ${e.end}]) ${what}`);
    }
    pos = e.end;
  }
  if (pos !== dataLen) throw new WeightsFormatError(`${file}: the tensors cover ${pos} bytes of data but the file holds ${dataLen}: truncated or padded`);

  const tensors: TensorMap = new Map();
  for (const e of entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: typedView(e.dtype, bytes, dataStart + e.begin, numel(e.shape)) });
  }
  return { tensors, metadata };
}

/**
 * Writes a safetensors file as parts to be written one after another (the header, then each tensor's
 * bytes as a view of its data: no copy). Tensors keep the map's order.
 */
export function writeSafetensors(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new WeightsFormatError('a tensor cannot be named "__metadata__" in safetensors');
    checkTensor(t, `tensor "${name}"`);
    const b = tensorBytes(t);
    header[name] = { dtype: DTYPE_TO_ST[t.dtype], shape: t.shape, data_offsets: [offset, offset + b.length] };
    parts.push(b);
    offset += b.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const head = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return [head, ...parts];
}

/** Joins parts into one buffer (for callers that want bytes rather than a stream of parts). */
export function concatParts(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

