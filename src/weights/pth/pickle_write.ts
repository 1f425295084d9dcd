/**
 * Pickles plain data the way torch.save does (protocol 2), using only what
 * `torch.load(f, weights_only=True)` accepts: dict / OrderedDict, list, tuple, int, float, str, bool,
 * None, and tensors as `torch._utils._rebuild_tensor_v2` over `('storage', torch.<T>Storage, key,
 * 'cpu', numel)` persistent ids. No other global is ever written (an argparse.Namespace-derived PyDict
 * is written as a plain dict). Floats (BINFLOAT) need torch >= 2.0 under weights_only; torch 1.13's
 * weights-only unpickler knew no float opcode, though its plain torch.load reads them.
 */
import { type RawTensor, WeightsFormatError, checkTensor } from '../types';
import { PyDict, PyFloat, PySet, PyTuple, type PyKey, type PyValue, isPlainObject, isRawTensor } from './py_values';
import { DTYPE_STORAGES } from './storage';

class ByteSink {
  buf = new Uint8Array(1 << 16);
  len = 0;
  private dv = new DataView(this.buf.buffer);
  private reserve(n: number) {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  op(...codes: number[]) {
    this.reserve(codes.length);
    for (const c of codes) this.buf[this.len++] = c;
  }
  bytes(b: Uint8Array) {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  u32(v: number) {
    this.reserve(4);
    this.dv.setUint32(this.len, v, true);
    this.len += 4;
  }
  i32(v: number) {
    this.reserve(4);
    this.dv.setInt32(this.len, v, true);
    this.len += 4;
  }
  f64be(v: number) {
    this.reserve(8);
    this.dv.setFloat64(this.len, v, false);
    this.len += 8;
  }
}

const OP = {
  MARK: 0x28, STOP: 0x2e, NONE: 0x4e, NEWTRUE: 0x88, NEWFALSE: 0x89, BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d,
  LONG1: 0x8a, BINFLOAT: 0x47, BINUNICODE: 0x58, BINBYTES: 0x42, EMPTY_TUPLE: 0x29, TUPLE: 0x74, TUPLE1: 0x85,
  EMPTY_LIST: 0x5d, APPEND: 0x61, APPENDS: 0x65, EMPTY_DICT: 0x7d, SETITEM: 0x73, SETITEMS: 0x75, EMPTY_SET: 0x8f, ADDITEMS: 0x90,
  FROZENSET: 0x91, GLOBAL: 0x63, REDUCE: 0x52, BINPERSID: 0x51, BINPUT: 0x71, LONG_BINPUT: 0x72, BINGET: 0x68,
  LONG_BINGET: 0x6a, PROTO: 0x80,
} as const;

/** Python pickles containers in batches of 1000 items. */
const BATCH = 1000;
const utf8 = new TextEncoder();

/** Row-major strides as torch gives a contiguous tensor. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= Math.max(shape[i], 1);
  }
  return s;
}

/**
 * The pickle of `root`; `addStorage` is called once per distinct tensor (by identity) and returns the
 * key of the storage it will be written under.
 */
export function pickleForTorch(root: PyValue, addStorage: (t: RawTensor, path: string) => string): Uint8Array {
  const out = new ByteSink();
  const memo = new Map<unknown, number>();
  const active = new Set<unknown>();

  const put = (obj: unknown) => {
    const i = memo.size;
    memo.set(obj, i);
    if (i < 256) out.op(OP.BINPUT, i);
    else (out.op(OP.LONG_BINPUT), out.u32(i));
  };
  const get = (obj: unknown): boolean => {
    const i = memo.get(obj);
    if (i === undefined) return false;
    if (i < 256) out.op(OP.BINGET, i);
    else (out.op(OP.LONG_BINGET), out.u32(i));
    return true;
  };
  const global = (module: string, name: string) => {
    const path = `${module}\n${name}\n`;
    if (get(path)) return;
    out.op(OP.GLOBAL);
    out.bytes(utf8.encode(path));
    put(path);
  };
  const int = (v: number | bigint) => {
    if (typeof v === 'number' && v >= 0 && v < 256) out.op(OP.BININT1, v);
    else if (typeof v === 'number' && v >= 0 && v < 65536) out.op(OP.BININT2, v & 0xff, v >> 8);
    else if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) (out.op(OP.BININT), out.i32(v));
    else {
      // LONG1: minimal little-endian two's complement.
      let x = BigInt(v);
      const bytes: number[] = [];
      for (;;) {
        const b = Number(x & 0xffn);
        bytes.push(b);
        x >>= 8n;
        if ((x === 0n && !(b & 0x80)) || (x === -1n && b & 0x80)) break;
      }
      out.op(OP.LONG1, bytes.length, ...bytes);
    }
  };
  const str = (s: string) => {
    const b = utf8.encode(s);
    out.op(OP.BINUNICODE);
    out.u32(b.length);
    out.bytes(b);
  };
  const tuple = (items: PyValue[], path: string) => {
    if (items.length === 0) return out.op(OP.EMPTY_TUPLE);
    out.op(OP.MARK);
    items.forEach((x, i) => value(x, `${path}[${i}]`));
    out.op(OP.TUPLE);
  };
  const batched = (n: number, emitOne: (i: number) => void, single: number, many: number) => {
    for (let start = 0; start < n; start += BATCH) {
      const end = Math.min(n, start + BATCH);
      if (end - start === 1) (emitOne(start), out.op(single));
      else {
        out.op(OP.MARK);
        for (let i = start; i < end; i++) emitOne(i);
        out.op(many);
      }
    }
  };
  const emptyOrderedDict = () => {
    global('collections', 'OrderedDict');
    out.op(OP.EMPTY_TUPLE, OP.REDUCE);
  };
  const tensor = (t: RawTensor, path: string) => {
    checkTensor(t, `tensor at ${path || 'the root'}`);
    global('torch._utils', '_rebuild_tensor_v2');
    out.op(OP.MARK, OP.MARK);
    str('storage');
    global('torch', DTYPE_STORAGES[t.dtype]);
    str(addStorage(t, path));
    str('cpu');
    int(t.data.length);
    out.op(OP.TUPLE, OP.BINPERSID);
    int(0);
    tuple(t.shape, path);
    tuple(contiguousStrides(t.shape), path);
    out.op(OP.NEWFALSE);
    emptyOrderedDict();
    out.op(OP.TUPLE, OP.REDUCE);
  };

  function value(v: PyValue, path: string): void {
    if (v === null || v === undefined) return out.op(OP.NONE);
    if (typeof v === 'boolean') return out.op(v ? OP.NEWTRUE : OP.NEWFALSE);
    if (typeof v === 'bigint') return int(v);
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return int(v);
      return (out.op(OP.BINFLOAT), out.f64be(v));
    }
    if (typeof v === 'string') return str(v);
    if (v instanceof PyFloat) return (out.op(OP.BINFLOAT), out.f64be(v.value));
    if (typeof v !== 'object') throw new WeightsFormatError(`cannot pickle a ${typeof v} at ${path || 'the root'}`);
    if (get(v)) return;
    if (active.has(v)) throw new WeightsFormatError(`cannot pickle a cycle at ${path}`);
    if (isRawTensor(v)) return (tensor(v, path), put(v));
    if (v instanceof Uint8Array) {
      out.op(OP.BINBYTES);
      out.u32(v.length);
      out.bytes(v);
      return put(v);
    }
    if (ArrayBuffer.isView(v)) throw new WeightsFormatError(`cannot pickle a bare ${v.constructor.name} at ${path}; wrap it as a tensor`);
    active.add(v);
    if (v instanceof PyTuple) tuple(v.items, path);
    else if (Array.isArray(v)) {
      out.op(OP.EMPTY_LIST);
      put(v);
      batched(v.length, (i) => value(v[i], `${path}[${i}]`), OP.APPEND, OP.APPENDS);
    } else if (v instanceof PySet) {
      if (v.frozen) {
        out.op(OP.MARK);
        v.items.forEach((x, i) => value(x, `${path}{${i}}`));
        out.op(OP.FROZENSET);
      } else {
        out.op(OP.EMPTY_SET);
        put(v);
        out.op(OP.MARK);
        v.items.forEach((x, i) => value(x, `${path}{${i}}`));
        out.op(OP.ADDITEMS);
      }
    } else if (v instanceof PyDict || isPlainObject(v)) {
      const entries: [PyKey, PyValue][] = v instanceof PyDict ? [...v.map] : Object.entries(v);
      if (v instanceof PyDict && v.pyClass === 'collections.OrderedDict') emptyOrderedDict();
      else out.op(OP.EMPTY_DICT);
      put(v);
      const sub = (k: PyKey) => (path ? `${path}.${String(k)}` : String(k));
      const item = (i: number) => {
        const [k, x] = entries[i];
        value(k as PyValue, sub(k));
        value(x, sub(k));
      };
      batched(entries.length, item, OP.SETITEM, OP.SETITEMS);
    } else throw new WeightsFormatError(`cannot pickle a ${(v as object).constructor?.name ?? 'value'} at ${path || 'the root'}`);
    active.delete(v);
    if (!memo.has(v)) put(v);
  }

  out.op(OP.PROTO, 2);
  value(root, '');
  out.op(OP.STOP);
  return out.buf.slice(0, out.len);
}
