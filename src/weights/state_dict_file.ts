/**
 * A weights file of either kind -> the model's state dict, and back. The format comes from the magic
 * bytes (zip "PK\x03\x04" or a legacy torch pickle -> .pth; an 8-byte header length then '{' ->
 * safetensors), never from the name. In a .pth the state dict is `model` of `{'model': sd, ...}`
 * (the released DETR checkpoints and main.py's), else `state_dict`, else the object itself.
 */
import { type RawTensor, type TensorMap, WeightsFormatError } from './types';
import { looksLikeSafetensors, readSafetensors, writeSafetensors } from './safetensors';
import { isLegacyPth, isZip, legacyDataStart, readPth } from './pth/read';
import { PyDict, type PyKey, type PyValue, dictEntries, isRawTensor, keyText } from './pth/py_values';
import { describe } from './pth/globals';
import { stemOf, writePth } from './pth/write';

export type WeightsFormat = 'safetensors' | 'pth';

/** `__metadata__.format` of a detr-studio training checkpoint (weights under `model.`, optimiser state beside). */
export const TRAINING_CHECKPOINT_FORMAT = 'detr-studio-checkpoint';

export interface StateDictExtras {
  /** .pth: 'zip' or 'legacy'. */
  container?: 'zip' | 'legacy';
  /** .pth: where the state dict was found: root['model'], root['state_dict'] or the root itself. */
  foundAt?: 'model' | 'state_dict' | 'root';
  /** Set when every key began with this prefix (DDP's 'module.') and it was removed. */
  strippedPrefix?: string;
  /** safetensors `__metadata__` ({} for .pth). */
  metadata: Record<string, string>;
  /** .pth: the whole object torch.save was given (optimizer, lr_scheduler, epoch, args, ...). */
  root?: PyValue;
  /** One line per thing done that a user may want to know. */
  notes: string[];
}

export interface StateDictFile {
  tensors: TensorMap;
  format: WeightsFormat;
  extras: StateDictExtras;
}

/** The format named by a file's extension, or undefined. */
export function formatFromFileName(fileName: string): WeightsFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (lower.endsWith('.pth') || lower.endsWith('.pt') || lower.endsWith('.bin') || lower.endsWith('.ckpt')) return 'pth';
  return undefined;
}

/** The format of the bytes, by magic number; undefined when it is neither. */
export function detectWeightsFormat(bytes: Uint8Array): WeightsFormat | undefined {
  if (isZip(bytes) || isLegacyPth(bytes)) return 'pth';
  if (looksLikeSafetensors(bytes)) return 'safetensors';
  return undefined;
}

/**
 * How many bytes to put in memory before a file so that its tensors can be zero-copy views (0-7),
 * from the file's first bytes (a few MB: enough for a legacy .pth's pickles). Only legacy .pth files
 * need it: their storages follow pickles of any length. Zip and safetensors data is aligned already.
 */
export function preferredLeadingPad(head: Uint8Array): number {
  const start = legacyDataStart(head);
  return start === undefined ? 0 : (8 - ((start + 8) % 8)) % 8; // the first storage's data follows its 8-byte count
}

const DDP_PREFIX = 'module.';

function pickStateDict(root: PyValue, file: string): { entries: [PyKey, PyValue][]; foundAt: StateDictExtras['foundAt'] } {
  const top = dictEntries(root);
  if (!top) throw new WeightsFormatError(`${file}: holds a ${describe(root)}, not a state dict or a checkpoint dict`);
  for (const name of ['model', 'state_dict'] as const) {
    const inner = dictEntries(top.find(([k]) => k === name)?.[1]);
    if (inner) return { entries: inner, foundAt: name };
  }
  if (top.length > 0 && !top.some(([, v]) => isRawTensor(v))) {
    throw new WeightsFormatError(
      `${file}: no state dict found: its top-level keys are ${top.map(([k]) => keyText(k)).slice(0, 12).join(', ')} ` +
        `(expected a state dict of tensors, or a dict with 'model' or 'state_dict')`,
    );
  }
  return { entries: top, foundAt: 'root' };
}

/** Reads a state dict from .safetensors or .pth bytes; `fileName` is used only in messages. */
export function readStateDict(bytes: Uint8Array, fileName: string): StateDictFile {
  const file = fileName.split(/[\\/]/).pop() || fileName;
  const format = detectWeightsFormat(bytes);
  if (!format) {
    throw new WeightsFormatError(
      bytes.length === 0 ? `${file}: the file is empty` : `${file}: not a weights file (neither safetensors nor a PyTorch .pth; the first bytes do not match either)`,
    );
  }
  let tensors: TensorMap;
  const extras: StateDictExtras = { metadata: {}, notes: [] };
  if (format === 'safetensors') {
    const st = readSafetensors(bytes, file);
    tensors = st.tensors;
    extras.metadata = st.metadata;
    if (st.metadata.format === TRAINING_CHECKPOINT_FORMAT) {
      // A detr-studio training checkpoint (engine/checkpoint_format.ts): its weights are the model.* tensors.
      tensors = new Map([...tensors].filter(([k]) => k.startsWith('model.')).map(([k, t]) => [k.slice('model.'.length), t]));
      extras.foundAt = 'model';
      extras.notes.push('a detr-studio training checkpoint: using its model weights');
    }
  } else {
    const pth = readPth(bytes, file);
    extras.container = pth.format;
    extras.root = pth.root;
    const { entries, foundAt } = pickStateDict(pth.root, file);
    extras.foundAt = foundAt;
    tensors = new Map();
    for (const [k, v] of entries) {
      if (!isRawTensor(v)) throw new WeightsFormatError(`${file}: state dict entry "${keyText(k)}" is a ${describe(v)}, not a tensor`);
      tensors.set(keyText(k), v);
    }
  }
  if (tensors.size === 0) throw new WeightsFormatError(`${file}: the file holds no tensors`);
  const names = [...tensors.keys()];
  if (names.every((n) => n.startsWith(DDP_PREFIX))) {
    tensors = new Map([...tensors].map(([k, t]) => [k.slice(DDP_PREFIX.length), t]));
    extras.strippedPrefix = DDP_PREFIX;
    extras.notes.push(`stripped the '${DDP_PREFIX}' prefix from every name (a DistributedDataParallel checkpoint)`);
  }
  return { tensors, format, extras };
}

export interface WriteStateDictOptions {
  /** Names the stem of a .pth's entries (torch uses the file name). */
  fileName?: string;
  /** safetensors `__metadata__`; default {format: 'pt'} as torch-side writers put. */
  metadata?: Record<string, string>;
}

/**
 * Writes a state dict: safetensors as is; .pth as `{'model': OrderedDict(sd)}` like the released DETR
 * checkpoints. Returns parts to write in order (tensor data as views, no copy).
 */
export function writeStateDict(tensors: TensorMap, format: WeightsFormat, opts: WriteStateDictOptions = {}): Uint8Array[] {
  if (format === 'safetensors') return writeSafetensors(tensors, opts.metadata ?? { format: 'pt' });
  const sd = new PyDict('collections.OrderedDict', tensors as Map<string, RawTensor>);
  return writePth(new PyDict('dict', [['model', sd]]), { stem: stemOf(opts.fileName ?? 'archive') });
}
