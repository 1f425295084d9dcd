/**
 * Test helpers for the .pth suites: the canonical JSON of a Python value, as torch_cases.py `canon`
 * writes it for what torch.load returns, so a tree read by our reader compares with deep equality.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PYTHON } from './paths';
import { toFloat32 } from '../weights/types';
import { PyDict, PyFloat, PySet, PyTuple, type PyKey, type PyValue, isPlainObject, isRawTensor } from '../weights/pth/py_values';

export const TORCH_CASES_PY = resolve(fileURLToPath(import.meta.url), '../torch_cases.py');

/** Runs torch_cases.py with args; returns stdout. */
export function torchCases(...args: string[]): string {
  return execFileSync(SYSTEM_PYTHON, [TORCH_CASES_PY, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
}

function keyType(k: PyKey): string {
  if (typeof k === 'string') return 'str';
  if (typeof k === 'bigint') return 'int';
  if (typeof k === 'number') return Number.isInteger(k) ? 'int' : 'float';
  if (typeof k === 'boolean') return 'bool';
  if (k === null) return 'NoneType';
  return 'tuple';
}

export function canon(v: PyValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Math.abs(Number(v)) > 2 ** 53 ? { __bigint__: v.toString() } : Number(v);
  if (v instanceof PyFloat) return v.value;
  if (isRawTensor(v)) {
    const values =
      v.dtype === 'int64' ? Array.from(v.data as BigInt64Array, String) : v.dtype.startsWith('float') || v.dtype === 'bfloat16' ? Array.from(v.dtype === 'float64' ? v.data as Float64Array : toFloat32(v)) : Array.from(v.data as Int32Array);
    return { __tensor__: v.dtype, shape: v.shape, values };
  }
  if (v instanceof Uint8Array) return { __bytes__: Array.from(v) };
  if (Array.isArray(v)) return v.map(canon);
  if (v instanceof PyTuple) return { __tuple__: v.items.map(canon) };
  if (v instanceof PySet) return { __set__: v.items.map(canon) };
  const entries: [PyKey, PyValue][] = v instanceof PyDict ? [...v.map] : isPlainObject(v) ? Object.entries(v) : [];
  const kind = v instanceof PyDict && v.pyClass === 'collections.OrderedDict' ? 'OrderedDict' : 'dict';
  return { __dict__: kind, items: entries.map(([k, x]) => [keyType(k), canon(k as PyValue), canon(x)]) };
}
