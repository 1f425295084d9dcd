/**
 * Weights files on disk: read whole into one buffer (tensors are views into it), write as a sequence
 * of parts (the formats hand back views of tensor data, so nothing is copied into one big buffer).
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { type StateDictFile, preferredLeadingPad, readStateDict } from '../../weights/state_dict_file';
import { WeightsFormatError } from '../../weights/types';

/** Reads all of `fd` from `position` into `out`. */
function readFully(fd: number, out: Uint8Array, position: number): void {
  for (let done = 0; done < out.length; ) {
    const n = readSync(fd, out, done, Math.min(out.length - done, 1 << 30), position + done);
    if (n === 0) throw new WeightsFormatError('the file shrank while being read');
    done += n;
  }
}

const HEAD_BYTES = 4 << 20;

/**
 * The bytes of a weights file, placed in memory so its tensors can be zero-copy views (a legacy .pth
 * gets the few leading bytes of padding that align its storages), or an error naming the path.
 */
export function readFileBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new WeightsFormatError(`${path}: no such file`);
  if (!statSync(path).isFile()) throw new WeightsFormatError(`${path}: not a file`);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, HEAD_BYTES));
    readFully(fd, head, 0);
    const pad = preferredLeadingPad(head);
    const bytes = new Uint8Array(new ArrayBuffer(size + pad), pad, size);
    bytes.set(head);
    readFully(fd, bytes.subarray(head.length), head.length);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Reads a .safetensors or .pth state dict from disk. */
export function readWeightsFile(path: string): StateDictFile {
  return readStateDict(readFileBytes(path), path);
}

/** Writes parts one after another to `path` (created or truncated). */
export function writeParts(path: string, parts: readonly Uint8Array[]): void {
  const fd = openSync(path, 'w');
  try {
    for (const p of parts) {
      let done = 0;
      while (done < p.length) done += writeSync(fd, p, done, p.length - done);
    }
  } finally {
    closeSync(fd);
  }
}
