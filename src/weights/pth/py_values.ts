/**
 * Python values as the pickle reader produces them and the pickle writer takes them.
 *
 *   None -> null, bool -> boolean, int -> number (bigint beyond 2^53), float -> number,
 *   str -> string, bytes -> Uint8Array, list -> array, tuple/torch.Size -> PyTuple,
 *   dict/OrderedDict/argparse.Namespace -> PyDict (a Map, so int and str keys both survive),
 *   set/frozenset -> PySet, tensor -> RawTensor.
 *
 * The writer also takes plain JS objects as str-keyed dicts, and PyFloat to force a float for an
 * integral number (a plain integral number is written as an int).
 */
import { type RawTensor, type TensorMap, DTYPES, isDType } from '../types';

export type PyKey = string | number | bigint | boolean | null | PyTuple;

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyFloat
  | RawTensor
  | { [key: string]: PyValue };

/** The Python class a PyDict came from (written back as dict or OrderedDict; a Namespace as a dict). */
export type PyDictClass = 'dict' | 'collections.OrderedDict' | 'argparse.Namespace';

export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
  constructor(
    public pyClass: PyDictClass = 'dict',
    entries?: Iterable<readonly [PyKey, PyValue]>,
  ) {
    if (entries) for (const [k, v] of entries) this.map.set(k, v);
  }
  get(key: PyKey): PyValue | undefined {
    return this.map.get(key);
  }
  has(key: PyKey): boolean {
    return this.map.has(key);
  }
  set(key: PyKey, value: PyValue): this {
    this.map.set(key, value);
    return this;
  }
  keys(): PyKey[] {
    return [...this.map.keys()];
  }
  get size(): number {
    return this.map.size;
  }
}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen = false,
  ) {}
}

/** A Python float whose value happens to be integral (the writer writes plain integral numbers as ints). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export function isRawTensor(v: unknown): v is RawTensor {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Partial<RawTensor>;
  return isDType(t.dtype) && Array.isArray(t.shape) && ArrayBuffer.isView(t.data) && t.data instanceof DTYPES[t.dtype].array;
}

/** A plain JS object (not an array, typed array, tensor or Py* class): written as a str-keyed dict. */
export function isPlainObject(v: unknown): v is { [key: string]: PyValue } {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v) || isRawTensor(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The entries of a dict-like value (PyDict or plain object), else undefined. */
export function dictEntries(v: PyValue | undefined): [PyKey, PyValue][] | undefined {
  if (v instanceof PyDict) return [...v.map];
  if (isPlainObject(v)) return Object.entries(v);
  return undefined;
}

/** Follows keys through dicts and indices through lists/tuples: pyGet(ckpt, 'optimizer', 'state', 0, 'exp_avg'). */
export function pyGet(v: PyValue | undefined, ...path: PyKey[]): PyValue | undefined {
  let cur = v;
  for (const k of path) {
    if (cur instanceof PyDict) cur = cur.get(k);
    else if (isPlainObject(cur) && typeof k === 'string') cur = cur[k];
    else if (Array.isArray(cur) && typeof k === 'number') cur = cur[k];
    else if (cur instanceof PyTuple && typeof k === 'number') cur = cur.items[k];
    else return undefined;
  }
  return cur;
}

/** How a key shows in a path: strings as-is, others in Python spelling. */
export function keyText(k: PyKey): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'None';
  if (typeof k === 'boolean') return k ? 'True' : 'False';
  if (k instanceof PyTuple) return `(${k.items.map((x) => keyText(x as PyKey)).join(', ')})`;
  return String(k);
}

/**
 * Calls fn for every tensor in the tree with its path (keys joined by '.'), in order. Shared
 * containers are visited once per reference; cycles are cut.
 */
export function walkTensors(v: PyValue, fn: (path: string, t: RawTensor) => void, prefix = '', seen = new Set<object>()): void {
  if (isRawTensor(v)) return fn(prefix, v);
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || v instanceof PyFloat) return;
  if (seen.has(v)) return;
  seen.add(v);
  const join = (k: PyKey) => (prefix ? `${prefix}.${keyText(k)}` : keyText(k));
  const entries = dictEntries(v);
  if (entries) for (const [k, x] of entries) walkTensors(x, fn, join(k), seen);
  else if (Array.isArray(v)) v.forEach((x, i) => walkTensors(x, fn, join(i), seen));
  else if (v instanceof PyTuple) v.items.forEach((x, i) => walkTensors(x, fn, join(i), seen));
  else if (v instanceof PySet) v.items.forEach((x, i) => walkTensors(x, fn, join(i), seen));
  seen.delete(v);
}

/** Every tensor in the tree by its dotted path (a state dict's own keys when v is a state dict). */
export function collectTensors(v: PyValue): TensorMap {
  const out: TensorMap = new Map();
  walkTensors(v, (path, t) => out.set(path, t));
  return out;
}

/** JSON-friendly copy: dicts with str keys -> objects (other keys become strings), tuples/sets -> arrays, tensors -> {dtype, shape}. */
export function toPlain(v: PyValue): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? v.toString() : v;
  if (v instanceof PyFloat) return v.value;
  if (isRawTensor(v)) return { dtype: v.dtype, shape: [...v.shape] };
  if (ArrayBuffer.isView(v)) return Array.from(v as Uint8Array);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof PyTuple || v instanceof PySet) return v.items.map(toPlain);
  const entries = dictEntries(v) ?? [];
  return Object.fromEntries(entries.map(([k, x]) => [keyText(k), toPlain(x)]));
}
