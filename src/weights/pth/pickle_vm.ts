/**
 * A pickle virtual machine that reads data only (protocols 0-5, the opcodes of Python's pickle and
 * torch.save). Globals come from the allow-list in globals.ts; nothing named in a pickle is executed.
 * Opcode reference: CPython Lib/pickletools.py.
 */
import { WeightsFormatError } from '../types';
import { PyDict, PySet, PyTuple, type PyKey, type PyValue } from './py_values';
import { type PyGlobal, GlobalRef, build, describe, findGlobal } from './globals';

export interface PickleOptions {
  /** Named in every error message. */
  file: string;
  /** BINPERSID / PERSID: turns a persistent id into the object it stands for (a storage). */
  persistentLoad?: (pid: unknown) => unknown;
}

export interface PickleResult {
  value: PyValue;
  /** Offset just past the STOP opcode. */
  end: number;
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Little-endian two's-complement bytes -> number (or bigint beyond 2^53). */
function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return intValue(v);
}

function intValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Protocol 0 'S' strings: a Python repr like 'abc' or "a\x00b". */
function unquote(s: string): string {
  const q = s[0];
  if ((q !== "'" && q !== '"') || s[s.length - 1] !== q) throw new Error(`bad STRING literal ${s.slice(0, 40)}`);
  return s.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[\\'"nrt0])/g, (_, e: string) =>
    e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t', '0': '\0' } as Record<string, string>)[e] ?? e,
  );
}

