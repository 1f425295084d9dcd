/**
 * PyTorch `.pth` files (torch.save) read as data: the zip format of torch >= 1.6 and the legacy format
 * (`_use_new_zipfile_serialization=False`, the 2020 DETR releases). Pickles run on the data-only VM
 * in pickle_vm.ts; nothing in the file is executed. Mirrors torch/serialization.py `_load` and `_legacy_load`.
 */
import { DTYPES, WeightsFormatError } from '../types';
import { runPickle } from './pickle_vm';
import { PyDict, PySet, PyTuple, type PyValue } from './py_values';
import { PthTensor, StorageRef, StorageType, materialize } from './storage';
import { type ZipEntry, readZipDirectory, zipEntryData } from './zip';

export interface PthFile {
  /** The object torch.save was given, tensors materialised (see py_values.ts for the mapping). */
  root: PyValue;
  format: 'zip' | 'legacy';
  /** Zip only: the entries' folder (torch names it after the file it was saved to). */
  stem?: string;
  littleEndian: boolean;
}

/** torch.serialization MAGIC_NUMBER, the first pickle of a legacy file. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** A pickle (PROTO opcode) that starts with torch's legacy magic number (LONG1, 10 bytes). */
export function isLegacyPth(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x80 && bytes[2] === 0x8a && bytes[3] === 0x0a;
}

function items(pid: unknown, file: string): unknown[] {
  if (!(pid instanceof PyTuple)) throw new WeightsFormatError(`${file}: persistent id is not a tuple`);
  if (pid.items[0] !== 'storage') throw new WeightsFormatError(`${file}: persistent id of kind ${JSON.stringify(pid.items[0])}; only storages are data`);
  return pid.items;
}

function storageType(t: unknown, file: string): StorageType {
  if (!(t instanceof StorageType)) throw new WeightsFormatError(`${file}: persistent id names no torch storage type`);
  return t;
}

function readZipPth(bytes: Uint8Array, file: string): PthFile {
  const entries = readZipDirectory(bytes, file);
  const byName = new Map<string, ZipEntry>(entries.map((e) => [e.name, e]));
  // torch takes the folder of the first entry as the archive name; data.pkl sits in it.
  const first = entries[0]?.name ?? '';
  const stem = first.includes('/') ? first.slice(0, first.indexOf('/')) : '';
  const pkl = byName.get(`${stem}/data.pkl`) ?? entries.find((e) => /^[^/]+\/data\.pkl$/.test(e.name));
  if (!pkl) throw new WeightsFormatError(`${file}: a zip without <name>/data.pkl is not a torch.save file`);
  const dir = pkl.name.slice(0, -'data.pkl'.length);
  const text = (name: string) => {
    const e = byName.get(dir + name);
    return e ? new TextDecoder().decode(zipEntryData(bytes, e, file, true)).trim() : undefined;
  };
  const byteorder = text('byteorder') ?? 'little';
  if (byteorder !== 'little' && byteorder !== 'big') throw new WeightsFormatError(`${file}: unknown byteorder "${byteorder}"`);

  const storages = new Map<string, StorageRef>();
  const persistentLoad = (pid: unknown) => {
    const [, type, key, , numel] = items(pid, file);
    const k = String(key);
    let s = storages.get(k);
    if (!s) {
      const t = storageType(type, file);
      const e = byName.get(`${dir}data/${k}`);
      if (!e) throw new WeightsFormatError(`${file}: storage "${k}" is referenced by the pickle but ${dir}data/${k} is missing`);
      s = new StorageRef(k, t.dtype, Number(numel));
      s.bytes = zipEntryData(bytes, e, file);
      storages.set(k, s);
    }
    return s;
  };
  const { value } = runPickle(zipEntryData(bytes, pkl, file, true), 0, { file, persistentLoad });
  const tensors: PthTensor[] = [];
  collectPending(value, tensors);
  for (const t of tensors) materialize(t, byteorder === 'little', file);
  return { root: value, format: 'zip', stem: dir.slice(0, -1), littleEndian: byteorder === 'little' };
}

interface LegacyPickles {
  root: PyValue;
  keys: unknown[];
  storages: Map<string, StorageRef>;
  littleEndian: boolean;
  /** Where the storages' data begins: the first storage's 8-byte element count. */
  dataStart: number;
}

