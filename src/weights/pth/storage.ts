/**
 * torch storages and the tensors that view them. The pickle names a storage by key (a persistent id)
 * before its bytes are known (a legacy file stores them after the pickle), so `_rebuild_tensor_v2`
 * makes a PthTensor whose `data` is filled in by `materialize` once the storages have bytes.
 */
import { type DType, type RawTensor, type TypedArray, DTYPES, WeightsFormatError, numel, typedView } from '../types';

/** torch.<Name>Storage -> dtype (UntypedStorage holds bytes). */
export const STORAGE_DTYPES: Readonly<Record<string, DType>> = Object.freeze({
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  UntypedStorage: 'uint8',
});

export const DTYPE_STORAGES: Readonly<Record<DType, string>> = Object.freeze(
  Object.fromEntries(Object.entries(STORAGE_DTYPES).filter(([k]) => k !== 'UntypedStorage').map(([k, v]) => [v, k])) as Record<DType, string>,
);

/** A `torch.FloatStorage`-like class object met in a pickle. */
export class StorageType {
  constructor(
    readonly name: string,
    readonly dtype: DType,
  ) {}
}

/** One storage: `numel` elements of `dtype`; `bytes` arrive when the container is read. */
export class StorageRef {
  bytes?: Uint8Array;
  constructor(
    readonly key: string,
    readonly dtype: DType,
    readonly numel: number,
    /** Legacy storage views: this storage is `numel` elements of `base` from element `baseOffset`. */
    readonly base?: StorageRef,
    readonly baseOffset = 0,
  ) {}
}

const EMPTY: Record<DType, TypedArray> = Object.fromEntries(Object.entries(DTYPES).map(([k, v]) => [k, new v.array(0)])) as Record<DType, TypedArray>;

export class PthTensor implements RawTensor {
  readonly dtype: DType;
  data: TypedArray;
  constructor(
    readonly storage: StorageRef,
    readonly storageOffset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {
    this.dtype = storage.dtype;
    this.data = EMPTY[this.dtype];
  }
}

/** Reverses the bytes of each element (big-endian file -> host order); returns a new buffer. */
function swapped(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j];
  return out;
}

function storageBytes(s: StorageRef, file: string): Uint8Array {
  const size = DTYPES[s.dtype].bytes;
  if (s.base) {
    const b = storageBytes(s.base, file);
    const start = s.baseOffset * size;
    if (start + s.numel * size > b.length) throw new WeightsFormatError(`${file}: storage view "${s.key}" runs past its base storage "${s.base.key}"`);
    return b.subarray(start, start + s.numel * size);
  }
  if (!s.bytes) throw new WeightsFormatError(`${file}: storage "${s.key}" is referenced by the pickle but its data is missing`);
  if (s.bytes.length % size !== 0) throw new WeightsFormatError(`${file}: storage "${s.key}" has ${s.bytes.length} bytes, not a whole number of ${s.dtype} elements`);
  return s.bytes;
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/**
 * Fills t.data from its storage: a zero-copy view for a contiguous tensor in a little-endian file,
 * else a copy (strided gather, byte swap). Checks the tensor stays inside its storage.
 */
export function materialize(t: PthTensor, littleEndian: boolean, file: string): void {
  const { shape, stride, storageOffset: offset, dtype } = t;
  const where = `${file}: tensor over storage "${t.storage.key}"`;
  if (shape.length !== stride.length) throw new WeightsFormatError(`${where}: size has ${shape.length} dims but stride has ${stride.length}`);
  if (![...shape, ...stride, offset].every((x) => Number.isSafeInteger(x) && x >= 0)) {
    throw new WeightsFormatError(`${where}: bad size/stride/offset (${JSON.stringify({ shape, stride, offset })})`);
  }
  const size = DTYPES[dtype].bytes;
  let bytes = storageBytes(t.storage, file);
  const n = numel(shape);
  if (n === 0) return;
  const storageNumel = bytes.length / size;
  let last = offset;
  for (let i = 0; i < shape.length; i++) last += (shape[i] - 1) * stride[i];
  if (last >= storageNumel) throw new WeightsFormatError(`${where}: reads element ${last} but the storage holds ${storageNumel}`);
  if (n * size > 2 ** 32) throw new WeightsFormatError(`${where}: [${shape}] is too large to hold in memory (${n * size} bytes)`);
  if (isContiguous(shape, stride)) {
    const b = bytes.subarray(offset * size, (offset + n) * size);
    t.data = typedView(dtype, littleEndian ? b : swapped(b, size), 0, n);
    return;
  }
  if (!littleEndian) bytes = swapped(bytes.subarray(offset * size, (last + 1) * size), size);
  const src = typedView(dtype, bytes, 0, bytes.length / size) as ArrayLike<number | bigint>;
  const base = littleEndian ? offset : 0;
  const out = new DTYPES[dtype].array(n) as { [i: number]: number | bigint; length: number };
  const idx = new Array<number>(shape.length).fill(0);
  let pos = base;
  for (let i = 0; i < n; i++) {
    out[i] = src[pos];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        pos += stride[d];
        break;
      }
      pos -= (shape[d] - 1) * stride[d];
      idx[d] = 0;
    }
  }
  t.data = out as unknown as TypedArray;
}
