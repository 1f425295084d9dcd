/**
 * Weights files on disk: read whole into one buffer (tensors are views into it), write as a sequence
 * of parts (the formats hand back views of tensor data, so nothing is copied into one big buffer).
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { type StateDictFile, readStateDict } from '../../weights/state_dict_file';
import { WeightsFormatError } from '../../weights/types';

/** The bytes of a file, or an error naming the path when it is missing or not a file. */
export function readFileBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new WeightsFormatError(`${path}: no such file`);
  if (!statSync(path).isFile()) throw new WeightsFormatError(`${path}: not a file`);
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
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