/** The four pickles of a legacy file: magic number, protocol, sys_info, the object, then the storage keys. */
function readLegacyPickles(bytes: Uint8Array, file: string): LegacyPickles {
  let pos = 0;
  const next = (opts: Parameters<typeof runPickle>[2] = { file }) => {
    const r = runPickle(bytes, pos, opts);
    pos = r.end;
    return r.value;
  };
  if (next() !== LEGACY_MAGIC) throw new WeightsFormatError(`${file}: not a torch file (the magic number is wrong)`);
  if (next() !== LEGACY_PROTOCOL) throw new WeightsFormatError(`${file}: unsupported legacy torch protocol version`);
  const sysInfo = next();
  const littleEndian = !(sysInfo instanceof PyDict && sysInfo.get('little_endian') === false);

  const storages = new Map<string, StorageRef>();
  const persistentLoad = (pid: unknown) => {
    const [, type, rootKey, , numel, view] = items(pid, file);
    const t = storageType(type, file);
    const k = String(rootKey);
    let root = storages.get(k);
    if (!root) storages.set(k, (root = new StorageRef(k, t.dtype, Number(numel))));
    if (view instanceof PyTuple) {
      const [viewKey, offset, size] = view.items;
      return new StorageRef(String(viewKey), t.dtype, Number(size), root, Number(offset));
    }
    return root;
  };
  const root = next({ file, persistentLoad });
  const keys = next();
  if (!Array.isArray(keys)) throw new WeightsFormatError(`${file}: the legacy storage key list is missing`);
  return { root, keys, storages, littleEndian, dataStart: pos };
}

/**
 * For a legacy file, where its storage data begins, read from the file's first bytes (enough to hold
 * its pickles); undefined for anything else or when `head` is too short. Lets a reader place the file
 * in memory so that the tensors can be aligned views (see state_dict_file.ts preferredLeadingPad).
 */
export function legacyDataStart(head: Uint8Array): number | undefined {
  if (!isLegacyPth(head)) return undefined;
  try {
    return readLegacyPickles(head, 'head').dataStart;
  } catch {
    return undefined;
  }
}

function readLegacyPth(bytes: Uint8Array, file: string): PthFile {
  const { root, keys, storages, littleEndian, dataStart } = readLegacyPickles(bytes, file);
  const tensors: PthTensor[] = [];
  collectPending(root, tensors);
  let pos = dataStart;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys) {
    const s = storages.get(String(key));
    if (!s) throw new WeightsFormatError(`${file}: storage "${key}" is listed but no tensor uses it`);
    if (pos + 8 > bytes.length) throw new WeightsFormatError(`${file}: the file ends before storage "${key}" (truncated)`);
    const n = Number(dv.getBigUint64(pos, littleEndian)) * DTYPES[s.dtype].bytes; // element count, then the raw elements
    pos += 8;
    if (pos + n > bytes.length) throw new WeightsFormatError(`${file}: the file ends inside storage "${key}" (truncated)`);
    s.bytes = bytes.subarray(pos, pos + n);
    pos += n;
  }
  realign(storages, bytes, dataStart, pos);
  for (const t of tensors) materialize(t, littleEndian, file);
  return { root, format: 'legacy', littleEndian };
}

/**
 * Legacy storages follow pickles of any length, so their data is rarely aligned to the element size and
 * every tensor would need its own copy. One copy of the whole storage region into an 8-aligned buffer
 * is faster and lets the tensors be views of it (storages after an odd-sized one may still be copied).
 */
function realign(storages: Map<string, StorageRef>, bytes: Uint8Array, start: number, end: number): void {
  const misaligned = [...storages.values()].some((s) => s.bytes && (s.bytes.byteOffset % DTYPES[s.dtype].bytes) !== 0);
  if (!misaligned) return;
  const region = new Uint8Array(end - start);
  region.set(bytes.subarray(start, end));
  const base = bytes.byteOffset + start;
  for (const s of storages.values()) if (s.bytes) s.bytes = region.subarray(s.bytes.byteOffset - base, s.bytes.byteOffset - base + s.bytes.length);
}

/** Every PthTensor in the tree (each once), in order; iterative, so deep nesting cannot overflow the stack. */
function collectPending(root: unknown, out: PthTensor[]): void {
  const seen = new Set<unknown>();
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof PthTensor) out.push(v);
    const children = v instanceof PyDict ? [...v.map.keys(), ...v.map.values()] : v instanceof PyTuple || v instanceof PySet ? v.items : Array.isArray(v) ? v : [];
    for (let i = children.length - 1; i >= 0; i--) todo.push(children[i]);
  }
}

/** Reads a torch.save file (zip or legacy); `file` names it in errors. */
export function readPth(bytes: Uint8Array, file = 'weights.pth'): PthFile {
  if (isZip(bytes)) return readZipPth(bytes, file);
  if (isLegacyPth(bytes)) return readLegacyPth(bytes, file);
  if (bytes.length >= 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') {
    throw new WeightsFormatError(`${file}: a tar-format torch file (torch < 0.4) is not supported; re-save it with a current torch`);
  }
  throw new WeightsFormatError(`${file}: not a PyTorch file (neither the zip format nor the legacy pickle format)`);
}
