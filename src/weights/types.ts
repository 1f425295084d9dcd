/**
 * What every weight format reads to and writes from: named, typed, row-major (C-contiguous) arrays.
 * Pure TypeScript over typed arrays; no tfjs, no node:*.
 *
 * Typed arrays are in the host's byte order. Every platform we run on (x86, ARM, WebAssembly) is
 * little-endian, which is also the order of safetensors and of torch files (their `byteorder` entry
 * aside, which the .pth reader honours by swapping).
 */

export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/**
 * The array type holding each dtype. float16 and bfloat16 keep their raw 16-bit patterns (Uint16Array;
 * `toFloat32` widens them); int64 is a BigInt64Array; bool is a Uint8Array of 0/1.
 */
export type TypedArray = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

export interface RawTensor {
  dtype: DType;
  /** Row-major shape; [] for a scalar. */
  shape: number[];
  /** product(shape) elements, row-major. May be a view into the buffer the file was read into. */
  data: TypedArray;
}

/** Tensors by name; insertion order = the order of the file. */
export type TensorMap = Map<string, RawTensor>;

/** Bad or unsupported bytes: the message names the file and the place. */
export class WeightsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsFormatError';
  }
}

interface DTypeInfo {
  bytes: number;
  array: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray; new (length: number): TypedArray };
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = Object.freeze({
  float32: { bytes: 4, array: Float32Array },
  float64: { bytes: 8, array: Float64Array },
  float16: { bytes: 2, array: Uint16Array },
  bfloat16: { bytes: 2, array: Uint16Array },
  int64: { bytes: 8, array: BigInt64Array },
  int32: { bytes: 4, array: Int32Array },
  int16: { bytes: 2, array: Int16Array },
  int8: { bytes: 1, array: Int8Array },
  uint8: { bytes: 1, array: Uint8Array },
  bool: { bytes: 1, array: Uint8Array },
} as Record<DType, DTypeInfo>);

export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, s);
}

/** product(shape); 1 for a scalar. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * `count` elements of `dtype` starting at `bytes[byteOffset]`: a zero-copy view when the address is
 * aligned to the element size, else a copy.
 */
export function typedView(dtype: DType, bytes: Uint8Array, byteOffset: number, count: number): TypedArray {
  const { bytes: size, array } = DTYPES[dtype];
  const start = bytes.byteOffset + byteOffset;
  if (start % size === 0) return new array(bytes.buffer, start, count);
  const out = new array(count);
  new Uint8Array(out.buffer).set(bytes.subarray(byteOffset, byteOffset + count * size));
  return out;
}

/** The raw bytes of a tensor's data (a view, no copy). */
export function tensorBytes(t: RawTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Checks that data has the array type and length the dtype and shape call for; `what` names it. */
export function checkTensor(t: RawTensor, what: string): void {
  if (!isDType(t.dtype)) throw new WeightsFormatError(`${what}: unknown dtype ${JSON.stringify(t.dtype)}`);
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new WeightsFormatError(`${what}: shape must be non-negative integers, got ${JSON.stringify(t.shape)}`);
  }
  const info = DTYPES[t.dtype];
  if (!(t.data instanceof info.array)) throw new WeightsFormatError(`${what}: ${t.dtype} data must be a ${info.array.name}`);
  if (t.data.length !== numel(t.shape)) {
    throw new WeightsFormatError(`${what}: shape [${t.shape}] needs ${numel(t.shape)} elements, data has ${t.data.length}`);
  }
}

/** IEEE half -> float32 (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The tensor's values widened (or narrowed, for float64 and int64) to float32. Always a new array. */
export function toFloat32(t: RawTensor): Float32Array {
  const n = t.data.length;
  switch (t.dtype) {
    case 'float16': {
      const src = t.data as Uint16Array;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(src[i]);
      return out;
    }
    case 'bfloat16': {
      const src = t.data as Uint16Array;
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = src[i] << 16;
      return out;
    }
    case 'int64': {
      const src = t.data as BigInt64Array;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(src[i]);
      return out;
    }
    default:
      return Float32Array.from(t.data as Exclude<TypedArray, BigInt64Array>);
  }
}
