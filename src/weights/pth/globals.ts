/**
 * The only Python globals a pickle may name: containers, torch's tensor-rebuild functions and storage
 * classes, torch.Size and argparse.Namespace (DETR's checkpoints keep `args` as one). Each is
 * reimplemented here as data; nothing is ever looked up by name or executed. Any other global is
 * refused by `findGlobal` with an error naming it.
 */
import { WeightsFormatError } from '../types';
import { PyDict, PySet, PyTuple, type PyKey, type PyValue, isRawTensor } from './py_values';
import { PthTensor, STORAGE_DTYPES, StorageRef, StorageType } from './storage';

/** An allow-listed global as the pickle VM sees it. */
export interface PyGlobal {
  readonly path: string;
  /** REDUCE (and NEWOBJ, when `newobj` is absent). */
  call?(args: unknown[]): unknown;
  /** NEWOBJ: cls.__new__(cls, *args). */
  newobj?(args: unknown[]): unknown;
}

export class GlobalRef implements PyGlobal {
  constructor(
    readonly path: string,
    readonly call?: (args: unknown[]) => unknown,
    readonly newobj?: (args: unknown[]) => unknown,
  ) {}
}

function tupleItems(v: unknown, what: string): unknown[] {
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  throw new WeightsFormatError(`${what} must be a tuple`);
}

function ints(v: unknown, what: string): number[] {
  const items = tupleItems(v, what);
  if (!items.every((x) => typeof x === 'number' && Number.isSafeInteger(x))) throw new WeightsFormatError(`${what} must be a tuple of ints`);
  return items as number[];
}

/** torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
function rebuildTensor(args: unknown[]): PthTensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef)) throw new WeightsFormatError('_rebuild_tensor_v2: first argument is not a storage');
  if (typeof offset !== 'number') throw new WeightsFormatError('_rebuild_tensor_v2: storage_offset is not an int');
  return new PthTensor(storage, offset, ints(size, '_rebuild_tensor_v2 size'), ints(stride, '_rebuild_tensor_v2 stride'));
}

/** torch._utils._rebuild_parameter(data, requires_grad, backward_hooks[, state]): the tensor itself. */
function rebuildParameter(args: unknown[]): unknown {
  if (!isRawTensor(args[0])) throw new WeightsFormatError('_rebuild_parameter: data is not a tensor');
  return args[0];
}

function orderedDict(args: unknown[]): PyDict {
  const d = new PyDict('collections.OrderedDict');
  if (args.length > 0 && args[0] !== null) {
    for (const pair of tupleItems(args[0], 'OrderedDict items')) {
      const [k, v] = tupleItems(pair, 'OrderedDict item');
      d.set(k as PyKey, v as PyValue);
    }
  }
  return d;
}

function makeSet(frozen: boolean) {
  return (args: unknown[]) => new PySet(args.length ? [...tupleItems(args[0], 'set items')] as PyValue[] : [], frozen);
}

/** _codecs.encode(str, 'latin1'): how protocol 2 pickles Python 3 bytes. */
function codecsEncode(args: unknown[]): Uint8Array {
  const [s, enc] = args;
  if (typeof s !== 'string' || (enc !== 'latin1' && enc !== 'latin-1')) throw new WeightsFormatError(`_codecs.encode: only (str, 'latin1') is supported`);
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

const namespace = () => new PyDict('argparse.Namespace');

const ALLOWED: ReadonlyMap<string, PyGlobal> = new Map<string, PyGlobal>(
  [
    new GlobalRef('collections.OrderedDict', orderedDict),
    new GlobalRef('torch._utils._rebuild_tensor_v2', rebuildTensor),
    new GlobalRef('torch._utils._rebuild_tensor', rebuildTensor),
    new GlobalRef('torch._utils._rebuild_parameter', rebuildParameter),
    new GlobalRef('torch._utils._rebuild_parameter_with_state', rebuildParameter),
    new GlobalRef('torch.nn.parameter.Parameter', rebuildParameter),
    new GlobalRef('torch.Size', (args) => new PyTuple(args.length ? [...tupleItems(args[0], 'torch.Size')] as PyValue[] : [])),
    new GlobalRef('argparse.Namespace', namespace, namespace),
    new GlobalRef('builtins.set', makeSet(false)),
    new GlobalRef('builtins.frozenset', makeSet(true)),
    new GlobalRef('_codecs.encode', codecsEncode),
  ].map((g) => [g.path, g]),
);

/**
 * Module names as pickles spell them -> the names people know: Python 2's (old legacy files), and
 * the platform modules behind `os` (pickle writes os.system as posix.system).
 */
const MODULE_ALIASES: Readonly<Record<string, string>> = { __builtin__: 'builtins', copy_reg: 'copyreg', posix: 'os', nt: 'os' };

/** The allow-listed global, a torch storage class, or an error naming what was refused. */
export function findGlobal(module: string, name: string, file: string): PyGlobal | StorageType {
  const path = `${MODULE_ALIASES[module] ?? module}.${name}`;
  const g = ALLOWED.get(path);
  if (g) return g;
  if (module === 'torch' && STORAGE_DTYPES[name]) return new StorageType(name, STORAGE_DTYPES[name]);
  throw new WeightsFormatError(`refusing to load ${file}: its pickle references ${path}, which is not a tensor or plain data`);
}

/**
 * BUILD (obj.__setstate__(state) / obj.__dict__.update(state)) on what an allow-listed global made:
 * a Namespace takes its fields, an OrderedDict's `_metadata` and a Parameter's state are dropped.
 */
export function build(inst: unknown, state: unknown, file: string): void {
  if (inst instanceof PyDict && inst.pyClass === 'argparse.Namespace') {
    if (!(state instanceof PyDict)) throw new WeightsFormatError(`${file}: argparse.Namespace state is not a dict`);
    for (const [k, v] of state.map) inst.set(k, v);
    return;
  }
  if (inst instanceof PyDict && inst.pyClass === 'collections.OrderedDict') return;
  if (isRawTensor(inst)) return;
  throw new WeightsFormatError(`${file}: the pickle sets state on a ${describe(inst)}, which only objects of allowed classes have`);
}

export function describe(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof PyDict) return v.pyClass;
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof GlobalRef) return v.path;
  if (v instanceof StorageType) return `torch.${v.name}`;
  if (isRawTensor(v)) return 'tensor';
  return typeof v;
}