/** Runs one pickle starting at `start` and returns the object it builds. */
export function runPickle(bytes: Uint8Array, start: number, opts: PickleOptions): PickleResult {
  const { file } = opts;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const fail = (msg: string): never => {
    throw new WeightsFormatError(`${file}: bad pickle at byte ${pos}: ${msg}`);
  };
  const need = (n: number) => {
    if (n < 0 || pos + n > bytes.length) fail('the file ends inside the pickle (truncated?)');
  };
  const u8 = () => (need(1), bytes[pos++]);
  const u16 = () => (need(2), (pos += 2), dv.getUint16(pos - 2, true));
  const i32 = () => (need(4), (pos += 4), dv.getInt32(pos - 4, true));
  const u32 = () => (need(4), (pos += 4), dv.getUint32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) fail(`length ${v} exceeds the file`);
    return Number(v);
  };
  const take = (n: number) => (need(n), (pos += n), bytes.subarray(pos - n, pos));
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated line');
    const s = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => (stack.length === 0 ? fail('stack underflow') : stack.pop());
  const top = () => (stack.length === 0 ? fail('stack underflow') : stack[stack.length - 1]);
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = marks.pop();
    if (!prev) fail('no MARK on the stack');
    stack = prev!;
    return items;
  };
  const push = (v: unknown) => stack.push(v);
  const getMemo = (i: number) => (memo.has(i) ? memo.get(i) : fail(`memo key ${i} was never stored`));
  const global = (module: string, name: string) => push(findGlobal(module, name, file));
  const persistent = (pid: unknown) => push(opts.persistentLoad ? opts.persistentLoad(pid) : fail('a persistent id where none is allowed'));
  const setItems = (d: unknown, items: unknown[]) => {
    if (!(d instanceof PyDict)) fail(`SETITEM on a ${describe(d)}`);
    for (let i = 0; i + 1 < items.length; i += 2) (d as PyDict).set(items[i] as PyKey, items[i + 1] as PyValue);
  };
  const append = (l: unknown, items: unknown[]) => {
    if (!Array.isArray(l)) fail(`APPEND on a ${describe(l)}`);
    for (const x of items) (l as unknown[]).push(x);
  };
  const callGlobal = (f: unknown, args: unknown, newobj: boolean) => {
    if (!(f instanceof GlobalRef)) fail(`${newobj ? 'NEWOBJ' : 'REDUCE'} calls a ${describe(f)}, which is not an allowed callable`);
    const g = f as PyGlobal;
    const a = args instanceof PyTuple ? args.items : fail(`${g.path} called with non-tuple arguments`);
    const fn = newobj ? (g.newobj ?? g.call) : g.call;
    if (!fn) fail(`${g.path} cannot be called`);
    try {
      return fn!(a as unknown[]);
    } catch (e) {
      if (e instanceof WeightsFormatError) fail(e.message);
      throw e;
    }
  };

  for (;;) {
    if (pos >= bytes.length) fail('the file ends before the pickle STOP (truncated?)');
    const op = bytes[pos++];
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME: length only; frames are contiguous in the stream
      case 0x2e: return { value: pop() as PyValue, end: pos }; // STOP
      case 0x28: marks.push(stack); stack = []; break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4a: push(i32()); break; // BININT
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x8a: push(decodeLong(take(u8()))); break; // LONG1
      case 0x8b: { const n = i32(); if (n < 0) fail('negative LONG4 length'); push(decodeLong(take(n))); break; } // LONG4
      case 0x49: { const s = line(); push(s === '01' ? true : s === '00' ? false : intValue(BigInt(s))); break; } // INT
      case 0x4c: push(intValue(BigInt(line().replace(/L$/, '')))); break; // LONG
      case 0x46: push(parseFloat(line())); break; // FLOAT
      case 0x47: need(8); push(dv.getFloat64(pos, false)); pos += 8; break; // BINFLOAT (big-endian)
      case 0x53: push(unquote(line())); break; // STRING
      case 0x54: { const n = i32(); push(utf8.decode(take(n))); break; } // BINSTRING (py2 str, read as utf-8 like torch.load)
      case 0x55: push(utf8.decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x56: push(line().replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))); break; // UNICODE (raw-unicode-escape)
      case 0x58: push(utf8.decode(take(u32()))); break; // BINUNICODE
      case 0x8c: push(utf8.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: push(utf8.decode(take(u64()))); break; // BINUNICODE8
      case 0x42: push(take(u32()).slice()); break; // BINBYTES
      case 0x43: push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: case 0x96: push(take(u64()).slice()); break; // BINBYTES8, BYTEARRAY8
      case 0x29: push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x74: push(new PyTuple(popMark() as PyValue[])); break; // TUPLE
      case 0x85: push(new PyTuple([pop() as PyValue])); break; // TUPLE1
      case 0x86: { const b = pop(); push(new PyTuple([pop(), b] as PyValue[])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); push(new PyTuple([pop(), b, c] as PyValue[])); break; } // TUPLE3
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x6c: push(popMark()); break; // LIST
      case 0x61: { const x = pop(); append(top(), [x]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x7d: push(new PyDict()); break; // EMPTY_DICT
      case 0x64: { const d = new PyDict(); setItems(d, popMark()); push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x8f: push(new PySet([])); break; // EMPTY_SET
      case 0x90: { const items = popMark(); const s = top(); if (!(s instanceof PySet)) fail(`ADDITEMS on a ${describe(s)}`); (s as PySet).items.push(...(items as PyValue[])); break; } // ADDITEMS
      case 0x91: push(new PySet(popMark() as PyValue[], true)); break; // FROZENSET
      case 0x63: { const module = line(); global(module, line()); break; } // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings'); global(module as string, name as string); break; } // STACK_GLOBAL
      case 0x52: { const args = pop(); const f = pop(); push(callGlobal(f, args, false)); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = pop(); push(callGlobal(cls, args, true)); break; } // NEWOBJ
      case 0x92: { const kw = pop(); const args = pop(); const cls = pop(); if (!(kw instanceof PyDict) || kw.size > 0) fail('NEWOBJ_EX with keyword arguments'); push(callGlobal(cls, args, true)); break; } // NEWOBJ_EX
      case 0x62: { const state = pop(); build(top(), state, file); break; } // BUILD
      case 0x69: { const module = line(); const name = line(); const args = popMark(); push(callGlobal(findGlobal(module, name, file), new PyTuple(args as PyValue[]), true)); break; } // INST
      case 0x6f: { const items = popMark(); const cls = items.shift(); push(callGlobal(cls, new PyTuple(items as PyValue[]), true)); break; } // OBJ
      case 0x70: memo.set(Number(line()), top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: push(getMemo(Number(line()))); break; // GET
      case 0x68: push(getMemo(u8())); break; // BINGET
      case 0x6a: push(getMemo(u32())); break; // LONG_BINGET
      case 0x50: persistent(line()); break; // PERSID
      case 0x51: persistent(pop()); break; // BINPERSID
      case 0x82: case 0x83: case 0x84: fail('the extension registry (EXT1/2/4) names code, which is not data'); break;
      case 0x97: case 0x98: fail('out-of-band buffers (protocol 5) are not supported'); break;
      default: fail(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}
